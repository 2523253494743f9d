using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Auth;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages;

/// <summary>The dashboard: a district admin sees the district's programs; anyone else the programs they can use.</summary>
internal sealed class IndexModel(IRostraStore store) : PageModel
{
    public CurrentUser Me { get; private set; } = null!;

    public District District { get; private set; } = null!;

    public IReadOnlyList<DistrictProgram> Programs { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Me = CurrentUser.From(User);
        var district = await store.GetDistrictAsync(Me.DistrictId, cancellationToken);
        if (district is null)
        {
            return NotFound();
        }
        District = district;
        var programs = await store.ListProgramsAsync(district.Id, cancellationToken);
        if (!Me.IsDistrictAdmin)
        {
            var mine = await MyProgramIdsAsync(cancellationToken);
            programs = [.. programs.Where(p => mine.Contains(p.Id))];
        }
        Programs = programs;
        ViewData[NavContext.Key] = new NavContext(Me.DisplayName, district.Name, Me.IsDistrictAdmin);
        return Page();
    }

    private async Task<HashSet<string>> MyProgramIdsAsync(CancellationToken cancellationToken)
    {
        var page = await store.ListUsersAsync(new UserQuery(Me.DistrictId, Search: Me.Username, Limit: 50), cancellationToken);
        var me = page.Users.FirstOrDefault(u => u.Username.Equals(Me.Username, StringComparison.OrdinalIgnoreCase));
        return new HashSet<string>(me?.Programs ?? [], StringComparer.OrdinalIgnoreCase);
    }
}
