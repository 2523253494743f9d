using System.Globalization;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Storage;

namespace Rostra.Web.Imports;

/// <summary>
/// The error report of an import (<c>GET /api/imports/{id}/errors.csv</c>): the uploaded file's own columns,
/// header as written, with Password blanked, then <c>Row</c> and <c>Errors</c> (every message of the row),
/// only for rows with errors, so the admin can fix the file in Excel. UTF-8 with BOM, CRLF.
/// Cells that a spreadsheet would run as a formula are neutralised.
/// </summary>
internal static class ErrorReport
{
    public const string RowColumn = "Row";
    public const string ErrorsColumn = "Errors";

    /// <summary>
    /// The report built from what the database keeps (any node can answer): the file's header, the cells of the rows with
    /// errors (Password already blanked), and the errors.
    /// </summary>
    public static async Task WriteAsync(
        IReadOnlyList<string>? header, IAsyncEnumerable<ErrorRow> rows, IReadOnlyList<ImportIssue> errors, Stream output, CancellationToken cancellationToken)
    {
        var (byRow, fileLevel) = Split(errors);
        await using var writer = new StreamWriter(output, CsvExport.Utf8WithBom, 64 * 1024, leaveOpen: true);
        if (header is null)
        {
            WriteReasonOnly(writer, errors);
            return;
        }
        var width = header.Count;
        var cells = WriteHeader(writer, header, fileLevel);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (!byRow.TryGetValue(row.Row, out var rowErrors)) continue;
            Array.Clear(cells);
            for (var i = 0; i < width && i < row.Cells.Count; i++) cells[i] = row.Cells[i];
            WriteLine(writer, cells, row.Row.ToString(CultureInfo.InvariantCulture), rowErrors);
        }
    }

    /// <summary>The errors of data rows by row, in order; the rest (row 1 or none) are about the file as a whole.</summary>
    private static (Dictionary<int, List<ImportIssue>> ByRow, List<ImportIssue> FileLevel) Split(IReadOnlyList<ImportIssue> errors)
    {
        var byRow = new Dictionary<int, List<ImportIssue>>();
        var fileLevel = new List<ImportIssue>();
        foreach (var error in errors)
        {
            if (error.Row is { } row and > 1)
            {
                if (!byRow.TryGetValue(row, out var list))
                {
                    byRow[row] = list = [];
                }
                list.Add(error);
            }
            else
            {
                fileLevel.Add(error);
            }
        }
        return (byRow, fileLevel);
    }

    /// <summary>Not text at all (a workbook): there are no columns to give back, only the reason.</summary>
    private static void WriteReasonOnly(TextWriter writer, IReadOnlyList<ImportIssue> errors)
    {
        CsvExport.WriteRecord(writer, [RowColumn, ErrorsColumn]);
        CsvExport.WriteRecord(writer, ["", Join(errors)]);
    }

    /// <summary>
    /// The header with <c>Row</c> and <c>Errors</c> added, then any file and header problems (row 1 or none) on one line
    /// that says what is wrong with the file as a whole. Returns the cells of a line, for the rows that follow.
    /// </summary>
    private static string?[] WriteHeader(TextWriter writer, IReadOnlyList<string> header, List<ImportIssue> fileLevel)
    {
        var cells = new string?[header.Count + 2];
        CsvExport.WriteRecord(writer, [.. header, RowColumn, ErrorsColumn]);
        if (fileLevel.Count > 0) WriteLine(writer, cells, fileLevel.Any(e => e.Row == 1) ? "1" : "", fileLevel);
        return cells;
    }

    /// <summary>Writes a line whose file cells are set: <paramref name="row"/>, then every message of the row in one cell.</summary>
    private static void WriteLine(TextWriter writer, string?[] cells, string row, List<ImportIssue> errors)
    {
        cells[^2] = row;
        cells[^1] = Join(errors);
        CsvExport.WriteRecord(writer, cells);
    }

    /// <summary>All messages of a row in one cell, each led by its column.</summary>
    private static string Join(IEnumerable<ImportIssue> errors) =>
        string.Join(" | ", errors.Select(e => e.Column is null ? e.Message : $"{e.Column}: {e.Message}"));
}
