using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rostra.Core.Validation;
using Rostra.Storage;
using Rostra.Tests.Web;

namespace Rostra.Tests.ImportErrors;

/// <summary>The error list, its summary and the CSV report over the real app: password cells, bounds, streaming.</summary>
public sealed class ErrorListTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string Sentinel = "Sentinel-Pw-9!";

    private WebApp Web => fixture.Web;

    [Fact]
    public async Task Rows_that_do_not_line_up_keep_and_show_no_cell()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var s = district.Suffix;
        var school = district.ElementarySchool;
        var csv = "First Name,Last Name,Username,Password,Grade,School ID,Email\r\n" +
            $"John,Smith,Jr,u1.{s},{Sentinel},3,{school},\r\n" +            // an unquoted comma: one field too many
            $"Ann,u2.{s},{Sentinel},3,{school}\r\n" +                      // a short row
            $"Bea;Lee;u3.{s};{Sentinel};3;{school};\r\n" +                 // a semicolon row under a comma header
            $"Cy,Ng,u4.{s},Short1!,Z,{school},\r\n" +                      // lines up: its cells are shown, Password blank
            $"Dee,Ray,u5.{s},\"{Sentinel},3,{school},\r\n" +              // an unterminated quote swallows the rest
            $"Eve,Fox,u6.{s},{Sentinel},3,{school},\r\n";

        var import = await WebApp.UploadAndWaitAsync(client, "student", csv, "misaligned.csv");
        var id = import.GetProperty("id").GetGuid();
        using var report = await client.GetAsync($"/api/imports/{id}/errors.csv");
        var text = await report.Content.ReadAsStringAsync();
        var errors = await client.GetStringAsync($"/api/imports/{id}/errors?limit=100");
        var kept = new StringBuilder();
        await foreach (var row in Web.Store.ReadErrorRowsAsync(id, default)) kept.AppendJoin('\u001f', row.Cells).Append('\n');

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.DoesNotContain(Sentinel, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, errors, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, kept.ToString(), StringComparison.Ordinal);
        var lines = text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("First Name,Last Name,Username,Password,Grade,School ID,Email,Row,Errors", lines[0]);
        // Rows 2, 3, 4 and 6 do not line up: blank cells, their row, the reason and why the cells are not shown.
        foreach (var (line, row) in new[] { (lines[1], 2), (lines[2], 3), (lines[3], 4), (lines[5], 6) })
        {
            Assert.StartsWith($",,,,,,,{row},", line, StringComparison.Ordinal);
            Assert.Contains("not shown", line, StringComparison.Ordinal);
        }
        Assert.StartsWith($"Cy,Ng,u4.{s},,Z,{school},,5,", lines[4], StringComparison.Ordinal);
        Assert.Equal(6, lines.Length);
    }

    [Fact]
    public async Task A_report_of_100000_error_rows_streams_whole()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var csv = new StringBuilder("First Name,Last Name,Username,Password,Grade,School ID,Email\r\n");
        for (var i = 0; i < 100_000; i++) csv.Append($"Ana,Lopez,r{i}.{district.Suffix},Secret-Pass1!,Z,{district.ElementarySchool},\r\n");
        var import = await WebApp.UploadAndWaitAsync(client, "student", csv.ToString(), "big.csv");
        Assert.Equal(100_000, import.GetProperty("errorCount").GetInt32());

        using var response = await client.GetAsync($"/api/imports/{import.GetProperty("id").GetGuid()}/errors.csv", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = 0;
        string? last = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            lines++;
            last = line;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100_001, lines);
        Assert.StartsWith($"Ana,Lopez,r99999.{district.Suffix},,Z,{district.ElementarySchool},,100001,", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Huge_values_give_small_answers()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var huge = new string('x', 1_000_000);
        var csv = new StringBuilder("First Name,Last Name,Username,Password,Grade,School ID,Email\r\n");
        for (var i = 0; i < 5; i++) csv.Append($"{huge},Lopez,r{i}.{district.Suffix},Secret-Pass1!,{huge},{huge},\r\n");
        var import = await WebApp.UploadAndWaitAsync(client, "student", csv.ToString(), "huge.csv");
        var id = import.GetProperty("id").GetGuid();

        var page = await client.GetByteArrayAsync($"/api/imports/{id}/errors?limit=5");
        var report = await client.GetByteArrayAsync($"/api/imports/{id}/errors.csv");

        Assert.True(page.Length < 10_000, $"The page of 5 errors is {page.Length:N0} bytes.");
        Assert.True(report.Length < 20_000, $"The report of 5 rows is {report.Length:N0} bytes.");
        var first = JsonDocument.Parse(page).RootElement.GetProperty("items")[0];
        Assert.Equal(200, first.GetProperty("value").GetString()!.Length);
        Assert.EndsWith("…", first.GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_counts_every_error_and_filters_page_the_kept_ones()
    {
        await using var web = await WebApp.StartAsync(s => s with { Limits = new ImportLimits(MaxDetailedErrors: 10) });
        var district = await web.CreateDistrictAsync();
        using var client = web.Client(district.AdminToken);
        var csv = new StringBuilder("First Name,Last Name,Username,Password,Grade,School ID,Email\r\n");
        for (var i = 0; i < 30; i++) csv.Append($"Ana,Lopez,g{i}.{district.Suffix},Secret-Pass1!,Z,{district.ElementarySchool},\r\n");
        for (var i = 0; i < 12; i++) csv.Append($"Bo,Ng,s{i}.{district.Suffix},Secret-Pass1!,3,NOPE,\r\n");
        var import = await WebApp.UploadAndWaitAsync(client, "student", csv.ToString());
        var id = import.GetProperty("id").GetGuid();

        var summary = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors/summary");
        var all = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors?limit=100");
        var grades = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors?code=grade.invalid&column=Grade&offset=5&limit=3");
        var schools = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors?column=School%20ID");

        Assert.Equal(42, import.GetProperty("errorCount").GetInt32());
        var kinds = summary.EnumerateArray().Select(k => (k.GetProperty("code").GetString(), k.GetProperty("column").GetString(), k.GetProperty("message").GetString(), k.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([("grade.invalid", "Grade", "Grade is not valid", 30), ("school.unknown", "School ID", "School ID not in your district", 12)], kinds);
        Assert.Equal(42, all.GetProperty("total").GetInt32());
        Assert.Equal(10, all.GetProperty("kept").GetInt32());
        Assert.Equal(10, all.GetProperty("items").GetArrayLength());
        Assert.Equal(30, grades.GetProperty("total").GetInt32());
        Assert.Equal([7, 8, 9], grades.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()));
        Assert.Equal(12, schools.GetProperty("total").GetInt32());
        Assert.Equal(0, schools.GetProperty("kept").GetInt32());
    }

    [Fact]
    public async Task Another_districts_summary_is_missing()
    {
        var district = await Web.CreateDistrictAsync();
        var other = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        using var otherClient = Web.Client(other.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", $"First Name,Last Name,Username,Password,Grade,School ID,Email\r\nA,B,x.{district.Suffix},Secret-Pass1!,Z,{district.ElementarySchool},\r\n");

        using var response = await otherClient.GetAsync($"/api/imports/{import.GetProperty("id").GetGuid()}/errors/summary");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
