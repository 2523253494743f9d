using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rostra.Storage;
using Rostra.Web.Auth;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Account;

/// <summary>A district admin's own API tokens: the list, a new one (shown once), revoking one.</summary>
internal sealed class TokensModel(IDirectoryStore directory, ISignInStore store) : PageModel
{
    public IReadOnlyList<ApiTokenInfo> Tokens { get; private set; } = [];

    /// <summary>The token just created: shown on this answer only, never again.</summary>
    public string? NewToken { get; private set; }

    public string? NewTokenName { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    public string? Problem { get; private set; }

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await ShowAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var me = CurrentUser.From(User);
        var name = ApiTokens.CleanName(Name, out var problem);
        if (name is null)
        {
            Problem = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ShowAsync(cancellationToken) ? Page() : NotFound();
        }
        var (token, hash) = ApiTokens.Create();
        await store.AddTokenAsync(me.Id, hash, name, cancellationToken);
        NewToken = token;
        NewTokenName = name;
        Name = null;
        return await ShowAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id, CancellationToken cancellationToken)
    {
        var me = CurrentUser.From(User);
        Done = await store.RevokeTokenAsync(me.Id, id ?? "", cancellationToken)
            ? $"Token {id} is revoked: scripts using it now get 401."
            : "That token was already revoked.";
        return RedirectToPage();
    }

    private async Task<bool> ShowAsync(CancellationToken cancellationToken)
    {
        var me = CurrentUser.From(User);
        var district = await directory.GetDistrictAsync(me.DistrictId, cancellationToken);
        if (district is null)
        {
            return false;
        }
        Tokens = await store.ListTokensAsync(me.Id, cancellationToken);
        ViewData[NavContext.Key] = new NavContext(me.DisplayName, district.Name, me.IsDistrictAdmin);
        return true;
    }
}
