using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Programs;

internal sealed class SchoolsModel(IRostraStore store) : ProgramPageModel(store)
{
    public IReadOnlyList<School> Schools { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string programId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.Schools, cancellationToken))
        {
            return NotFound();
        }
        Schools = await Store.ListSchoolsAsync(District.Id, cancellationToken);
        return Page();
    }
}
