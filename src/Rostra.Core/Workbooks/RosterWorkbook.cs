using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;
using Rostra.Core.Roster;

namespace Rostra.Core.Workbooks;

/// <summary>
/// The round-trip export as an Excel workbook (SPEC §10, §11): a type's users in its template columns, header bold and
/// frozen, Password blank. Every value is a text cell, never a formula or a number, so a name that starts with
/// <c>=</c> is shown as typed and a School ID keeps its leading zeros; uploaded again unchanged, it plans no change.
/// Written streaming with SpreadCheetah, one row at a time.
/// </summary>
public static class RosterWorkbook
{
    /// <summary>
    /// Writes the workbook to a stream that allows synchronous writes (a file, a memory stream, standard output): the zip
    /// container ends with synchronous writes.
    /// </summary>
    public static async Task WriteAsync(Stream output, UserType type, IAsyncEnumerable<ExportedUser> users, CancellationToken cancellationToken)
    {
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(output, new SpreadCheetahOptions { BufferSize = 64 * 1024 }, cancellationToken);
        var header = spreadsheet.AddStyle(new Style { Font = { Bold = true } });
        var textStyle = new Style { Format = NumberFormat.Standard(StandardNumberFormat.Text) };
        var text = spreadsheet.AddStyle(textStyle);
        var columns = Templates.Columns(type);
        var options = new WorksheetOptions { FrozenRows = 1 };
        for (var i = 0; i < columns.Count; i++)
        {
            var column = options.Column(i + 1);
            column.Width = columns[i] == Column.Email ? 30 : 18;
            column.DefaultStyle = textStyle;
        }
        await spreadsheet.StartWorksheetAsync(TemplateWorkbook.SheetName(type), options, cancellationToken);
        await spreadsheet.AddHeaderRowAsync(RosterExport.Header(type).ToArray(), header, cancellationToken);
        var cells = new Cell[columns.Count];
        await foreach (var user in users.WithCancellation(cancellationToken))
        {
            var values = RosterExport.Cells(type, user);
            for (var i = 0; i < cells.Length; i++) cells[i] = new Cell(values[i] ?? "", text);
            await spreadsheet.AddRowAsync(cells, cancellationToken);
        }
        await spreadsheet.FinishAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the workbook to a stream that only allows asynchronous writes (an HTTP response): through a temporary
    /// file, deleted on close, so memory stays bounded whatever the number of users.
    /// </summary>
    public static async Task WriteThroughFileAsync(Stream output, UserType type, IAsyncEnumerable<ExportedUser> users, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rostra-export-{Guid.NewGuid():N}.xlsx");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await WriteAsync(file, type, users, cancellationToken);
        file.Position = 0;
        await file.CopyToAsync(output, cancellationToken);
    }
}
