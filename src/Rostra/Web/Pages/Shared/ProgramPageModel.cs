using Microsoft.AspNetCore.Mvc.RazorPages;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Auth;

namespace Rostra.Web.Pages.Shared;

/// <summary>A page inside a program: loads the district and the program of the address, and fills the navigation bar.</summary>
internal abstract class ProgramPageModel(IDirectoryStore directory) : PageModel
{
    /// <summary>The district's schools, programs and users: all a program page reads besides its own feature's store.</summary>
    protected IDirectoryStore Directory { get; } = directory;

    public CurrentUser Me { get; private set; } = null!;

    public District District { get; private set; } = null!;

    public DistrictProgram Program { get; private set; } = null!;

    /// <summary>Loads the page's context; false when the program is not one of the user's district (a 404).</summary>
    protected async Task<bool> LoadAsync(string programId, AdminSection section, CancellationToken cancellationToken)
    {
        Me = CurrentUser.From(User);
        var district = await Directory.GetDistrictAsync(Me.DistrictId, cancellationToken);
        var program = district is null ? null
            : (await Directory.ListProgramsAsync(district.Id, cancellationToken)).FirstOrDefault(p => p.Id.Equals(programId, StringComparison.OrdinalIgnoreCase));
        if (district is null || program is null)
        {
            return false;
        }
        District = district;
        Program = program;
        ViewData[NavContext.Key] = new NavContext(Me.DisplayName, district.Name, Me.IsDistrictAdmin, program.Id, program.Name, section);
        return true;
    }
}
