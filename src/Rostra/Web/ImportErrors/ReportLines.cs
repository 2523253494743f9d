using System.Runtime.CompilerServices;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Web.ImportErrors;

/// <summary>
/// The lines of an error report, streamed: the kept errors (in row order) joined with the kept cells of their rows (in
/// row order), one line per row, so a report of any size is written in bounded memory.
/// </summary>
internal static class ReportLines
{
    /// <summary>
    /// One line per row with errors, file-level errors (no row, or the header's row 1) on a line of their own.
    /// A row with a <c>row.field_count</c> error never shows a cell, whatever was kept for it (the password rule).
    /// </summary>
    public static async IAsyncEnumerable<ReportLine> ReadAsync(
        int width, IAsyncEnumerable<ImportIssue> errors, IAsyncEnumerable<ErrorRow> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var cells = rows.GetAsyncEnumerator(cancellationToken);
        var hasCells = await cells.MoveNextAsync();
        var group = new List<ImportIssue>();
        int? groupRow = null;
        await foreach (var error in errors.WithCancellation(cancellationToken))
        {
            var row = DataRow(error);
            if (group.Count > 0 && row != groupRow)
            {
                (var line, hasCells) = await LineAsync(width, groupRow, group, cells, hasCells);
                yield return line;
                group = [];
            }
            groupRow = row;
            group.Add(error);
        }
        if (group.Count > 0) yield return (await LineAsync(width, groupRow, group, cells, hasCells)).Line;
    }

    /// <summary>The data row an error is about; null for the file or its header.</summary>
    private static int? DataRow(ImportIssue error) => error.Row is { } row and > 1 ? row : null;

    private static async Task<(ReportLine Line, bool HasCells)> LineAsync(
        int width, int? row, List<ImportIssue> errors, IAsyncEnumerator<ErrorRow> cells, bool hasCells)
    {
        var shown = new string?[width];
        if (row is not { } number)
        {
            return (new ReportLine(errors.Any(e => e.Row == 1) ? 1 : null, shown, errors, false), hasCells);
        }
        while (hasCells && cells.Current.Row < number) hasCells = await cells.MoveNextAsync();
        // No cells were kept for a row that does not line up (or spans lines); a row.field_count error withholds them anyway.
        var withheld = errors.Any(e => e.Code == IssueCodes.RowFieldCount) || !hasCells || cells.Current.Row != number;
        if (!withheld)
        {
            var kept = cells.Current.Cells;
            for (var i = 0; i < width && i < kept.Count; i++) shown[i] = kept[i];
        }
        return (new ReportLine(number, shown, errors, withheld), hasCells);
    }
}
