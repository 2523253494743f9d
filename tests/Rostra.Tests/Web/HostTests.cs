using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Web;

namespace Rostra.Tests.Web;

/// <summary>What the host serves besides pages and the import API: health, OpenAPI, limits, assets, the demo seed.</summary>
public sealed class HostTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task Healthz_answers_200_when_the_database_answers()
    {
        using var client = Web.Client();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        using var client = Web.Client();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/imports", "/api/imports/{id}", "/api/imports/{id}/errors", "/api/imports/{id}/errors.csv",
                     "/api/imports/{id}/confirm", "/api/imports/{id}/cancel", "/api/users", "/api/schools", "/api/templates/{type}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document.");
        }
    }

    [Fact]
    public async Task A_file_over_the_limit_is_a_413_with_a_clear_message()
    {
        await using var small = await WebApp.StartAsync(settings => settings with { Limits = new ImportLimits(MaxFileBytes: 1024) });
        var district = await small.CreateDistrictAsync();
        using var client = small.Client(district.AdminToken);

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(200)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("file.too_large", error.GetProperty("code").GetString());
        Assert.Contains("1 KB", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await small.Store.ListImportsAsync(district.Id, 10, default));
        Assert.Empty(Directory.Exists(small.UploadsFolder) ? Directory.GetFiles(small.UploadsFolder) : []);
    }

    [Fact]
    public async Task A_request_far_over_the_limit_is_answered_413_before_it_is_read()
    {
        await using var small = await WebApp.StartAsync(settings => settings with { Limits = new ImportLimits(MaxFileBytes: 1024) });
        var district = await small.CreateDistrictAsync();
        // Not a byte of the 3 MB is sent: the server answers before it asks for the body. (A client that sends the body at
        // once races the server's close of the connection after its 413, and may see the write fail before it reads the answer.)
        using var client = small.Client(district.AdminToken, expectContinue: true);

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", new byte[3 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("file.too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Pages_carry_security_headers_and_assets_are_served()
    {
        using var client = Web.Client();

        using var login = await client.GetAsync("/login");
        var html = await login.Content.ReadAsStringAsync();
        var css = System.Text.RegularExpressions.Regex.Match(html, "/assets/site\\.css\\?v=[0-9a-f]+").Value;
        using var asset = await client.GetAsync(css);

        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", login.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(login.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/css", asset.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_demo_seed_runs_twice_without_harm_and_its_admin_can_sign_in()
    {
        var folder = Directory.CreateTempSubdirectory("rostra-web-").FullName;
        var output = new StringWriter();
        var first = await WebApp.StartAsync(settings => settings with { SeedDemo = true, Output = output }, folder);
        await first.StopAsync();
        await using var second = await WebApp.StartAsync(settings => settings with { SeedDemo = true, Output = output }, folder);

        using var client = await second.SignInAsync(DemoSeed.AdminUsername, DemoSeed.Password);
        var programs = await client.GetStringAsync("/");

        Assert.Contains(DemoSeed.AdminUsername, output.ToString(), StringComparison.Ordinal);
        Assert.Contains(DemoSeed.Password, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("riverside.admin", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("hillcrest.admin", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Demo Reading", programs, StringComparison.Ordinal);
        Assert.Equal(3, (await second.Store.ListDistrictsAsync(default)).Count);
        Assert.Equal(4, (await second.Store.ListSchoolsAsync("demo-usd", default)).Count);
    }

    [Fact]
    public async Task On_sqlite_a_restart_leaves_an_interrupted_import_failed_with_nothing_written()
    {
        var folder = Directory.CreateTempSubdirectory("rostra-web-").FullName;
        var first = await WebApp.StartAsync(folder: folder);
        var district = await first.CreateDistrictAsync();
        var now = DateTimeOffset.UtcNow;
        var interrupted = new Storage.ImportRecord(Guid.NewGuid(), district.Id, district.ProgramId, Core.UserType.Student, "students.csv",
            new string('0', 64), ImportStatus.Importing, 3, 3, 0, 0, now, district.Admin, now);
        await first.Store.CreateImportAsync(interrupted, default);
        await first.StopAsync();

        await using var second = await WebApp.StartAsync(folder: folder);
        using var client = second.Client(district.AdminToken);
        var import = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{interrupted.Id}");

        Assert.Equal(ImportStatus.Failed, import.GetProperty("status").GetString());
        Assert.Contains("upload the file again", import.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, (await second.Store.ListUsersAsync(new Storage.UserQuery(district.Id, "student"), default)).Total);
    }
}
