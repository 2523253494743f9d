using Rostra.Core;

namespace Rostra.Web.ImportErrors;

/// <summary>
/// One line of an error report: the spreadsheet row (null for the file as a whole), the file's cells as they may be
/// shown (Password and the cells of a row that does not line up are null), and the row's errors in order.
/// </summary>
internal sealed record ReportLine(int? Row, IReadOnlyList<string?> Cells, IReadOnlyList<ImportIssue> Errors, bool CellsWithheld)
{
    /// <summary>What the report says of a row whose cells are withheld.</summary>
    public const string WithheldNote =
        "The cells of this row are not shown: it does not line up with the header, so any of them could be a password. Fix the row in your own file.";
}
