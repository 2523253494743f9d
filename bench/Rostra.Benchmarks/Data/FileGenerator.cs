using System.Globalization;
using System.Text;
using Rostra.Core;

namespace Rostra.Benchmarks.Data;

/// <summary>The kinds of row error the generator plants, one per erroneous row, in equal shares.</summary>
internal enum RowError
{
    FieldCount,
    Required,
    TooLong,
    InvalidCharacters,
    UsernameInvalid,
    UsernameDuplicate,
    UsernameTaken,
    EmailInvalid,
    EmailDuplicate,
    EmailTaken,
    PasswordTooShort,
    PasswordComplexity,
    GradeInvalid,
    GradeNotOffered,
    SchoolUnknown,
    SchoolDuplicate,
    TeacherRoleInvalid,
}

/// <summary>
/// What to generate: a user type, a row count, the share of rows with an error, a seed, how many users the district
/// already has (for <c>username.taken</c> / <c>email.taken</c>), and the share of students given an email.
/// </summary>
internal readonly record struct FileSpec(
    UserType Type, int Rows, double ErrorShare = 0, int Seed = 42, long ExistingUsers = 0, double StudentEmailShare = 0.7)
{
    /// <summary>The error kinds that apply to this user type (and to a district that has existing users).</summary>
    public IReadOnlyList<RowError> ErrorKinds
    {
        get
        {
            var (type, existing) = (Type, ExistingUsers);
            return Enum.GetValues<RowError>().Where(e => e switch
            {
                RowError.GradeInvalid or RowError.GradeNotOffered => type == UserType.Student,
                RowError.TeacherRoleInvalid => type == UserType.SchoolAdmin,
                RowError.UsernameTaken or RowError.EmailTaken => existing > 0,
                _ => true,
            }).ToArray();
        }
    }
}

/// <summary>
/// Writes an import file as a district would upload it (UTF-8 with BOM, CRLF, quoting where Excel quotes), from a
/// seed: the same spec always gives the same bytes. A share of rows carries exactly one error each, the kinds taking
/// turns, so a file with <c>errors = 0.01</c> has about 1% of rows wrong and every kind of error in it.
/// </summary>
internal sealed class FileGenerator(SyntheticDistrict district)
{
    private static readonly string[] AsciiFirst = Names.First.Select(Names.Ascii).ToArray();
    private static readonly string[] AsciiLast = Names.Last.Select(Names.Ascii).ToArray();
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Special = "!#$%&*?@-_";

    /// <summary>Writes the file and returns how many rows carry an error.</summary>
    public int Write(FileSpec spec, Stream output)
    {
        var rng = new Random(spec.Seed);
        var kinds = spec.ErrorKinds;
        var columns = Templates.Columns(spec.Type);
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        writer.Write(Templates.HeaderLine(spec.Type));
        writer.Write("\r\n");

        // Recent clean usernames and emails, for planted duplicates.
        var recentUsernames = new string[64];
        var recentEmails = new string[64];
        var recent = 0;
        var errorRows = 0;
        var nextKind = 0;
        var values = new Dictionary<Column, string>(columns.Count);
        var sb = new StringBuilder(256);
        for (var i = 0; i < spec.Rows; i++)
        {
            var row = i + 2;
            var user = CleanRow(spec, rng, row, values);
            RowError? error = null;
            if (spec.ErrorShare > 0 && kinds.Count > 0 && rng.NextDouble() < spec.ErrorShare)
            {
                error = kinds[nextKind++ % kinds.Count];
                if (error is RowError.UsernameDuplicate or RowError.EmailDuplicate && recent == 0) error = RowError.Required;
                Plant(error.Value, spec, rng, values, user, recentUsernames, recentEmails, recent);
                errorRows++;
            }
            else
            {
                recentUsernames[recent % recentUsernames.Length] = values[Column.Username];
                recentEmails[recent % recentEmails.Length] = values[Column.Email];
                if (values[Column.Email].Length > 0) recent++;
            }

            sb.Clear();
            for (var c = 0; c < columns.Count; c++)
            {
                if (c > 0) sb.Append(',');
                var value = values[columns[c]];
                // A field-count error: the School IDs written without the quotes Excel would add.
                if (error == RowError.FieldCount && columns[c] == Column.SchoolId) sb.Append(value);
                else AppendField(sb, value);
            }
            sb.Append("\r\n");
            writer.Write(sb);
        }
        return errorRows;
    }

