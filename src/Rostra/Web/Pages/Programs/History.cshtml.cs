using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Programs;

internal sealed class HistoryModel(IRostraStore store) : ProgramPageModel(store)
{
    private const int Shown = 200;

    public IReadOnlyList<ImportRecord> Imports { get; private set; } = [];

    public IReadOnlyDictionary<string, string> ProgramNames { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(string programId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.ImportHistory, cancellationToken))
        {
            return NotFound();
        }
        Imports = await Store.ListImportsAsync(District.Id, Shown, cancellationToken);
        ProgramNames = (await Store.ListProgramsAsync(District.Id, cancellationToken)).ToDictionary(p => p.Id, p => p.Name);
        return Page();
    }

    /// <summary>The link from an import to its page, named for what the page shows in its state.</summary>
    public static string OpenText(string status) => status switch
    {
        ImportStatus.Valid => "Open to confirm",
        ImportStatus.Validating or ImportStatus.Importing => "See progress",
        ImportStatus.Invalid => "See the errors",
        _ => "See what happened",
    };

    /// <summary>
    /// The file's rows. A file cancelled while it was being checked was not checked to its end: its rows are then the
    /// lines counted when it was read, about (a cell over two lines counts twice), with how far the check got.
    /// </summary>
    public static string RowsText(ImportRecord import) =>
        import.Status == ImportStatus.Cancelled && import.ProcessedRows < import.Rows
            ? string.Create(CultureInfo.CurrentCulture, $"about {import.Rows:N0} (cancelled after {import.ProcessedRows:N0} checked)")
            : import.Rows.ToString("N0", CultureInfo.CurrentCulture);

    public bool HasReport(ImportRecord import) => import.ErrorCount > 0 && import.DistrictId == District.Id;
}
