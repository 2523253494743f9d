using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rostra.Storage;
using Rostra.Tests.Web;
using Rostra.Web.Imports;

namespace Rostra.Tests.Security;

/// <summary>Response headers in and outside development, what district admins see of the servers, a quiet log, the error page.</summary>
public sealed partial class HeadersAndNoiseTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task Outside_development_every_response_asks_for_https_from_now_on()
    {
        await using var production = await WebApp.StartAsync(settings => settings with { Development = false });
        using var client = production.Client();

        foreach (var path in new[] { "/login", "/healthz", "/api/imports", "/assets/site.css" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var hsts), $"{path} has no Strict-Transport-Security.");
            Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(hsts));
        }
    }

    [Fact]
    public async Task In_development_there_is_no_hsts_so_plain_http_on_loopback_keeps_working()
    {
        using var client = Web.Client();

        using var response = await client.GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/api/imports")]
    [InlineData("/healthz")]
    public async Task Every_response_turns_off_the_browser_features_no_page_needs(string path)
    {
        using var client = Web.Client();

        using var response = await client.GetAsync(path);

        var policy = Assert.Single(response.Headers.GetValues("Permissions-Policy"));
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()" })
        {
            Assert.Contains(feature, policy, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Anonymous_visits_to_the_login_page_log_no_warning()
    {
        await using var production = await WebApp.StartAsync(settings => settings with { Development = false });
        var log = LogCapture.Attach(production.App.Services);
        using var client = production.Client();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/login");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl is { NoCache: true, NoStore: true }, "Pages are never cached.");
        }

        Assert.Empty(log.Problems());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_bare_visit_to_the_error_page_is_a_not_found_page_not_a_server_error(bool development)
    {
        await using var app = await WebApp.StartAsync(settings => settings with { Development = development });
        using var client = app.Client();

        using var response = await client.GetAsync("/error");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("We could not find that page", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Something went wrong", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_district_admin_sees_how_the_hashing_was_shared_without_host_names_or_process_ids()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(3));
        var id = import.GetProperty("id").GetGuid();
        using (var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, confirm.StatusCode);
        }

        var done = await WebApp.WaitAsync(client, id);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        var raw = done.GetRawText();
        var nodes = done.GetProperty("hashedBy").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(["node 1"], nodes.Keys);
        Assert.Equal(3, nodes["node 1"]);
        Assert.DoesNotContain(Environment.MachineName, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ProcessId(), raw);
        // Operators still find the node that hashed each chunk in the database.
        Assert.All(await Web.Store.GetImportChunksAsync(id, default), chunk => Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), chunk.HashedBy, StringComparison.Ordinal));
    }

    [Fact]
    public void Nodes_are_numbered_in_the_order_they_took_their_first_chunk()
    {
        ChunkInfo Chunk(int no, string node, int rows) => new(no, no * 10, no * 10 + rows - 1, rows, "hashed", null, node, DateTimeOffset.UnixEpoch);

        var shares = ImportApi.HashedByNode([Chunk(0, "web-2:811", 10), Chunk(1, "web-1:77", 10), Chunk(2, "web-2:811", 5), Chunk(3, "web-1:77", 1)]);

        Assert.Equal(new Dictionary<string, int> { ["node 1"] = 15, ["node 2"] = 11 }, shares);
    }

    private static Regex ProcessId() => new($@"\b{Environment.ProcessId}\b");
}
