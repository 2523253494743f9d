using System.Text;
using System.Text.Unicode;
using CsCheck;
using Rostra.Core.Csv;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Validation;

/// <summary>
/// Property: a file of valid students, with its columns in any order and case, any delimiter and any encoding,
/// validates clean and reads back as the same users, with School IDs and grades in their canonical form.
/// </summary>
public sealed class ValidFilePropertyTests
{
    public sealed record StudentRow(string First, string Last, string Password, string GradeText, string SchoolText, string Email);

    public sealed record StudentFile(string[] Header, int[] Order, StudentRow[] Rows, char Delimiter, int Encoding)
    {
        public override string ToString() => Encoding + " '" + Delimiter + "' " + string.Join("|", Header) + "\n" +
            string.Join("\n", Rows.Select(r => r.ToString()));
    }

    private static readonly (string Schools, string[] Canonical, string[] Grades)[] Enrolments =
    [
        ("1001", ["1001"], ["K", "k", " 1", "05", "3"]),
        ("1001, 1002", ["1001", "1002"], ["K", "2", "4 "]),
        ("1002,1001", ["1002", "1001"], ["k", "01"]),
        ("lhs", ["LHS"], ["9", "12", "010"]),
        ("00417", ["00417"], ["6", "07", "8"]),
    ];

    private static readonly Gen<string> Name = Gen.OneOf("Ann", "Zoë", "O'Brien", "Núñez", "Smith, Jr", "Lee \"Bo\"", " Renée ", "Łukasz", "李");

    private static readonly Gen<string> Password =
        Gen.Char["abcdefghijkXYZ0123456789!#$%&*()-_=+[]{};:,.<>/?\"' "].Array[4, 20]
            .Select(chars => "Aa1#" + new string(chars));

    private static readonly Gen<StudentRow> Row =
        from first in Name
        from last in Name
        from password in Password
        from enrolment in Gen.Int[0, Enrolments.Length - 1]
        from gradeIndex in Gen.Int[0, 4]
        from hasEmail in Gen.Bool
        let e = Enrolments[enrolment]
        select new StudentRow(first, last, password, e.Grades[gradeIndex % e.Grades.Length], e.Schools, hasEmail ? "x" : "");

    private static readonly Gen<StudentFile> Files =
        from order in Gen.Shuffle(Enumerable.Range(0, 7).ToArray())
        from spellings in Gen.Int[0, 3].Array[7]
        from rows in Row.Array[1, 30]
        from delimiter in Gen.OneOf(',', ';', '\t')
        from encoding in Gen.Int[0, 3]
        select new StudentFile(
            [.. order.Select((column, i) => Spell(StudentHeader.Split(',')[column], spellings[i]))],
            order, rows, delimiter, encoding);

    private static string Spell(string header, int how) => how switch
    {
        0 => header,
        1 => header.ToUpperInvariant(),
        2 => header.ToLowerInvariant(),
        _ => " " + header + "  ",
    };

    [Fact]
    public void Validates_and_reads_back_any_file_of_valid_students()
    {
        Files.SampleSeeded(file =>
        {
            var bytes = Write(file);

            var result = Validate(UserType.Student, bytes).GetAwaiter().GetResult();
            var users = ReadUsers(UserType.Student, bytes).GetAwaiter().GetResult();

            Assert.True(result.IsValid, Codes(result));
            Assert.Equal(file.Rows.Length, result.Rows);
            Assert.Equal(file.Rows.Length, users.Count);
            for (var i = 0; i < users.Count; i++)
            {
                var row = file.Rows[i];
                var user = users[i];
                Assert.Equal(i + 2, user.Row);
                Assert.Equal(row.First.Trim(), user.FirstName);
                Assert.Equal(row.Last.Trim(), user.LastName);
                Assert.Equal($"user{i}", user.Username);
                Assert.Equal(new Secret.Plain(row.Password), user.Password);
                Assert.Equal(Grade.Parse(row.GradeText), user.Grade);
                Assert.Equal(Enrolments.First(e => e.Schools == row.SchoolText).Canonical, user.SchoolIds);
                Assert.Equal(row.Email.Length == 0 ? null : $"user{i}@lincoln.org", user.Email);
                Assert.Equal([Roles.Student], user.Roles);
            }
        }, iter: 150, print: f => f.ToString());
    }

    private static byte[] Write(StudentFile file)
    {
        var lines = new List<string> { string.Join(file.Delimiter, file.Header) };
        for (var i = 0; i < file.Rows.Length; i++)
        {
            var r = file.Rows[i];
            string[] cells = [r.First, r.Last, $"user{i}", r.Password, r.GradeText, r.SchoolText, r.Email.Length == 0 ? "" : $"user{i}@lincoln.org"];
            lines.Add(string.Join(file.Delimiter, file.Order.Select(c => Quote(cells[c], file.Delimiter))));
        }
        var text = string.Concat(lines.Select(l => l + "\r\n"));
        var windows1252 = CsvFile.Windows1252.GetBytes(text);
        var representable = CsvFile.Windows1252.GetString(windows1252) == text && !Utf8.IsValid(windows1252);
        return file.Encoding switch
        {
            0 => Encoding.UTF8.GetBytes(text),
            1 => Bytes(new UTF8Encoding(true), text),
            2 => Bytes(new UnicodeEncoding(file.Delimiter == ',', true), text),
            _ => representable ? windows1252 : Encoding.UTF8.GetBytes(text),
        };
    }
}
