using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rostra.Core;
using Rostra.Tests.Web;

namespace Rostra.Tests.Security;

/// <summary>
/// A cookie is worth no more than the account behind it: every request re-checks the account, sign-out ends the
/// session on the server, and a forged cookie for a user that does not exist opens nothing.
/// </summary>
public sealed partial class SessionTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task Sign_out_ends_the_session_so_a_saved_copy_of_the_cookie_stops_working()
    {
        var district = await Web.CreateDistrictAsync();
        var (browser, jar) = await Sessions.SignInAsync(Web, district.Admin);
        using var _ = browser;
        using var saved = Sessions.WithCookies(Web, jar.GetCookieHeader(Web.BaseAddress));
        Assert.True(await Sessions.IsSignedInAsync(saved), "The copied cookie works before sign-out.");
        var token = await WebApp.AntiforgeryTokenAsync(browser, "/");

        using var signOut = await browser.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var page = await saved.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        using var api = await saved.GetAsync("/api/schools");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        // Signing in again works, with a new session.
        var (again, _) = await Sessions.SignInAsync(Web, district.Admin);
        using (again)
        {
            Assert.True(await Sessions.IsSignedInAsync(again));
        }
    }

    [Fact]
    public async Task A_cookie_stops_working_on_the_next_request_once_the_security_stamp_changes()
    {
        var district = await Web.CreateDistrictAsync();
        var (client, _) = await Sessions.SignInAsync(Web, district.Admin);
        using var __ = client;
        Assert.True(await Sessions.IsSignedInAsync(client));
        var admin = await Web.Store.FindUserAsync(district.Admin, default);

        await Web.Store.ChangeSecurityStampAsync(admin!.Id, default);

        using var api = await client.GetAsync("/api/schools");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.False(await Sessions.IsSignedInAsync(client));
    }

    [Fact]
    public async Task A_forged_cookie_for_a_user_id_that_does_not_exist_opens_nothing_while_the_same_forgery_for_a_real_admin_would()
    {
        var district = await Web.CreateDistrictAsync();
        var admin = (await Web.Store.FindUserAsync(district.Admin, default))!;
        // Someone with the key ring (e.g. from a backup) can seal any claims; the account behind them is what counts.
        using var real = Sessions.WithCookies(Web, "rostra.auth=" + Forge(admin.Id, admin.SecurityStamp, district.Id));
        using var ghost = Sessions.WithCookies(Web, "rostra.auth=" + Forge(admin.Id + 1_000_000, admin.SecurityStamp, district.Id));
        using var stale = Sessions.WithCookies(Web, "rostra.auth=" + Forge(admin.Id, "not-the-stamp", district.Id));

        using var control = await real.GetAsync("/api/schools");
        using var forged = await ghost.GetAsync("/api/schools");
        using var forgedPage = await ghost.GetAsync("/");
        using var wrongStamp = await stale.GetAsync("/api/schools");

        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, forgedPage.StatusCode);
        Assert.StartsWith("/login", forgedPage.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongStamp.StatusCode);
    }

    [Fact]
    public async Task A_session_sees_a_changed_role_on_its_next_request()
    {
        var district = await Web.CreateDistrictAsync();
        var admin = (await Web.Store.FindUserAsync(district.Admin, default))!;
        // The cookie claims district admin for a user who is a teacher in the database.
        var teacher = (await Web.Store.FindUserAsync(district.Teacher, default))!;
        using var client = Sessions.WithCookies(Web, "rostra.auth=" + Forge(teacher.Id, teacher.SecurityStamp, district.Id, Roles.DistrictAdmin));

        using var api = await client.GetAsync("/api/schools");

        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.NotEqual(admin.Id, teacher.Id);
    }

    [Fact]
    public async Task A_bearer_token_of_a_user_who_no_longer_exists_is_a_401()
    {
        await using var web = await WebApp.StartAsync();
        var district = await web.CreateDistrictAsync();
        using var client = web.Client(district.AdminToken);
        using (var before = await client.GetAsync("/api/schools"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(web.Folder, "rostra.db")}"))
        {
            await connection.OpenAsync();
            await using var delete = connection.CreateCommand();
            // Foreign keys off, as a hand-edited database would be: the token row stays, its user is gone.
            delete.CommandText = "DELETE FROM users WHERE username = $u";
            delete.Parameters.AddWithValue("$u", district.Admin);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        using var after = await client.GetAsync("/api/schools");

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_user_deactivated_since_sign_in_is_signed_out_loses_the_api_and_signs_in_as_an_unknown_user_would()
    {
        await using var web = await WebApp.StartAsync();
        var district = await web.CreateDistrictAsync();
        var (browser, _) = await Sessions.SignInAsync(web, district.Admin);
        using var __ = browser;
        using var script = web.Client(district.AdminToken);
        Assert.True(await Sessions.IsSignedInAsync(browser));

        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(web.Folder, "rostra.db")}"))
        {
            await connection.OpenAsync();
            await using var deactivate = connection.CreateCommand();
            deactivate.CommandText = "UPDATE users SET active = 0 WHERE username = $u";
            deactivate.Parameters.AddWithValue("$u", district.Admin);
            Assert.Equal(1, await deactivate.ExecuteNonQueryAsync());
        }

        Assert.False(await Sessions.IsSignedInAsync(browser));
        using var api = await script.GetAsync("/api/schools");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var client = web.Client();
        using var rightPassword = await WebApp.PostLoginAsync(client, district.Admin, WebApp.Password);
        using var unknown = await WebApp.PostLoginAsync(client, "nobody." + district.Suffix, WebApp.Password);
        Assert.Equal(HttpStatusCode.OK, rightPassword.StatusCode);
        Assert.Contains("The username or password is not right", await rightPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(unknown.StatusCode, rightPassword.StatusCode);
    }

    /// <summary>A cookie sealed with the app's own key ring, for any claims.</summary>
    private string Forge(long userId, string stamp, string districtId, string role = Roles.DistrictAdmin)
    {
        var options = Web.App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, "forged"),
            new Claim(ClaimTypes.GivenName, "Forged"),
            new Claim("rostra:district", districtId),
            new Claim("rostra:stamp", stamp),
            new Claim(ClaimTypes.Role, role),
        ], CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        var properties = new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1), IssuedUtc = DateTimeOffset.UtcNow };
        return options.TicketDataFormat.Protect(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
