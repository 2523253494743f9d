using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rostra.Tests.Web;

namespace Rostra.Tests.Roster;

/// <summary>
/// Update and sync over HTTP (SPEC §10) on the real app: the mode, the plan and its changes, the threshold, revert,
/// the round-trip export, and a deactivated user's cookie and token.
/// </summary>
public sealed class RosterApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    private static async Task<JsonElement> UploadAsync(HttpClient client, string csv, string mode)
    {
        var form = WebApp.ImportForm("student", csv);
        form.Add(new StringContent(mode), "mode");
        using var response = await client.PostAsync("/api/imports", form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return await WebApp.WaitAsync(client, created.GetProperty("id").GetGuid());
    }

    private static async Task<JsonElement> ConfirmAsync(HttpClient client, Guid id, HttpStatusCode expected = HttpStatusCode.Accepted, int? allow = null)
    {
        using var body = allow is null ? null : JsonContent.Create(new { allowDeactivations = allow });
        using var response = await client.PostAsync($"/api/imports/{id}/confirm", body);
        Assert.Equal(expected, response.StatusCode);
        return expected == HttpStatusCode.Accepted ? await WebApp.WaitAsync(client, id) : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The district's students s1…sN, created by a plain import.</summary>
    private async Task<(TestDistrict District, HttpClient Client)> DistrictWithStudentsAsync(int count)
    {
        var district = await Web.CreateDistrictAsync();
        var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(count));
        Assert.Equal("completed", (await ConfirmAsync(client, import.GetProperty("id").GetGuid())).GetProperty("status").GetString());
        return (district, client);
    }

    private static string Row(TestDistrict d, int i, string grade, string? school = null, string password = "") =>
        $"Student{i},Lopez,s{i}.{d.Suffix},{password},{grade},{school ?? d.ElementarySchool},\r\n";

    [Fact]
    public async Task Update_plans_before_confirm_pages_its_changes_and_applies_them()
    {
        var (d, client) = await DistrictWithStudentsAsync(3);
        var grade1 = 1 + (1 % 5);
        var csv = TestDistrict.StudentHeader + "\r\n" + Row(d, 1, (grade1 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)) +
            Row(d, 2, (1 + (2 % 5)).ToString(System.Globalization.CultureInfo.InvariantCulture), password: "New-Secret-9!") + Row(d, 7, "3", password: "Secret-Pass7!");

        var import = await UploadAsync(client, csv, "update");

        Assert.Equal("valid", import.GetProperty("status").GetString());
        Assert.Equal("update", import.GetProperty("mode").GetString());
        var plan = import.GetProperty("plan");
        Assert.Equal((1, 2, 0, 0, 0), (plan.GetProperty("create").GetInt32(), plan.GetProperty("update").GetInt32(), plan.GetProperty("unchanged").GetInt32(),
            plan.GetProperty("deactivate").GetInt32(), plan.GetProperty("reactivate").GetInt32()));
        // The most common change of the updated users; s2's password change is never one.
        Assert.Equal($$"""{"field":"Grade","from":"{{grade1}}","to":"{{grade1 + 1}}","count":1}""", plan.GetProperty("topChange").GetRawText());
        var id = import.GetProperty("id").GetGuid();
        var updates = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/changes?action=update&limit=1");
        Assert.Equal((0, 1, 2), (updates.GetProperty("offset").GetInt32(), updates.GetProperty("limit").GetInt32(), updates.GetProperty("total").GetInt32()));
        var first = updates.GetProperty("items")[0];
        Assert.Equal((2, $"s1.{d.Suffix}", "update"), (first.GetProperty("row").GetInt32(), first.GetProperty("username").GetString(), first.GetProperty("action").GetString()));
        var change = first.GetProperty("changes")[0];
        Assert.Equal(("Grade", grade1.ToString(System.Globalization.CultureInfo.InvariantCulture), (grade1 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (change.GetProperty("field").GetString(), change.GetProperty("from").GetString(), change.GetProperty("to").GetString()));
        var second = (await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/changes?action=update&offset=1")).GetProperty("items")[0];
        Assert.Equal("""[{"field":"Password","from":null,"to":null}]""", second.GetProperty("changes").GetRawText());
        using (var bad = await client.GetAsync($"/api/imports/{id}/changes?action=rename")) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var done = await ConfirmAsync(client, id);

        Assert.Equal(("completed", 3), (done.GetProperty("status").GetString(), done.GetProperty("imported").GetInt32()));
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student");
        Assert.Equal(4, users.GetProperty("total").GetInt32());
        Assert.All(users.GetProperty("users").EnumerateArray(), u => Assert.True(u.GetProperty("active").GetBoolean()));
    }

    [Fact]
    public async Task Sync_over_the_threshold_needs_the_exact_number_and_deactivated_users_lose_cookie_and_token()
    {
        var (d, client) = await DistrictWithStudentsAsync(12);
        // The teacher of the district keeps working; students of the district are synced to one.
        var import = await UploadAsync(client, TestDistrict.StudentHeader + "\r\n" + Row(d, 1, "2"), "sync");
        var id = import.GetProperty("id").GetGuid();
        Assert.Equal(11, import.GetProperty("plan").GetProperty("deactivate").GetInt32());
        Assert.Equal(10, import.GetProperty("deactivationLimit").GetInt32());

        var refused = await ConfirmAsync(client, id, HttpStatusCode.Conflict);
        Assert.Equal("import.deactivation_threshold", refused.GetProperty("code").GetString());
        Assert.Contains("11", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        var wrong = await ConfirmAsync(client, id, HttpStatusCode.Conflict, allow: 10);
        Assert.Equal("import.deactivation_threshold", wrong.GetProperty("code").GetString());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/users?type=student&active=false")).GetProperty("total").GetInt32());

        var done = await ConfirmAsync(client, id, allow: 11);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        var inactive = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student&active=false");
        Assert.Equal(11, inactive.GetProperty("total").GetInt32());
        Assert.All(inactive.GetProperty("users").EnumerateArray(), u => Assert.False(u.GetProperty("active").GetBoolean()));
    }

    [Fact]
    public async Task A_teacher_deactivated_by_a_sync_loses_the_open_session_and_token_and_cannot_sign_in()
    {
        var d = await Web.CreateDistrictAsync();
        using var admin = Web.Client(d.AdminToken);
        using var session = await Web.SignInAsync(d.Teacher);
        using var bearer = Web.Client(d.TeacherToken);
        using (var before = await session.GetAsync("/")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        using (var before = await bearer.GetAsync("/api/schools")) Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        var form = WebApp.ImportForm("teacher",
            $"First Name,Last Name,Username,Password,Email,School ID\r\nNora,New,nora.{d.Suffix},Long-Secret-12!,nora.{d.Suffix}@school.org,{d.ElementarySchool}\r\n");
        form.Add(new StringContent("sync"), "mode");
        using var upload = await admin.PostAsync("/api/imports", form);
        var import = await WebApp.WaitAsync(admin, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal((1, 1), (import.GetProperty("plan").GetProperty("create").GetInt32(), import.GetProperty("plan").GetProperty("deactivate").GetInt32()));

        await ConfirmAsync(admin, import.GetProperty("id").GetGuid());

        using (var after = await session.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.Equal("/login", after.Headers.Location?.AbsolutePath);
        }
        using (var after = await bearer.GetAsync("/api/schools")) Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var login = await WebApp.PostLoginAsync(Web.Client(), d.Teacher, WebApp.Password);
        Assert.NotEqual(HttpStatusCode.Redirect, login.StatusCode);
        var teachers = await admin.GetFromJsonAsync<JsonElement>("/api/users?type=teacher&active=false");
        Assert.Equal([d.Teacher], teachers.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()));
    }

    [Fact]
    public async Task Revert_answers_202_then_409_and_puts_the_users_back()
    {
        var (d, client) = await DistrictWithStudentsAsync(2);
        var import = await UploadAsync(client, TestDistrict.StudentHeader + "\r\n" + Row(d, 1, "5") + Row(d, 3, "4", password: "Secret-Pass3!"), "sync");
        var id = import.GetProperty("id").GetGuid();
        await ConfirmAsync(client, id);

        using var revert = await client.PostAsync($"/api/imports/{id}/revert", null);
        using var again = await client.PostAsync($"/api/imports/{id}/revert", null);
        using var missing = await client.PostAsync($"/api/imports/{Guid.NewGuid()}/revert", null);

        Assert.Equal(HttpStatusCode.Accepted, revert.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("import.revert_conflict", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student&active=true");
        Assert.Equal([$"s1.{d.Suffix}", $"s2.{d.Suffix}"], users.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()));
        Assert.Equal("2", users.GetProperty("users")[0].GetProperty("grade").GetString());
        Assert.NotNull((await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}")).GetProperty("revertedAt").GetString());
    }

    [Fact]
    public async Task The_export_uploaded_unchanged_in_update_and_sync_plans_zero_changes()
    {
        var (_, client) = await DistrictWithStudentsAsync(5);

        using var export = await client.GetAsync("/api/users/export?type=student&format=csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var bytes = await export.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith(TestDistrict.StudentHeader + "\r\n", text, StringComparison.Ordinal);
        Assert.Equal(6, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        foreach (var mode in new[] { "update", "sync" })
        {
            var import = await UploadAsync(client, text, mode);
            Assert.Equal("valid", import.GetProperty("status").GetString());
            var plan = import.GetProperty("plan");
            Assert.Equal((0, 0, 5, 0, 0), (plan.GetProperty("create").GetInt32(), plan.GetProperty("update").GetInt32(), plan.GetProperty("unchanged").GetInt32(),
                plan.GetProperty("deactivate").GetInt32(), plan.GetProperty("reactivate").GetInt32()));
        }
        using var bad = await client.GetAsync("/api/users/export?type=parent");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Names_the_export_makes_formula_safe_read_back_as_they_were_and_plan_no_change()
    {
        var d = await Web.CreateDistrictAsync();
        var client = Web.Client(d.AdminToken);
        var csv = TestDistrict.StudentHeader + "\r\n" +
            $"=Ann,Lee,f1.{d.Suffix},Secret-Pass1!,3,{d.ElementarySchool},\r\n" +
            $"+Bo,\"-Li, Jr\",f2.{d.Suffix},Secret-Pass2!,3,{d.ElementarySchool},\r\n" +
            $"@Cy,=SUM(A1),f3.{d.Suffix},Secret-Pass3!,3,{d.ElementarySchool},\r\n" +
            $"'Di,O'Neil,f4.{d.Suffix},Secret-Pass4!,3,{d.ElementarySchool},\r\n";
        var created = await WebApp.UploadAndWaitAsync(client, "student", csv);
        Assert.Equal("completed", (await ConfirmAsync(client, created.GetProperty("id").GetGuid())).GetProperty("status").GetString());

        using var export = await client.GetAsync("/api/users/export?type=student");
        var text = Encoding.UTF8.GetString((await export.Content.ReadAsByteArrayAsync())[3..]);

        Assert.Contains($"'=Ann,Lee,f1.{d.Suffix},", text, StringComparison.Ordinal);
        Assert.Contains($"'+Bo,\"'-Li, Jr\",f2.{d.Suffix},", text, StringComparison.Ordinal);
        Assert.Contains($"'@Cy,'=SUM(A1),f3.{d.Suffix},", text, StringComparison.Ordinal);
        Assert.Contains($"'Di,O'Neil,f4.{d.Suffix},", text, StringComparison.Ordinal);
        foreach (var mode in new[] { "update", "sync" })
        {
            var import = await UploadAsync(client, text, mode);
            Assert.Equal("valid", import.GetProperty("status").GetString());
            var plan = import.GetProperty("plan");
            Assert.Equal((0, 0, 4, 0, 0), (plan.GetProperty("create").GetInt32(), plan.GetProperty("update").GetInt32(), plan.GetProperty("unchanged").GetInt32(),
                plan.GetProperty("deactivate").GetInt32(), plan.GetProperty("reactivate").GetInt32()));
        }
        var users = await client.GetFromJsonAsync<JsonElement>("/api/users?type=student");
        Assert.Equal(["=Ann", "+Bo", "@Cy", "'Di"], users.GetProperty("users").EnumerateArray().OrderBy(u => u.GetProperty("username").GetString(), StringComparer.Ordinal)
            .Select(u => u.GetProperty("firstName").GetString()));
    }

    [Fact]
    public async Task An_unknown_mode_is_a_400()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var form = WebApp.ImportForm("student", district.Students(1));
        form.Add(new StringContent("merge"), "mode");

        using var response = await client.PostAsync("/api/imports", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("mode.invalid", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
