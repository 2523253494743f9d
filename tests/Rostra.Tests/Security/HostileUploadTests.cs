using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Tests.Web;

namespace Rostra.Tests.Security;

/// <summary>Uploads the reader cannot hold and uploads cut short: each a clear error with its code, never a server failure.</summary>
public sealed class HostileUploadTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task An_unterminated_quote_at_the_start_of_a_large_file_ends_invalid_with_a_file_error_and_nothing_logged()
    {
        var log = LogCapture.Attach(Web.App.Services);
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var csv = new StringBuilder(TestDistrict.StudentHeader).Append("\r\n\"").Append(district.Students(1).Split("\r\n")[1]).Append("\r\n");
        var rows = district.Students(1000).Split("\r\n", 2)[1];
        while (csv.Length < 17 * 1024 * 1024)
        {
            csv.Append(rows);
        }

        var import = await WebApp.UploadAndWaitAsync(client, "student", csv.ToString());

        Assert.Equal(ImportStatus.Invalid, import.GetProperty("status").GetString());
        Assert.False(import.TryGetProperty("message", out var message) && message.ValueKind != JsonValueKind.Null, "No server failure message.");
        var errors = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{import.GetProperty("id").GetGuid()}/errors");
        var error = Assert.Single((errors.TryGetProperty("items", out var items) ? items : errors.GetProperty("errors")).EnumerateArray());
        Assert.Equal("file.not_csv", error.GetProperty("code").GetString());
        Assert.StartsWith("Row 2 is too long", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(log.Problems());
    }

    [Fact]
    public async Task A_multipart_upload_cut_off_before_its_end_is_a_400_and_leaves_no_file()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        using var form = WebApp.ImportForm("student", district.Students(200));
        var whole = await form.ReadAsByteArrayAsync();
        var cut = new ByteArrayContent(whole[..(whole.Length / 2)]);
        cut.Headers.ContentType = form.Headers.ContentType;

        using var response = await client.PostAsync("/api/imports", cut);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.malformed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Empty(await Web.Store.ListImportsAsync(district.Id, 10, default));
        Assert.Empty(Directory.Exists(Web.UploadsFolder) ? Directory.GetFiles(Web.UploadsFolder) : []);
    }

    [Fact]
    public async Task A_multipart_upload_cut_off_inside_its_headers_is_a_400()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var cut = new ByteArrayContent(Encoding.ASCII.GetBytes("--b0undary\r\nContent-Disposition: form-data; name=\"ty"));
        cut.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b0undary");

        using var response = await client.PostAsync("/api/imports", cut);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.malformed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
