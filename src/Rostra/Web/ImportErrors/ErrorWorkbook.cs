using System.Drawing;
using System.Globalization;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;
using Rostra.Core;

namespace Rostra.Web.ImportErrors;

/// <summary>
/// The error report as a workbook (<c>GET /api/imports/{id}/errors.xlsx</c>, SPEC §11): the file's rows with errors in
/// its own columns (Password blank), every wrong cell highlighted with its messages as a note, then <c>Row</c> and
/// <c>Errors</c>. Every value is written as text, never as a formula or a number (leading zeros stay). Written streaming
/// with SpreadCheetah; only the notes wait in memory until the sheet ends (one per wrong cell of the kept errors, so
/// bounded like them).
/// </summary>
internal static class ErrorWorkbook
{
    public const string SheetName = "Errors";

    /// <summary>The fill of a wrong cell: Excel's light red.</summary>
    public static readonly Color WrongFill = Color.FromArgb(255, 255, 199, 206);

    /// <summary>
    /// Writes the workbook to <paramref name="output"/>. The zip container ends with synchronous writes, which a response
    /// does not allow, so the workbook is written to a temporary file (deleted on close) and then copied out asynchronously:
    /// memory stays bounded whatever the size.
    /// </summary>
    public static async Task WriteAsync(IReadOnlyList<string>? header, IAsyncEnumerable<ReportLine> lines, Stream output, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rostra-report-{Guid.NewGuid():N}.xlsx");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await WriteWorkbookAsync(header, lines, file, cancellationToken);
        file.Position = 0;
        await file.CopyToAsync(output, cancellationToken);
    }

    /// <summary>Writes the workbook to a stream that allows synchronous writes (a file, a memory stream).</summary>
    public static async Task WriteWorkbookAsync(IReadOnlyList<string>? header, IAsyncEnumerable<ReportLine> lines, Stream output, CancellationToken cancellationToken)
    {
        await using var workbook = await Spreadsheet.CreateNewAsync(output, new SpreadCheetahOptions { BufferSize = 64 * 1024 }, cancellationToken);
        var columns = header ?? [];
        var options = new WorksheetOptions { FrozenRows = 1 };
        for (var i = 0; i < columns.Count; i++) options.Column(i + 1).Width = 18;
        options.Column(columns.Count + 2).Width = 80;
        await workbook.StartWorksheetAsync(SheetName, options, cancellationToken);
        var bold = workbook.AddStyle(new Style { Font = { Bold = true } });
        var wrong = workbook.AddStyle(new Style { Fill = { Color = WrongFill } });

        var cells = new Cell[columns.Count + 2];
        for (var i = 0; i < columns.Count; i++) cells[i] = new Cell(columns[i], bold);
        cells[^2] = new Cell(ErrorReport.RowColumn, bold);
        cells[^1] = new Cell(ErrorReport.ErrorsColumn, bold);
        await workbook.AddRowAsync(cells, cancellationToken);

        var sheetRow = 1;
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            sheetRow++;
            var notes = NotesByColumn(columns, line);
            for (var i = 0; i < columns.Count; i++)
            {
                var value = i < line.Cells.Count ? line.Cells[i] : null;
                if (notes.TryGetValue(i, out var note))
                {
                    cells[i] = new Cell(value ?? "", wrong);
                    workbook.AddNote(Reference(i, sheetRow), note);
                }
                else
                {
                    cells[i] = new Cell(value ?? "");
                }
            }
            cells[^2] = new Cell(line.Row?.ToString(CultureInfo.InvariantCulture) ?? "");
            cells[^1] = new Cell(ErrorReport.Join(line.Errors, line.CellsWithheld));
            await workbook.AddRowAsync(cells, cancellationToken);
        }
        await workbook.FinishAsync(cancellationToken);
    }

    /// <summary>The messages of each wrong cell of a line, by column index (header names match as on upload).</summary>
    private static Dictionary<int, string> NotesByColumn(IReadOnlyList<string> columns, ReportLine line)
    {
        var notes = new Dictionary<int, string>();
        if (line.CellsWithheld || line.Row is null) return notes;
        foreach (var error in line.Errors)
        {
            if (error.Column is null) continue;
            var index = IndexOf(columns, error.Column);
            if (index < 0) continue;
            notes[index] = notes.TryGetValue(index, out var before) ? before + "\n" + error.Message : error.Message;
        }
        return notes;
    }

    private static int IndexOf(IReadOnlyList<string> columns, string column)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Trim().Equals(column, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>The A1 reference of a cell: column index from 0, sheet row from 1.</summary>
    public static string Reference(int column, int row)
    {
        var letters = "";
        for (var n = column + 1; n > 0; n = (n - 1) / 26) letters = (char)('A' + ((n - 1) % 26)) + letters;
        return letters + row.ToString(CultureInfo.InvariantCulture);
    }
}
