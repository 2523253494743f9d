using System.Globalization;
using SpreadCheetah;

namespace Rostra.TestSupport;

/// <summary>
/// A workbook (.xlsx) of the rows of a CSV text, as a person typing them into Excel gets it: whole numbers without
/// leading zeros become number cells (a grade 3 is the number 3), everything else text; a blank line a blank row.
/// </summary>
public static class TestWorkbook
{
    public static async Task<byte[]> FromCsvAsync(string csv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var output = new MemoryStream();
        await using (var spreadsheet = await Spreadsheet.CreateNewAsync(output, cancellationToken: cancellationToken))
        {
            await spreadsheet.StartWorksheetAsync("Sheet1", null, cancellationToken);
            var lines = csv.Split(["\r\n", "\n"], StringSplitOptions.None);
            // A blank line is a blank row of the sheet (numbering stays the sheet's); the line end of the last is none.
            foreach (var line in lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines)
            {
                var cells = line.Split(',').Select(value =>
                    value.Length > 0 && value[0] != '0' && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                        ? new DataCell(number)
                        : new DataCell(value)).ToArray();
                await spreadsheet.AddRowAsync(cells, cancellationToken);
            }
            await spreadsheet.FinishAsync(cancellationToken);
        }
        return output.ToArray();
    }
}
