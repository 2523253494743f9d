using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Auth;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages;

/// <summary>
/// The first page after sign-in. A district admin sees the district's programs and where to manage them; anyone
/// else (a student, a teacher, a school admin) sees who they are, their schools and their programs.
/// </summary>
internal sealed class IndexModel(IDirectoryStore store) : PageModel
{
    public CurrentUser Me { get; private set; } = null!;

    public District District { get; private set; } = null!;

    public IReadOnlyList<DistrictProgram> Programs { get; private set; } = [];

    /// <summary>The signed-in user as the district has them (null for a district admin).</summary>
    public UserSummary? Account { get; private set; }

    /// <summary>The signed-in user's schools, by name (a School ID the district no longer has shows as its ID).</summary>
    public IReadOnlyList<(string SchoolId, string Name)> MySchools { get; private set; } = [];

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
            Account = await FindMeAsync(cancellationToken);
            var mine = new HashSet<string>(Account?.Programs ?? [], StringComparer.OrdinalIgnoreCase);
            programs = [.. programs.Where(p => mine.Contains(p.Id))];
            var schools = (await store.ListSchoolsAsync(district.Id, cancellationToken)).ToDictionary(s => s.SchoolId, s => s.Name, StringComparer.OrdinalIgnoreCase);
            MySchools = [.. (Account?.SchoolIds ?? []).Select(id => (id, schools.TryGetValue(id, out var name) ? name : id))];
        }
        Programs = programs;
        ViewData[NavContext.Key] = new NavContext(Me.DisplayName, district.Name, Me.IsDistrictAdmin);
        return Page();
    }

    private async Task<UserSummary?> FindMeAsync(CancellationToken cancellationToken)
    {
        var page = await store.ListUsersAsync(new UserQuery(Me.DistrictId, Search: Me.Username, Limit: 50), cancellationToken);
        return page.Users.FirstOrDefault(u => u.Username.Equals(Me.Username, StringComparison.OrdinalIgnoreCase));
    }
}
