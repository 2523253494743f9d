using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Tests.Web;

/// <summary>The import API of SPEC §7, end to end on the real app.</summary>
public sealed class ImportApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task Upload_answers_202_and_a_clean_file_becomes_valid()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(3), "class-3a.csv"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal($"/api/imports/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("validating", created.GetProperty("status").GetString());
        var import = await WebApp.WaitAsync(client, id);
        Assert.Equal("valid", import.GetProperty("status").GetString());
        Assert.Equal("student", import.GetProperty("userType").GetString());
        Assert.Equal("reading", import.GetProperty("program").GetString());
        Assert.Equal("class-3a.csv", import.GetProperty("fileName").GetString());
        Assert.Equal(3, import.GetProperty("rows").GetInt32());
        Assert.Equal(0, import.GetProperty("errorCount").GetInt32());
        Assert.Equal(0, import.GetProperty("imported").GetInt32());
        Assert.Equal(district.Admin, import.GetProperty("createdBy").GetString());
        Assert.Equal(JsonValueKind.Array, import.GetProperty("warnings").ValueKind);
        Assert.True(import.TryGetProperty("createdAt", out _));
        Assert.False(File.Exists(Path.Combine(Web.UploadsFolder, $"{id}.csv")), "A valid import's rows are staged in the database; the upload is deleted.");
    }

    [Fact]
    public async Task Confirm_imports_every_row_and_the_users_are_listed()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(4));
        var id = import.GetProperty("id").GetGuid();

        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);

        Assert.Equal(HttpStatusCode.Accepted, confirm.StatusCode);
        var done = await WebApp.WaitAsync(client, id);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(4, done.GetProperty("imported").GetInt32());
        Assert.False(File.Exists(Path.Combine(Web.UploadsFolder, $"{id}.csv")), "The upload is deleted when the import ends.");
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student");
        Assert.Equal(4, users.GetProperty("total").GetInt32());
        var first = users.GetProperty("users").EnumerateArray().First(u => u.GetProperty("username").GetString() == $"s1.{district.Suffix}");
        Assert.Equal("Student1", first.GetProperty("firstName").GetString());
        Assert.Equal("2", first.GetProperty("grade").GetString());
        Assert.Equal([district.ElementarySchool], first.GetProperty("schoolIds").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["reading"], first.GetProperty("programs").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["student"], first.GetProperty("roles").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Confirming_twice_imports_once()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(3));
        var id = import.GetProperty("id").GetGuid();

        // A double click and a second tab, all at once.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.PostAsync($"/api/imports/{id}/confirm", null)));
        var done = await WebApp.WaitAsync(client, id);
        using var again = await client.PostAsync($"/api/imports/{id}/confirm", null);

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("completed", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(3, done.GetProperty("imported").GetInt32());
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student");
        Assert.Equal(3, users.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_username_taken_between_check_and_confirm_fails_the_confirm_and_writes_nothing()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var first = await WebApp.UploadAndWaitAsync(client, "student", district.Students(2));
        var second = await WebApp.UploadAndWaitAsync(client, "student", district.Students(3));
        using (await client.PostAsync($"/api/imports/{first.GetProperty("id").GetGuid()}/confirm", null))
        {
            await WebApp.WaitAsync(client, first.GetProperty("id").GetGuid());
        }
        var id = second.GetProperty("id").GetGuid();

        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
        var done = await WebApp.WaitAsync(client, id);

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal(2, done.GetProperty("errorCount").GetInt32());
        var errors = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors");
        Assert.All(errors.GetProperty("items").EnumerateArray(), e => Assert.Equal("username.taken", e.GetProperty("code").GetString()));
        using var report = await client.GetAsync($"/api/imports/{id}/errors.csv");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student");
        Assert.Equal(2, users.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_file_with_errors_is_invalid_and_confirm_answers_409()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var csv = TestDistrict.StudentHeader + "\r\n" +
            $"Ana,Lopez,ana.{district.Suffix},Secret-Pass1!,3,{district.ElementarySchool},\r\n" +
            $"Ben,Ng,ben.{district.Suffix},Secret-Pass1!,Q,{district.ElementarySchool},\r\n";

        var import = await WebApp.UploadAndWaitAsync(client, "student", csv);
        var id = import.GetProperty("id").GetGuid();
        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);

        Assert.Equal("invalid", import.GetProperty("status").GetString());
        Assert.Equal(1, import.GetProperty("errorCount").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        var conflict = await confirm.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("import.not_valid", conflict.GetProperty("code").GetString());
        Assert.Equal("invalid", conflict.GetProperty("import").GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(Web.UploadsFolder, $"{id}.csv")), "An invalid import keeps no file with passwords.");
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student");
        Assert.Equal(0, users.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Errors_come_a_page_at_a_time_sorted_by_row()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var csv = new StringBuilder(TestDistrict.StudentHeader).Append("\r\n");
        for (var i = 0; i < 25; i++)
        {
            csv.Append($"Kid{i},Lopez,kid{i}.{district.Suffix},Secret-Pass1!,Z,{district.ElementarySchool},\r\n");
        }
        var import = await WebApp.UploadAndWaitAsync(client, "student", csv.ToString());
        var id = import.GetProperty("id").GetGuid();

        var page = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors?offset=10&limit=10");

        Assert.Equal(25, page.GetProperty("total").GetInt32());
        Assert.Equal(10, page.GetProperty("offset").GetInt32());
        var errors = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(10, errors.Count);
        Assert.Equal(Enumerable.Range(12, 10), errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.All(errors, e =>
        {
            Assert.Equal("grade.invalid", e.GetProperty("code").GetString());
            Assert.Equal("Grade", e.GetProperty("column").GetString());
            Assert.Equal("Z", e.GetProperty("value").GetString());
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString()));
        });
    }

    [Fact]
    public async Task The_error_report_has_the_files_columns_blank_passwords_and_safe_cells()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        // Column order as the admin wrote it, extra spaces in a header name, a formula in a name.
        var csv = "Username,First Name, Last Name ,Password,Grade,School ID,Email\r\n" +
            $"ok.{district.Suffix},Ana,Lopez,Secret-Pass1!,3,{district.ElementarySchool},\r\n" +
            $"eve.{district.Suffix},=HYPERLINK(\"http://x\"),-Smith,Secret-Pass1!,Z,{district.ElementarySchool},\r\n" +
            $"bo.{district.Suffix},@Bo,Ng,short,3,NOPE,\r\n";

        var import = await WebApp.UploadAndWaitAsync(client, "student", csv, "class.csv");
        using var response = await client.GetAsync($"/api/imports/{import.GetProperty("id").GetGuid()}/errors.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("class-errors.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Username,First Name, Last Name ,Password,Grade,School ID,Email,Row,Errors", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"eve.{district.Suffix},\"'=HYPERLINK(\"\"http://x\"\")\",'-Smith,,Z,{district.ElementarySchool},,3,", lines[1], StringComparison.Ordinal);
        Assert.Contains("Grade: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"bo.{district.Suffix},'@Bo,Ng,,3,NOPE,,4,", lines[2], StringComparison.Ordinal);
        Assert.Contains("Password: ", lines[2], StringComparison.Ordinal);
        Assert.Contains("School ID: ", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("Secret-Pass1!", string.Join('\n', lines), StringComparison.Ordinal);
        Assert.DoesNotContain("short", string.Join('\n', lines[1..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_import_has_no_error_report()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(1));

        using var response = await client.GetAsync($"/api/imports/{import.GetProperty("id").GetGuid()}/errors.csv");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Another_type_of_template_is_a_wrong_template_error()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var csv = TestTemplates.TeacherHeader + "\r\n" +
            $"Tia,Ng,tia.{district.Suffix},Teacher-Pass-12!,tia@example.org,{district.ElementarySchool}\r\n";

        var import = await WebApp.UploadAndWaitAsync(client, "student", csv);
        var errors = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{import.GetProperty("id").GetGuid()}/errors");

        Assert.Equal("invalid", import.GetProperty("status").GetString());
        var error = Assert.Single(errors.GetProperty("items").EnumerateArray());
        Assert.Equal("header.wrong_template", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString();
        Assert.Contains("Teacher", message, StringComparison.Ordinal);
        Assert.Contains("Student", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_of_a_valid_import_leaves_nothing_and_confirm_then_answers_409()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(2));
        var id = import.GetProperty("id").GetGuid();

        using var cancel = await client.PostAsync($"/api/imports/{id}/cancel", null);
        using var cancelAgain = await client.PostAsync($"/api/imports/{id}/cancel", null);
        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, cancelAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.False(File.Exists(Path.Combine(Web.UploadsFolder, $"{id}.csv")));
    }

    [Fact]
    public async Task Cancel_during_validation_of_a_large_file_leaves_nothing_behind()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(150_000, "big")));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var cancel = await client.PostAsync($"/api/imports/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var import = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
        Assert.Equal("cancelled", import.GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(Web.UploadsFolder, $"{id}.csv")));
        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student");
        Assert.Equal(0, users.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_valid_import_nobody_confirms_expires_and_its_staged_passwords_are_deleted()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(1));
        var id = import.GetProperty("id").GetGuid();
        Assert.False(File.Exists(Path.Combine(Web.UploadsFolder, $"{id}.csv")));

        await Web.App.Services.GetRequiredService<Rostra.Web.Imports.ImportBackgroundService>().ExpireOnceAsync(default, olderThan: TimeSpan.FromMilliseconds(-1));

        var expired = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
        Assert.Equal("cancelled", expired.GetProperty("status").GetString());
        Assert.Empty(await Web.Store.GetStagedRowsAsync(id, [2], default));
    }

    [Fact]
    public async Task A_roster_synced_district_cannot_upload()
    {
        var district = await Web.CreateDistrictAsync(rosterSync: "clever");
        using var client = Web.Client(district.AdminToken);

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(1)));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("district.roster_synced", error.GetProperty("code").GetString());
        Assert.Empty(await Web.Store.ListImportsAsync(district.Id, 10, default));
    }

    [Theory]
    [InlineData("", "type.invalid")]
    [InlineData("parent", "type.invalid")]
    public async Task An_unknown_user_type_is_a_400(string type, string code)
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm(type, district.Students(1)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_program_is_a_400()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", district.Students(1), program: "math"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("program.unknown", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_history_lists_the_districts_imports_newest_first()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        await WebApp.UploadAndWaitAsync(client, "student", district.Students(1), "first.csv");
        await WebApp.UploadAndWaitAsync(client, "student", district.Students(1), "second.csv");

        var history = await client.GetFromJsonAsync<JsonElement>("/api/imports");

        Assert.Equal(["second.csv", "first.csv"], history.EnumerateArray().Select(i => i.GetProperty("fileName").GetString()));
        Assert.All(history.EnumerateArray(), i => Assert.Equal(district.Admin, i.GetProperty("createdBy").GetString()));
    }

    [Fact]
    public async Task Templates_and_schools_are_served()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        var template = await client.GetByteArrayAsync("/api/templates/school-admin");
        var schools = await client.GetFromJsonAsync<JsonElement>("/api/schools");

        Assert.Equal("\uFEFFFirst Name,Last Name,Username,Password,Email,School ID,Teacher Role\r\n", Encoding.UTF8.GetString(template));
        var elementary = schools.EnumerateArray().Single(s => s.GetProperty("schoolId").GetString() == district.ElementarySchool);
        Assert.Equal("Lincoln Elementary", elementary.GetProperty("name").GetString());
        Assert.Equal(["K", "1", "2", "3", "4", "5"], elementary.GetProperty("grades").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(2, schools.GetArrayLength());
    }

    [Fact]
    public async Task Users_can_be_searched_and_filtered_by_school()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        var teachers = await client.GetFromJsonAsync<JsonElement>($"/api/users?type=teacher&school={district.ElementarySchool}");
        var search = await client.GetFromJsonAsync<JsonElement>("/api/users?q=dana");
        using var badType = await client.GetAsync("/api/users?type=parent");

        Assert.Equal([district.Teacher], teachers.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()));
        Assert.Equal([district.Admin], search.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
    }

    [Fact]
    public async Task An_import_left_running_by_a_stopped_server_is_failed_at_the_next_start()
    {
        var folder = Directory.CreateTempSubdirectory("rostra-web-").FullName;
        var first = await WebApp.StartAsync(folder: folder);
        var district = await first.CreateDistrictAsync();
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await first.Store.CreateImportAsync(new ImportRecord(id, district.Id, "reading", Core.UserType.Student, "x.csv", "00", ImportStatus.Validating, 0, 0, 0, 0, now, district.Admin, now), default);
        Directory.CreateDirectory(first.UploadsFolder);
        await File.WriteAllTextAsync(Path.Combine(first.UploadsFolder, $"{id}.csv"), "First Name\r\n");
        await first.StopAsync();

        await using var second = await WebApp.StartAsync(folder: folder);

        var import = await second.Store.GetImportAsync(district.Id, id, default);
        Assert.Equal(ImportStatus.Failed, import?.Status);
        Assert.False(string.IsNullOrWhiteSpace(import?.Message));
        Assert.False(File.Exists(Path.Combine(second.UploadsFolder, $"{id}.csv")));
    }
}
