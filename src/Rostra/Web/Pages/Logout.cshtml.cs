using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rostra.Storage;
using Rostra.Web.Auth;

namespace Rostra.Web.Pages;

internal sealed class LogoutModel(ISignInStore store) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    /// <summary>
    /// Ends the session on the server, not only in this browser: the account gets a new security stamp, so a copy of
    /// the cookie (another tab, another browser, a saved one) stops working too.
    /// </summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            await store.ChangeSecurityStampAsync(CurrentUser.From(User).Id, cancellationToken);
        }
        await HttpContext.SignOutAsync(AuthSetup.CookieScheme);
        return Redirect("/login");
    }
}
