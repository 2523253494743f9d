using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rostra.Tests.Cli;
using Rostra.Tests.Web;

namespace Rostra.Tests.Security;

/// <summary>API tokens: a page for the admin's own tokens, the API and the command line to list and revoke them, admins only.</summary>
public sealed partial class TokenTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task An_admin_creates_a_token_on_the_page_sees_it_once_and_revoking_it_ends_it()
    {
        var district = await Web.CreateDistrictAsync();
        var (browser, _) = await Sessions.SignInAsync(Web, district.Admin);
        using var __ = browser;
        var form = await WebApp.AntiforgeryTokenAsync(browser, "/account/tokens");

        using var created = await browser.PostAsync("/account/tokens?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Name"] = "nightly SIS export",
            ["__RequestVerificationToken"] = form,
        }));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var html = await created.Content.ReadAsStringAsync();
        var token = NewToken().Match(html);
        Assert.True(token.Success, "The new token is not shown.");
        Assert.Contains("shown only this once", html, StringComparison.Ordinal);
        using var script = Web.Client(token.Groups[1].Value);
        using (var works = await script.GetAsync("/api/schools"))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }
        var list = await browser.GetStringAsync("/account/tokens");
        Assert.DoesNotContain(token.Groups[1].Value, list, StringComparison.Ordinal);
        Assert.Contains("nightly SIS export", list, StringComparison.Ordinal);
        var tokens = await script.GetFromJsonAsync<JsonElement>("/api/tokens");
        var id = tokens.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "nightly SIS export").GetProperty("id").GetString()!;
        Assert.Contains(id, TokenId().Matches(list).Select(m => m.Groups[1].Value));

        var revokeForm = await WebApp.AntiforgeryTokenAsync(browser, "/account/tokens");
        using var revoked = await browser.PostAsync($"/account/tokens?handler=Revoke&id={id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = revokeForm,
        }));

        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        using var after = await script.GetAsync("/api/schools");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        var page = await browser.GetStringAsync("/account/tokens");
        Assert.Contains($"Token {id} is revoked", page, StringComparison.Ordinal);
        Assert.DoesNotContain("nightly SIS export", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_a_name_is_not_created()
    {
        var district = await Web.CreateDistrictAsync();
        var (browser, _) = await Sessions.SignInAsync(Web, district.Admin);
        using var __ = browser;
        var admin = (await Web.Store.FindUserAsync(district.Admin, default))!;
        var before = (await Web.Store.ListTokensAsync(admin.Id, default)).Count;
        var form = await WebApp.AntiforgeryTokenAsync(browser, "/account/tokens");

        using var response = await browser.PostAsync("/account/tokens?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Name"] = "   ",
            ["__RequestVerificationToken"] = form,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Give the token a name", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await Web.Store.ListTokensAsync(admin.Id, default)).Count);
    }

    [Fact]
    public async Task A_script_revokes_its_own_token_through_the_api_and_cannot_touch_another_admins()
    {
        var district = await Web.CreateDistrictAsync();
        var other = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        using var otherClient = Web.Client(other.AdminToken);
        var mine = (await client.GetFromJsonAsync<JsonElement>("/api/tokens")).EnumerateArray().Single().GetProperty("id").GetString();
        var theirs = (await otherClient.GetFromJsonAsync<JsonElement>("/api/tokens")).EnumerateArray().Single().GetProperty("id").GetString();

        using var notMine = await client.DeleteAsync($"/api/tokens/{theirs}");
        using var revoked = await client.DeleteAsync($"/api/tokens/{mine}");
        using var after = await client.GetAsync("/api/schools");
        using var theirsStill = await otherClient.GetAsync("/api/schools");

        Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
        Assert.Equal("token.unknown", (await notMine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, theirsStill.StatusCode);
    }

    [Fact]
    public async Task A_teacher_has_no_token_page_and_no_token_api()
    {
        var district = await Web.CreateDistrictAsync();
        var (teacher, _) = await Sessions.SignInAsync(Web, district.Teacher);
        using var __ = teacher;

        using var page = await teacher.GetAsync("/account/tokens");
        using var api = await teacher.GetAsync("/api/tokens");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/denied", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
    }

    [Fact]
    public async Task The_command_line_lists_and_revokes_tokens_and_gives_none_to_students_or_teachers()
    {
        var district = await Web.CreateDistrictAsync();
        var db = Path.Combine(Web.Folder, "rostra.db");

        var teacher = await CliAsync("--db", db, "token", "add", "--user", district.Teacher);
        var added = await CliAsync("--db", db, "token", "add", "--user", district.Admin, "--name", "roster script");
        var list = await CliAsync("--db", db, "token", "list", "--user", district.Admin);

        Assert.Equal(2, teacher.ExitCode);
        Assert.Contains($"Only district admins can have API tokens; {district.Teacher} is a teacher.", teacher.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, added.ExitCode);
        var token = added.Stdout.Trim();
        Assert.StartsWith("rostra_", token, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("roster script", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list.Stdout, StringComparison.Ordinal);
        var id = list.Stdout.Split('\n').Single(l => l.Contains("roster script", StringComparison.Ordinal)).Split(' ')[0];
        using var client = Web.Client(token);
        using (var works = await client.GetAsync("/api/schools"))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        var revoke = await CliAsync("--db", db, "token", "revoke", id, "--user", district.Admin);
        var again = await CliAsync("--db", db, "token", "revoke", id, "--user", district.Admin);

        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains($"Revoked token {id}", revoke.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        using var after = await client.GetAsync("/api/schools");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private Task<CliRun> CliAsync(params string[] args) =>
        RostraProcess.RunAsync(Web.Folder, new Dictionary<string, string?> { ["ROSTRA_DB"] = null }, null, args);

    [GeneratedRegex("<code id=\"new-token-value\" class=\"code\">(rostra_[A-Za-z0-9_-]+)</code>")]
    private static partial Regex NewToken();

    [GeneratedRegex("<span class=\"code\">([0-9a-f]{16})</span>")]
    private static partial Regex TokenId();
}
