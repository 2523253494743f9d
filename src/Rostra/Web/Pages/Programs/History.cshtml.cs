using Microsoft.AspNetCore.Mvc;
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

    public bool HasReport(ImportRecord import) => import.ErrorCount > 0 && import.DistrictId == District.Id;
}
