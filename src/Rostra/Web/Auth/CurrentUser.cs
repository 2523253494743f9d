using System.Globalization;
using System.Security.Claims;
using Rostra.Core;
using Rostra.Storage;

namespace Rostra.Web.Auth;

/// <summary>The signed-in user as the pages and the API see them, read from the claims.</summary>
internal sealed record CurrentUser(long Id, string Username, string DistrictId, string DisplayName, bool IsDistrictAdmin)
{
    public const string DistrictClaim = "rostra:district";

    public static ClaimsPrincipal Principal(UserAccount user, string scheme)
    {
        var name = string.IsNullOrWhiteSpace(user.LastName) ? user.FirstName : $"{user.FirstName} {user.LastName}";
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Username),
            new(ClaimTypes.GivenName, name),
            new(DistrictClaim, user.DistrictId),
            new(AccountCheck.StampClaim, user.SecurityStamp),
            .. user.Roles.Select(role => new Claim(ClaimTypes.Role, role)),
        ];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The user of a request that passed authorization.</summary>
    public static CurrentUser From(ClaimsPrincipal principal)
    {
        var id = long.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw NotSignedIn(), CultureInfo.InvariantCulture);
        var username = principal.FindFirstValue(ClaimTypes.Name) ?? throw NotSignedIn();
        var district = principal.FindFirstValue(DistrictClaim) ?? throw NotSignedIn();
        var display = principal.FindFirstValue(ClaimTypes.GivenName) ?? username;
        return new CurrentUser(id, username, district, display, principal.IsInRole(Roles.DistrictAdmin));
    }

    private static InvalidOperationException NotSignedIn() => new("The request has no signed-in user.");
}
