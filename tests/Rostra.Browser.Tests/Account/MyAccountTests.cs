using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Account;

/// <summary>Imported users (students, teachers, school admins) who sign in: a page of their own, and none of the admin pages.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MyAccountTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task A_student_who_signs_in_sees_who_they_are_their_school_and_program_and_can_sign_out(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var username = $"sofia.{district.Suffix}";
        await Fixture.AddStudentAsync(district, username, "Sofía", "Ramírez");

        await SignInAsync(page, username);

        var me = new MyAccountPage(page);
        await Expect(me.Title).ToHaveTextAsync("Hello, Sofía");
        Assert.Equal("Sofía Ramírez", (await me.FieldAsync("name")).Trim());
        Assert.Equal(username, (await me.FieldAsync("username")).Trim());
        Assert.Equal("Student", (await me.FieldAsync("type")).Trim());
        Assert.Equal("3", (await me.FieldAsync("grade")).Trim());
        await Expect(me.Schools).ToHaveTextAsync([$"Lincoln Elementary (School ID {district.ElementarySchool})"]);
        await Expect(me.Programs).ToHaveTextAsync(["Reading Plus"]);
        await Expect(page.Locator(Selectors.AdminMenu)).ToHaveCountAsync(0);
        await KeepScreenshotAsync(page, "my-account-student");
        await Axe.AssertAccessibleAsync(page, "a student's own page");

        // The admin pages are not theirs: refused, with a page that says so.
        var users = await page.GotoAsync($"/programs/{district.ProgramId}/users");
        Assert.Equal(403, users!.Status);
        await Expect(page.Locator(Selectors.UserRows)).ToHaveCountAsync(0);
        await Axe.AssertAccessibleAsync(page, "the page refusing a student an admin page");
        var api = await page.Context.APIRequest.GetAsync("/api/users");
        Assert.Equal(403, api.Status);

        await page.GotoAsync("/");
        await me.SignOut.ClickAsync();
        await Expect(page.Locator(Selectors.Username)).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator(Selectors.Username)).ToBeVisibleAsync();
    });

    [Fact]
    public Task A_teacher_sees_both_schools() => WithPageAsync(Viewports.Desktop, async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var username = $"tia.{district.Suffix}";
        await Fixture.AddTeacherAsync(district, username, "Tia", "Ng");

        await SignInAsync(page, username);

        var me = new MyAccountPage(page);
        await Expect(me.Title).ToHaveTextAsync("Hello, Tia");
        Assert.Equal("Teacher", (await me.FieldAsync("type")).Trim());
        Assert.Equal($"{username}@example.org", (await me.FieldAsync("email")).Trim());
        await Expect(me.Schools).ToHaveCountAsync(2);
        await Expect(me.Programs).ToHaveTextAsync(["Reading Plus"]);
    });
}
