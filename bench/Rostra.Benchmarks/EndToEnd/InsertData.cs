using System.Globalization;
using System.Text;
using Rostra.Benchmarks.Data;
using Rostra.Benchmarks.Micro;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;
using Rostra.Storage.Search;

namespace Rostra.Benchmarks.EndToEnd;

/// <summary>
/// The rows of the insert measurement: the users of a clean file as validation reads them, already hashed (one
/// precomputed hash), and the same rows as the CSV files the raw loaders take.
/// </summary>
internal static class InsertData
{
    public const string CreatedAt = "2026-01-01T00:00:00.0000000Z";

    public static async Task<List<NewUser>> ReadUsersAsync(string file, SyntheticDistrict district, UserType type, CancellationToken cancellationToken)
    {
        var context = new ValidationContext(district.District, type, district.Schools, new InMemoryUsers([], []), new ImportLimits());
        await using var stream = File.OpenRead(file);
        var users = new List<NewUser>();
        await foreach (var u in FileValidator.ReadUsersAsync(stream, context, cancellationToken))
        {
            users.Add(u with { Password = new Secret.Hash(DistrictSeeder.PrecomputedHash) });
        }
        return users;
    }

    /// <summary>Writes users, user_schools and user_programs rows as the store would, ids from <paramref name="firstId"/>.</summary>
    public static RawFiles WriteRawFiles(string directory, IReadOnlyList<NewUser> users, long firstId, Guid importId)
    {
        Directory.CreateDirectory(directory);
        var files = new RawFiles(Path.Combine(directory, "users.csv"), Path.Combine(directory, "user_schools.csv"), Path.Combine(directory, "user_programs.csv"),
            Path.Combine(directory, "user_search.csv"));
        var utf8 = new UTF8Encoding(false);
        using var u = new StreamWriter(files.Users, false, utf8, 1 << 16) { NewLine = "\n" };
        using var s = new StreamWriter(files.UserSchools, false, utf8, 1 << 16) { NewLine = "\n" };
        using var p = new StreamWriter(files.UserPrograms, false, utf8, 1 << 16) { NewLine = "\n" };
        using var k = new StreamWriter(files.UserSearch, false, utf8, 1 << 16) { NewLine = "\n" };
        var import = importId.ToString("D");
        var line = new StringBuilder(512);
        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i];
            var id = (firstId + i).ToString(CultureInfo.InvariantCulture);
            line.Clear();
            Field(line, id).Append(',');
            Field(line, user.DistrictId).Append(',');
            Field(line, user.Username).Append(',');
            Field(line, user.Username.ToLowerInvariant()).Append(',');
            Field(line, user.FirstName).Append(',');
            Field(line, user.LastName).Append(',');
            Field(line, user.Email).Append(',');
            Field(line, user.Email?.ToLowerInvariant()).Append(',');
            Field(line, string.Join(',', user.Roles.Distinct(StringComparer.Ordinal))).Append(',');
            Field(line, user.Grade?.ToString()).Append(',');
            Field(line, (user.Password as Secret.Hash)?.Encoded).Append(",0,,");
            Field(line, CreatedAt).Append(',');
            Field(line, import);
            // security_stamp, active, version: the defaults an imported user gets.
            line.Append(",\"\",1,1");
            u.WriteLine(line);
            foreach (var school in user.SchoolIds.Distinct(StringComparer.Ordinal)) s.WriteLine($"{user.DistrictId},{id},{Quote(school)}");
            p.WriteLine($"{user.DistrictId},{id},{SyntheticDistrict.ProgramId}");
            // What users_search_insert adds: SQLite's triggers call rostra_fold, which only the store's connections have.
            var last = user.LastName ?? "";
            k.WriteLine($"{id},{user.DistrictId},{Quote(SearchText.Fold((user.FirstName + " " + last).Trim()))},{Quote(SearchText.Fold((last + " " + user.FirstName).Trim()))}");
        }
        return files;
    }

    /// <summary>A CSV field; null is written as nothing (PostgreSQL's NULL), a value is quoted when it needs to be.</summary>
    private static StringBuilder Field(StringBuilder sb, string? value) => value is null ? sb : sb.Append(Quote(value));

    private static string Quote(string value) =>
        value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
