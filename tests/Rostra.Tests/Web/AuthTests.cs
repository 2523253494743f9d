using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Rostra.Tests.Web;

/// <summary>Who may do what: sign-in, lockout, 401/403/404 on the API, antiforgery on every form post.</summary>
public sealed class AuthTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Theory]
    [InlineData("GET", "/api/imports")]
    [InlineData("GET", "/api/schools")]
    [InlineData("GET", "/api/users")]
    [InlineData("GET", "/api/templates/student")]
    [InlineData("POST", "/api/imports")]
    public async Task The_api_answers_401_without_credentials(string method, string path)
    {
        using var client = Web.Client();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.required", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_token_is_a_401()
    {
        using var client = Web.Client("rostra_not-a-real-token");

        using var response = await client.GetAsync("/api/imports");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/programs/reading/import")]
    public async Task A_page_sends_an_anonymous_visitor_to_the_login_page(string path)
    {
        using var client = Web.Client();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?returnUrl=", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_teacher_gets_403_from_the_api()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.TeacherToken);

        using var list = await client.GetAsync("/api/imports");
        using var upload = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(1)));

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
    }

    [Fact]
    public async Task A_teacher_signs_in_and_sees_their_programs_but_not_admin()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = await Web.SignInAsync(district.Teacher);

        var dashboard = await client.GetStringAsync("/");
        using var import = await client.GetAsync($"/programs/{district.ProgramId}/import");

        Assert.Contains("Your programs", dashboard, StringComparison.Ordinal);
        Assert.Contains("Reading Plus", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain("Import users", dashboard, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, import.StatusCode);
        Assert.StartsWith("/denied", import.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        using var denied = await client.GetAsync(import.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("This page is for district admins", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_districts_import_is_a_404_like_a_missing_one()
    {
        var mine = await Web.CreateDistrictAsync();
        var theirs = await Web.CreateDistrictAsync();
        using var their = Web.Client(theirs.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(their, "student", theirs.Students(1) + "x,y,bad name,p,Z,NOPE,\r\n");
        var id = import.GetProperty("id").GetGuid();
        using var client = Web.Client(mine.AdminToken);

        foreach (var path in new[] { $"/api/imports/{id}", $"/api/imports/{id}/errors", $"/api/imports/{id}/errors.csv" })
        {
            using var response = await client.GetAsync(path);
            using var missing = await client.GetAsync(path.Replace(id.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(await missing.Content.ReadAsStringAsync(), await response.Content.ReadAsStringAsync());
        }
        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
        using var cancel = await client.PostAsync($"/api/imports/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/imports")).EnumerateArray());
    }

    [Fact]
    public async Task An_admin_signs_in_with_a_cookie_that_works_for_the_api()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = await Web.SignInAsync(district.Admin);

        var dashboard = await client.GetStringAsync("/");
        using var schools = await client.GetAsync("/api/schools");

        Assert.Contains("Your district&#x27;s programs", dashboard, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, schools.StatusCode);
    }

    [Fact]
    public async Task The_auth_cookie_is_http_only_and_same_site()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client();

        using var response = await WebApp.PostLoginAsync(client, district.Admin, WebApp.Password);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("rostra.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Outside_development_the_auth_cookie_is_secure()
    {
        await using var production = await WebApp.StartAsync(settings => settings with { Development = false });
        var district = await production.CreateDistrictAsync();
        using var client = production.Client();

        using var response = await WebApp.PostLoginAsync(client, district.Admin, WebApp.Password);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("rostra.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client();

        using var wrongPassword = await WebApp.PostLoginAsync(client, district.Admin, "nope");
        using var unknownUser = await WebApp.PostLoginAsync(client, "nobody-" + district.Suffix, "nope");

        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        var text = await wrongPassword.Content.ReadAsStringAsync();
        Assert.Contains("The username or password is not right", text, StringComparison.Ordinal);
        Assert.Contains("The username or password is not right", await unknownUser.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_even_for_the_right_password()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client();

        for (var i = 0; i < 5; i++)
        {
            using var failed = await WebApp.PostLoginAsync(client, district.Admin, "wrong-password");
        }
        using var locked = await WebApp.PostLoginAsync(client, district.Admin, WebApp.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains("Too many sign-in attempts", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await Web.Store.GetSignInLockAsync(district.Admin, DateTimeOffset.UtcNow, default) > DateTimeOffset.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_rejected()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client();
        await client.GetStringAsync("/login");

        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = district.Admin,
            ["Password"] = WebApp.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("rostra.auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_browser_api_post_needs_the_antiforgery_header()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = await Web.SignInAsync(district.Admin);

        using var without = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(1)));
        var token = await WebApp.AntiforgeryTokenAsync(client, $"/programs/{district.ProgramId}/import");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports") { Content = WebApp.ImportForm("student", district.Students(1)) };
        request.Headers.Add("RequestVerificationToken", token);
        using var with = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal("request.antiforgery", (await without.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Accepted, with.StatusCode);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = await Web.SignInAsync(district.Admin);
        var token = await WebApp.AntiforgeryTokenAsync(client, "/");

        using var signOut = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        using var after = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }
}
