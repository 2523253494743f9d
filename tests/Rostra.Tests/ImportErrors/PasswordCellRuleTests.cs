using System.Text;
using CsCheck;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Tests.ImportErrors;

/// <summary>
/// Property of the password-cell rule: a password is only known by its column in a row that lines up with the header,
/// so a row that does not line up (a cell split by an unquoted comma, a dropped cell, semicolons under a comma header,
/// an unterminated quote, a record over several lines that swallowed other rows) keeps no cell, and no password ever
/// reaches the kept cells or an error, whatever the row.
/// </summary>
public sealed class PasswordCellRuleTests
{
    /// <summary>A fixed seed: every run tries the same files (a batch of rows per file, many files per run).</summary>
    private const string Seed = "1xn1HwIbwfUS";

    private static readonly string[] Header = ["First Name", "Last Name", "Username", "Password", "Grade", "School ID", "Email"];

    public enum Damage { None, UnquotedComma, DroppedCell, Semicolons, UnterminatedQuote }

    /// <summary>One row as the admin meant it, its password unique to the row, and how it was damaged on the way to CSV.</summary>
    public sealed record Row(string[] Cells, Damage Damage, int At)
    {
        public string Password => Cells[3];

        public string Line() => Damage switch
        {
            Damage.UnquotedComma => string.Join(',', Cells.Select((c, i) => i == At ? c[..(c.Length / 2)] + "," + c[(c.Length / 2)..] : c)),
            Damage.DroppedCell => string.Join(',', Cells.Where((_, i) => i != At)),
            Damage.Semicolons => string.Join(';', Cells),
            Damage.UnterminatedQuote => string.Join(',', Cells.Select((c, i) => i == At ? "\"" + c : c)),
            _ => string.Join(',', Cells),
        };
    }

    private static readonly Gen<string> Word = Gen.Char["abcdefghijklmnopqrstuvwxyzAB "].Array[2, 10].Select(c => new string(c).Trim() is { Length: > 0 } w ? w : "x");

    private static readonly Gen<Row> OneRow =
        from first in Word
        from last in Word
        from grade in Gen.OneOf("3", "K", "Z", "")
        from school in Gen.OneOf("1001", "NOPE", "")
        from damage in Gen.Frequency((4, Gen.Const(Damage.None)), (2, Gen.Const(Damage.UnquotedComma)), (2, Gen.Const(Damage.DroppedCell)),
            (1, Gen.Const(Damage.Semicolons)), (1, Gen.Const(Damage.UnterminatedQuote)))
        from at in Gen.Int[0, 6]
        select new Row([first, last, "", "", grade, school, ""], damage, at);

    /// <summary>
    /// A file of 1 to 12 rows; each row's password is unique and written with '#' and '$', which no other cell holds,
    /// so any piece of a password (half of one split by a comma) is seen wherever it lands.
    /// </summary>
    private static readonly Gen<Row[]> Files = OneRow.Array[1, 12].Select(rows =>
        rows.Select((r, n) => r with { Cells = [r.Cells[0], r.Cells[1], $"user{n}", $"P#{n}$Qx-9", .. r.Cells[4..]] }).ToArray());

    [Fact]
    public void No_password_is_kept_and_no_misaligned_row_keeps_a_cell()
    {
        Files.Array[200].Sample(files => Array.ForEach(files, AssertRule), seed: Seed, iter: 1, threads: 1,
            print: files => string.Join("\n---\n", files.Select(f => string.Join("\n", f.Select(r => r.Line())))));
    }

    private static bool HoldsPassword(string? text) => text is not null && text.AsSpan().IndexOfAny('#', '$') >= 0;

    private static void AssertRule(Row[] rows)
    {
        var text = string.Join(",", Header) + "\r\n" + string.Join("\r\n", rows.Select(r => r.Line())) + "\r\n";
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var result = Validate(file);
        var errorRows = result.Errors.Where(e => e.Row is > 1).Select(e => e.Row!.Value).ToHashSet();
        var (header, kept) = ErrorRowCells.Read(file, errorRows, default)!.Value;

        Assert.Equal(Header, header);
        foreach (var row in kept)
        {
            Assert.Equal(Header.Length, row.Cells.Count);
            Assert.Null(row.Cells[3]);
            Assert.DoesNotContain(row.Cells, HoldsPassword);
        }
        Assert.DoesNotContain(result.Errors, e => HoldsPassword(e.Value) || HoldsPassword(e.Message));
        // The file's records, as read: each one that does not line up is reported and keeps nothing.
        file.Position = 0;
        var records = CsvFile.ReadRecords(file, CsvFile.Detect(file)).Skip(1).Where(r => !r.IsBlank).ToList();
        foreach (var record in records.Where(r => !ErrorRowCells.LinesUp(r.Fields, Header.Length)))
        {
            var code = record.Fields.Length != Header.Length ? IssueCodes.RowFieldCount : IssueCodes.FieldInvalidCharacters;
            Assert.Contains(result.Errors, e => e.Row == record.Row && e.Code == code);
            Assert.DoesNotContain(kept, k => k.Row == record.Row);
        }
        // Rows that line up and have errors keep their cells as written, Password blank.
        foreach (var record in records.Where(r => ErrorRowCells.LinesUp(r.Fields, Header.Length) && errorRows.Contains(r.Row)))
        {
            var row = Assert.Single(kept, k => k.Row == record.Row);
            Assert.Equal(record.Fields.Select((c, i) => i == 3 ? null : c), row.Cells);
        }
    }

    private static ValidationResult Validate(Stream file)
    {
        var district = new District("d", "District", "none", "none");
        var schools = new[] { new School("1001", "d", "Lincoln", GradeSet.Parse("K-5")) };
        var context = new ValidationContext(district, UserType.Student, schools, new NoUsers(), new ImportLimits());
        return FileValidator.ValidateAsync(file, context, null, default).GetAwaiter().GetResult();
    }

    private sealed class NoUsers : IUserLookup
    {
        public Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

        public Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
    }
}
