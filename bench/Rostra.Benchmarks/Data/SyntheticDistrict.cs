using System.Globalization;
using Rostra.Core;
using Rostra.Storage;

namespace Rostra.Benchmarks.Data;

/// <summary>
/// The district every generated file belongs to, derived from a few numbers so that the generator and the seeder
/// agree without sharing state: its schools (a few hundred, every grade offered somewhere, some School IDs with
/// leading zeros or letters) and its existing users (user <c>k</c> is always the same person).
/// </summary>
internal sealed class SyntheticDistrict
{
    public const string DefaultId = "bench-usd";
    public const string ProgramId = "reading";

    private static readonly string[] AsciiFirst = Names.First.Select(Names.Ascii).ToArray();
    private static readonly string[] AsciiLast = Names.Last.Select(Names.Ascii).ToArray();

    private readonly List<School>[] _byGrade;

    /// <param name="firstSchool">The number of the first school: School IDs are unique across the platform, so a second district starts further on.</param>
    public SyntheticDistrict(string id = DefaultId, int schoolCount = 300, int firstSchool = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(schoolCount, 10);
        Id = id;
        Domain = id + ".k12.example.org";
        Schools = Enumerable.Range(firstSchool, schoolCount).Select(i => CreateSchool(id, i)).ToArray();
        _byGrade = Enumerable.Range(0, Grade.Count)
            .Select(g => Schools.Where(s => s.Grades.Contains(Grade.FromOrdinal(g))).ToList())
            .ToArray();
    }

    public string Id { get; }

    public string Domain { get; }

    public IReadOnlyList<School> Schools { get; }

    public District District => new(Id, "Bench Unified School District");

    /// <summary>Schools offering <paramref name="grade"/> (never empty).</summary>
    public IReadOnlyList<School> SchoolsOffering(Grade grade) => _byGrade[grade.Ordinal];

    /// <summary>Elementary, middle and high schools in a 5:3:2 mix; School IDs like 1000, 00003 or SY.</summary>
    private static School CreateSchool(string district, int i)
    {
        var (kind, grades) = (i % 10) switch
        {
            0 => ("Elementary", "PK,TK,K-5"),
            < 5 => ("Elementary", "K-5"),
            < 8 => ("Middle", "6-8"),
            8 => ("High", "9-12"),
            _ => ("High", "9-13"),
        };
        var id = (i % 25) switch
        {
            24 => "S" + Letters(i),
            3 => i.ToString("D5", CultureInfo.InvariantCulture),
            _ => (1000 + i).ToString(CultureInfo.InvariantCulture),
        };
        var name = $"{Names.Last[i % Names.Last.Length].Replace(",", "", StringComparison.Ordinal)} {kind} School #{i}";
        return new School(id, district, name, GradeSet.Parse(grades));
    }

    private static string Letters(int n)
    {
        var s = "";
        do
        {
            s = (char)('A' + (n % 26)) + s;
            n /= 26;
        }
        while (n > 0);
        return s;
    }

    /// <summary>The name of existing user <paramref name="k"/>: a fixed function of k, not of any random stream.</summary>
    public static (int First, int Last) ExistingName(long k)
    {
        var h = Mix((ulong)k);
        return ((int)(h % (ulong)Names.First.Length), (int)((h >> 32) % (ulong)Names.Last.Length));
    }

    /// <summary>Existing users' usernames have one dot (<c>sofia.garcia17</c>); generated rows' have two, so they never collide by accident.</summary>
    public static string ExistingUsername(long k)
    {
        var (f, l) = ExistingName(k);
        return string.Create(CultureInfo.InvariantCulture, $"{AsciiFirst[f]}.{AsciiLast[l]}{k}");
    }

    public string ExistingEmail(long k) => ExistingUsername(k) + "@" + Domain;

    /// <summary>Existing user <paramref name="k"/> as stored: every 20th is a teacher at two schools, the rest students.</summary>
    public NewUser ExistingUser(long k, string passwordHash)
    {
        var (f, l) = ExistingName(k);
        var h = Mix((ulong)k ^ 0x5bd1e995UL);
        var username = ExistingUsername(k);
        if (k % 20 == 0)
        {
            var a = Schools[(int)(h % (ulong)Schools.Count)].SchoolId;
            var b = Schools[(int)((h >> 20) % (ulong)Schools.Count)].SchoolId;
            return new NewUser(Id, username, Names.First[f], Names.Last[l], username + "@" + Domain, [Roles.Teacher], null,
                a == b ? [a] : [a, b], [ProgramId], new Secret.Hash(passwordHash));
        }
        var grade = Grade.FromOrdinal((int)(h % Grade.Count));
        var offering = SchoolsOffering(grade);
        var school = offering[(int)((h >> 8) % (ulong)offering.Count)].SchoolId;
        return new NewUser(Id, username, Names.First[f], Names.Last[l], k % 3 == 0 ? null : username + "@" + Domain, [Roles.Student],
            grade, [school], [ProgramId], new Secret.Hash(passwordHash));
    }

    /// <summary>SplitMix64's finaliser: a cheap, well-spread hash of an index.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
