using System.Globalization;
using System.Text;
using Rostra.Core;
using Rostra.Core.Csv;

namespace Rostra.Web.ImportErrors;

/// <summary>
/// The error report as CSV (<c>GET /api/imports/{id}/errors.csv</c>): the uploaded file's own columns, header as written,
/// with Password blanked, then <c>Row</c> and <c>Errors</c> (every message of the row), only for rows with errors, so the
/// admin can fix the file in Excel. UTF-8 with BOM, CRLF. Cells that a spreadsheet would run as a formula are neutralised.
/// Written asynchronously in blocks, so a report of any size streams (the server allows no synchronous writes).
/// </summary>
internal static class ErrorReport
{
    public const string RowColumn = "Row";
    public const string ErrorsColumn = "Errors";

    /// <summary>Bytes gathered before they are written out.</summary>
    private const int Block = 32 * 1024;

    /// <summary>
    /// Writes the report: <paramref name="header"/> is the file's header (null when the file was not text: the report is
    /// then the reason alone), <paramref name="lines"/> the report's lines in order.
    /// </summary>
    public static async Task WriteAsync(IReadOnlyList<string>? header, IAsyncEnumerable<ReportLine> lines, Stream output, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(Block * 2);
        await using var writer = new StreamWriter(buffer, CsvExport.Utf8WithBom, 4096, leaveOpen: true);
        if (header is null)
        {
            CsvExport.WriteRecord(writer, [RowColumn, ErrorsColumn]);
            var errors = new List<ImportIssue>();
            await foreach (var line in lines.WithCancellation(cancellationToken)) errors.AddRange(line.Errors);
            CsvExport.WriteRecord(writer, ["", Join(errors, withheld: false)]);
        }
        else
        {
            CsvExport.WriteRecord(writer, [.. header, RowColumn, ErrorsColumn]);
            var cells = new string?[header.Count + 2];
            await foreach (var line in lines.WithCancellation(cancellationToken))
            {
                Array.Clear(cells);
                for (var i = 0; i < header.Count && i < line.Cells.Count; i++) cells[i] = line.Cells[i];
                cells[^2] = line.Row?.ToString(CultureInfo.InvariantCulture) ?? "";
                cells[^1] = Join(line.Errors, line.CellsWithheld);
                CsvExport.WriteRecord(writer, cells);
                if (buffer.Length >= Block)
                {
                    await CopyOutAsync(writer, buffer, output, cancellationToken);
                }
            }
        }
        await CopyOutAsync(writer, buffer, output, cancellationToken);
    }

    /// <summary>Moves what was gathered to <paramref name="output"/>, asynchronously.</summary>
    private static async Task CopyOutAsync(StreamWriter writer, MemoryStream buffer, Stream output, CancellationToken cancellationToken)
    {
        await writer.FlushAsync(cancellationToken);
        if (buffer.Length == 0) return;
        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        buffer.SetLength(0);
    }

    /// <summary>All messages of a row in one cell, each led by its column; the note when its cells are withheld.</summary>
    public static string Join(IEnumerable<ImportIssue> errors, bool withheld)
    {
        var text = new StringBuilder();
        foreach (var e in errors)
        {
            if (text.Length > 0) text.Append(" | ");
            if (e.Column is not null) text.Append(e.Column).Append(": ");
            text.Append(e.Message);
        }
        if (withheld) text.Append(' ').Append(ReportLine.WithheldNote);
        return text.ToString();
    }
}
