using System.Text;
using CsCheck;
using Rostra.Core.Csv;

namespace Rostra.Core.Tests.Csv;

/// <summary>
/// Properties of the formula neutraliser (SPEC §9) over seeded random cells: no exported cell starts as a formula,
/// nothing else is changed, and a whole record written and read back keeps every cell's text.
/// </summary>
public sealed class NeutralizePropertyTests
{
    private const string Seed = "0N0XIzNsQ0O2";
    private static readonly char[] Triggers = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>Cells that often start with a trigger, and hold quotes, commas, line breaks and non-ASCII letters.</summary>
    private static readonly Gen<string> Cell =
        Gen.Frequency(
            (3, Gen.String[Gen.Char["=+-@\t\r\n\",;'aZ09 éß中😀"], 0, 12]),
            (1, Gen.String));

    [Fact]
    public void No_neutralised_cell_starts_with_a_formula_trigger()
    {
        Cell.Sample(cell =>
        {
            var safe = CsvExport.Neutralize(cell);
            return safe.Length == 0 || !Triggers.Contains(safe[0]);
        }, seed: Seed, iter: 5_000);
    }

    [Fact]
    public void Neutralising_only_prefixes_an_apostrophe_and_only_to_triggers()
    {
        Cell.Sample(cell =>
        {
            var safe = CsvExport.Neutralize(cell);
            var trigger = cell.Length > 0 && Triggers.Contains(cell[0]);
            return trigger ? safe == "'" + cell : safe == cell;
        }, seed: Seed, iter: 5_000);
    }

    [Fact]
    public void Neutralising_twice_is_neutralising_once()
    {
        Cell.Sample(cell => CsvExport.Neutralize(CsvExport.Neutralize(cell)) == CsvExport.Neutralize(cell), seed: Seed, iter: 5_000);
    }

    [Fact]
    public void Restoring_a_neutralised_cell_gives_back_the_cell()
    {
        // A cell that itself starts with an apostrophe and a trigger is the one text that reads as another: it is what
        // a neutralised cell looks like.
        Cell.Where(cell => !(cell.Length > 1 && cell[0] == '\'' && Triggers.Contains(cell[1])))
            .Sample(cell => CsvExport.Restore(CsvExport.Neutralize(cell)) == cell, seed: Seed, iter: 5_000);
    }

    [Fact]
    public void A_written_record_reads_back_as_its_neutralised_cells()
    {
        Cell.Where(cell => !cell.Contains('\uFFFD', StringComparison.Ordinal) && IsWellFormed(cell)).Array[1, 8].Sample(cells =>
        {
            using var text = new StringWriter();
            CsvExport.WriteRecord(text, Enumerable.Range(1, cells.Length).Select(i => $"Column{i}"));
            CsvExport.WriteRecord(text, cells);
            var bytes = new UTF8Encoding(false).GetBytes(text.ToString());
            using var stream = new MemoryStream(bytes);
            var format = CsvFile.Detect(stream);
            var records = CsvFile.ReadRecords(stream, format).ToList();
            var row = records.Count > 1 ? records[1].Fields : [];
            return format.Delimiter == ',' && row.SequenceEqual(cells.Select(CsvExport.Neutralize), StringComparer.Ordinal);
        }, seed: Seed, iter: 1_000, print: cells => string.Join(" | ", cells.Select(c => $"[{c}]")));
    }

    /// <summary>No lone surrogate: such a string has no UTF-8 form, so no file could hold it.</summary>
    private static bool IsWellFormed(string cell) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cell)) == cell;
}
