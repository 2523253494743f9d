using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Rostra.Storage;

namespace Rostra.Web.Auth;

/// <summary>
/// Every request re-checks its account in the database, so a cookie is worth no more than the account behind it:
/// a user id that does not exist (a forged or stale cookie), a user that may no longer sign in, or a security stamp
/// changed since sign-in (the user signed out) ends the session at once. A valid session gets its claims afresh,
/// so a changed role or name shows on the next request.
/// </summary>
internal static class AccountCheck
{
    public const string StampClaim = "rostra:stamp";

    /// <summary>Whether an account may be used at all (sign-in, cookie, token): it exists and is not deactivated.</summary>
    public static bool MaySignIn([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] UserAccount? account) => account is { Active: true };

    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        UserAccount? account = null;
        if (long.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var store = context.HttpContext.RequestServices.GetRequiredService<IDirectoryStore>();
            account = await store.GetUserAsync(id, context.HttpContext.RequestAborted);
        }
        if (!MaySignIn(account) || !string.Equals(principal?.FindFirstValue(StampClaim), account!.SecurityStamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSetup.CookieScheme);
            return;
        }
        context.ReplacePrincipal(CurrentUser.Principal(account, AuthSetup.CookieScheme));
    }
}
