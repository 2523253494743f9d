using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Programs;

internal sealed class SchoolsModel(IDirectoryStore directory) : ProgramPageModel(directory)
{
    public IReadOnlyList<School> Schools { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string programId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.Schools, cancellationToken))
        {
            return NotFound();
        }
        Schools = await Directory.ListSchoolsAsync(District.Id, cancellationToken);
        return Page();
    }
}