    private (Grade? Grade, School School) CleanRow(FileSpec spec, Random rng, int row, Dictionary<Column, string> values)
    {
        var f = rng.Next(Names.First.Length);
        var l = rng.Next(Names.Last.Length);
        var username = string.Create(CultureInfo.InvariantCulture, $"{AsciiFirst[f]}.{AsciiLast[l]}.{spec.Seed}-{row}");
        values[Column.FirstName] = Names.First[f];
        values[Column.LastName] = spec.Type == UserType.Student || rng.Next(10) > 0 ? Names.Last[l] : "";
        values[Column.Username] = rng.Next(10) == 0 ? username.ToUpperInvariant() : username;
        values[Column.Password] = Password(rng, spec.Type == UserType.Student ? 8 + rng.Next(5) : 12 + rng.Next(6));
        var staff = spec.Type != UserType.Student;
        values[Column.Email] = staff || rng.NextDouble() < spec.StudentEmailShare ? username + "@" + district.Domain : "";

        if (spec.Type == UserType.Student)
        {
            var grade = Grade.FromOrdinal(rng.Next(Grade.Count));
            var offering = district.SchoolsOffering(grade);
            var school = offering[rng.Next(offering.Count)];
            // Spreadsheets write grades in several ways; all of them read the same.
            var text = grade.ToString();
            values[Column.Grade] = rng.Next(20) switch
            {
                0 when grade.Ordinal > 2 && grade.Ordinal < 12 => "0" + text,
                1 => text.ToLowerInvariant(),
                _ => text,
            };
            values[Column.SchoolId] = school.SchoolId;
            return (grade, school);
        }

        var count = spec.Type == UserType.Teacher ? 1 + rng.Next(3) : 1 + rng.Next(2);
        var ids = new List<string>(count);
        School first = district.Schools[rng.Next(district.Schools.Count)];
        ids.Add(first.SchoolId);
        while (ids.Count < count)
        {
            var id = district.Schools[rng.Next(district.Schools.Count)].SchoolId;
            if (!ids.Contains(id)) ids.Add(id);
        }
        values[Column.SchoolId] = string.Join(rng.Next(2) == 0 ? "," : ", ", ids);
        if (spec.Type == UserType.SchoolAdmin)
            values[Column.TeacherRole] = rng.Next(6) switch { 0 => "Y", 1 => "Yes", 2 => "n", 3 => "N", _ => "" };
        return (null, first);
    }

    private void Plant(RowError error, FileSpec spec, Random rng, Dictionary<Column, string> values, (Grade? Grade, School School) user,
        string[] recentUsernames, string[] recentEmails, int recent)
    {
        var earlier = recent == 0 ? 0 : rng.Next(Math.Min(recent, recentUsernames.Length));
        var existing = spec.ExistingUsers == 0 ? 0 : rng.NextInt64(spec.ExistingUsers);
        switch (error)
        {
            case RowError.FieldCount:
                if (spec.Type == UserType.Student) values[Column.SchoolId] += "," + district.Schools[0].SchoolId;
                else if (!values[Column.SchoolId].Contains(',', StringComparison.Ordinal)) values[Column.SchoolId] += "," + district.Schools[1].SchoolId;
                break;
            case RowError.Required:
                values[Column.FirstName] = "";
                break;
            case RowError.TooLong:
                var part = values[Column.LastName].Length > 0 ? values[Column.LastName] : "Long";
                values[Column.LastName] = string.Concat(Enumerable.Repeat(part, 101 / part.Length + 1))[..101];
                break;
            case RowError.InvalidCharacters:
                values[Column.FirstName] += "\tAnn";
                break;
            case RowError.UsernameInvalid:
                values[Column.Username] = values[Column.Username].Replace('.', ' ');
                break;
            case RowError.UsernameDuplicate:
                values[Column.Username] = recentUsernames[earlier];
                break;
            case RowError.UsernameTaken:
                values[Column.Username] = SyntheticDistrict.ExistingUsername(existing);
                break;
            case RowError.EmailInvalid:
                values[Column.Email] = values[Column.Username] + (rng.Next(2) == 0 ? "@@" + district.Domain : "." + district.Domain);
                break;
            case RowError.EmailDuplicate:
                values[Column.Email] = recentEmails[earlier];
                break;
            case RowError.EmailTaken:
                // Existing students k with k % 3 == 0 have no email; step to one that has.
                if (existing % 3 == 0 && existing % 20 != 0) existing = existing + 1 < spec.ExistingUsers ? existing + 1 : 1;
                values[Column.Email] = district.ExistingEmail(existing);
                break;
            case RowError.PasswordTooShort:
                values[Column.Password] = Password(rng, 5);
                break;
            case RowError.PasswordComplexity:
                values[Column.Password] = values[Column.Password].ToLowerInvariant();
                break;
            case RowError.GradeInvalid:
                values[Column.Grade] = rng.Next(2) == 0 ? "14" : "Kinder";
                break;
            case RowError.GradeNotOffered:
                var notOffered = Grade.All.First(g => !user.School.Grades.Contains(g));
                values[Column.Grade] = notOffered.ToString();
                break;
            case RowError.SchoolUnknown:
                values[Column.SchoolId] = rng.Next(2) == 0 ? "9" + user.School.SchoolId : "0" + user.School.SchoolId;
                break;
            case RowError.SchoolDuplicate:
                values[Column.SchoolId] = user.School.SchoolId + ", " + user.School.SchoolId;
                break;
            case RowError.TeacherRoleInvalid:
                values[Column.TeacherRole] = "Maybe";
                break;
        }
    }

    /// <summary>A password with every class of character, <paramref name="length"/> long.</summary>
    private static string Password(Random rng, int length) => string.Create(length, rng, (span, r) =>
    {
        span[0] = Upper[r.Next(Upper.Length)];
        span[1] = Lower[r.Next(Lower.Length)];
        span[2] = Digits[r.Next(Digits.Length)];
        span[3] = Special[r.Next(Special.Length)];
        for (var i = 4; i < span.Length; i++) span[i] = Lower[r.Next(Lower.Length)];
        // Rotate so the classes are not always in the same place.
        span.Slice(0, Math.Min(4, span.Length)).Reverse();
        var shift = r.Next(span.Length);
        span.Slice(0, shift).Reverse();
        span.Slice(shift).Reverse();
        span.Reverse();
    });

    private static void AppendField(StringBuilder sb, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(value);
            return;
        }
        sb.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
