using System.Text;
using System.Text.Unicode;
using CsCheck;
using Rostra.Core.Csv;

namespace Rostra.Core.Tests.Csv;

/// <summary>
/// Property: any table written the way Excel and Google Sheets write CSV, in any of the delimiters and encodings
/// SPEC.md §3 accepts, reads back through <see cref="CsvFile.Detect"/> and <see cref="CsvFile.ReadRecords"/> as the
/// same table, one record per row, numbered 1..n.
/// </summary>
/// <remarks>
/// Constraints on the generated tables, and why:
/// <list type="bullet">
/// <item>At least two columns, and a header of letters only: the delimiter is detected from the header line, so
/// it must contain the delimiter and nothing that competes with it. A one-column file has no delimiter to find.</item>
/// <item>Cells hold letters, digits, spaces, the three delimiters, quotes, CR, LF, accented letters, emoji and CJK.
/// No control characters other than CR, LF and tab (tab is a delimiter, so a cell may hold it as it may hold a
/// comma). With two or more columns a row of empty cells is still written with delimiters, so it reads back;
/// the single-empty-cell row that Sep reads as an empty line cannot occur.</item>
/// <item>Windows-1252 only for tables it can represent, with accented letters inside words as names have them (see
/// <c>WesternWords</c>), and not when its bytes happen to be valid UTF-8 as well
/// (e.g. "ß€" is DF 80, which is also U+07C0): a file without a BOM cannot say which was meant, and SPEC.md reads
/// valid UTF-8 as UTF-8. An all-ASCII table is the same bytes in both and is kept.</item>
/// </list>
/// </remarks>
public sealed class CsvRoundTripPropertyTests
{
    public enum TextEncoding { Utf8, Utf8Bom, Utf16LeBom, Utf16BeBom, Windows1252 }

    public sealed record Table(string[] Header, string[][] Rows, char Delimiter, TextEncoding Encoding, string LineEnd, bool FinalLineEnd)
    {
        public override string ToString() =>
            $"{Encoding} '{(Delimiter == '\t' ? "\\t" : Delimiter)}' {(LineEnd == "\n" ? "LF" : "CRLF")} final={FinalLineEnd}\n" +
            string.Join("\n", Rows.Prepend(Header).Select(r => string.Join(" | ", r.Select(Show))));

        private static string Show(string cell) =>
            "[" + cell.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "]";
    }

    private static readonly string[] Ascii = ["a", "Z", "7", " ", "  ", ",", ";", "\t", "\"", "\"\"", "\r", "\n", "\r\n", "x y", "0"];

    private static readonly string[] Western = ["é", "Ü", "ñ", "ß", "Œ", "€", "’"];

    /// <summary>
    /// Accented text as it stands in names, for Windows-1252 files: without a BOM the character set is told from how
    /// the letters read (SPEC §3), and a file of loose accented letters and symbols ("Œa\"\"éŒñ") is refused as unknown.
    /// </summary>
    private static readonly string[] WesternWords = [" José ", " Zoë ", " Núñez ", " Strauß ", " O’Brien ", " Œdipe ", " Müller ", " 5 € "];

    private static readonly string[] Beyond1252 = ["😀", "中", "Ł", "ễ", "\u00A0"];

    private static Gen<string> Cell(string[] atoms) =>
        Gen.Frequency((2, Gen.Const("")), (8, Gen.OneOf(atoms).Array[1, 6].Select(string.Concat)));

    private static readonly Gen<string> HeaderCell =
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"].Array[1, 8].Select(chars => new string(chars));

    private static Gen<Table> Tables(int minRows, int maxRows) =>
        from encoding in Gen.Enum<TextEncoding>()
        from columns in Gen.Int[2, 6]
        let atoms = encoding == TextEncoding.Windows1252 ? [.. Ascii, .. WesternWords] : Ascii.Concat(Western).Concat(Beyond1252).ToArray()
        from header in HeaderCell.Array[columns]
        from rows in Cell(atoms).Array[columns].Array[minRows, maxRows]
        from delimiter in Gen.OneOf(',', ';', '\t')
        from lineEnd in Gen.OneOf("\r\n", "\n", "\r")
        from finalLineEnd in Gen.Bool
        select new Table(header, rows, delimiter, encoding, lineEnd, finalLineEnd);

    private static bool Unambiguous(Table table)
    {
        if (table.Encoding != TextEncoding.Windows1252) return true;
        var bytes = Write(table);
        return !Utf8.IsValid(bytes) || Array.TrueForAll(bytes, b => b < 0x80);
    }

    [Fact]
    public void Reads_back_any_table_written_as_excel_writes_csv()
    {
        Tables(0, 25).Where(Unambiguous).SampleSeeded(AssertReadsBack, iter: 400, print: t => t.ToString());
    }

    [Fact]
    public void Reads_back_tables_larger_than_the_read_buffers()
    {
        Tables(2500, 5000).Where(Unambiguous).SampleSeeded(AssertReadsBack, iter: 10, print: t => t.ToString());
    }

    private static void AssertReadsBack(Table table)
    {
        using var stream = new MemoryStream(Write(table));

        var format = CsvFile.Detect(stream);
        var records = CsvFile.ReadRecords(stream, format).ToList();

        Assert.Equal(table.Delimiter, format.Delimiter);
        Assert.Equal(table.Encoding == TextEncoding.Windows1252 && HasNonAscii(table), format.IsFallback);
        var expected = table.Rows.Prepend(table.Header).ToList();
        Assert.Equal(Enumerable.Range(1, expected.Count), records.Select(r => r.Row));
        for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i], records[i].Fields);
    }

    private static bool HasNonAscii(Table table) => table.Rows.Any(r => r.Any(c => c.Any(ch => ch >= 0x80)));

    /// <summary>Writes a table as a spreadsheet does: a cell is quoted when it holds the delimiter, a quote, CR or LF.</summary>
    internal static byte[] Write(Table table)
    {
        var lines = table.Rows.Prepend(table.Header)
            .Select(row => string.Join(table.Delimiter, row.Select(cell => TestFiles.Quote(cell, table.Delimiter))));
        var text = string.Join(table.LineEnd, lines) + (table.FinalLineEnd ? table.LineEnd : "");
        return table.Encoding switch
        {
            TextEncoding.Utf8 => Encoding.UTF8.GetBytes(text),
            TextEncoding.Utf8Bom => TestFiles.Bytes(new UTF8Encoding(true), text),
            TextEncoding.Utf16LeBom => TestFiles.Bytes(new UnicodeEncoding(false, true), text),
            TextEncoding.Utf16BeBom => TestFiles.Bytes(new UnicodeEncoding(true, true), text),
            TextEncoding.Windows1252 => CsvFile.Windows1252.GetBytes(text),
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
    }
}
