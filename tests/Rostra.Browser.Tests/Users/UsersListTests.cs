using System.Text.Json;
using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Users;

/// <summary>ADMIN › USERS: paging to the end of a long list, and finding a user by any of their names.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UsersListTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Next_pages_through_to_the_last_page_with_and_without_a_filter(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        for (var i = 1; i <= 120; i++)
        {
            await Fixture.AddStudentAsync(district, $"kid{i:000}.{district.Suffix}", $"Kid{i}", "Lopez");
        }
        await SignInAsync(page, district.Admin);
        var users = await UsersPage.GotoAsync(page, district.ProgramId);

        // 120 students, the admin and the teacher: 122 users, 50 a page.
        await Expect(users.Count).ToHaveTextAsync("Showing 1–50 of 122 users");
        await Expect(users.PagerStatus).ToHaveTextAsync("Page 1 of 3");
        await users.Next.ClickAsync();
        await Expect(users.Count).ToHaveTextAsync("Showing 51–100 of 122 users");
        await Expect(users.PagerStatus).ToHaveTextAsync("Page 2 of 3");
        await Expect(users.Usernames.First).ToHaveTextAsync($"kid050.{district.Suffix}");
        await users.Next.ClickAsync();
        await Expect(users.Count).ToHaveTextAsync("Showing 101–122 of 122 users");
        await Expect(users.PagerStatus).ToHaveTextAsync("Page 3 of 3");
        await Expect(users.Next).ToHaveCountAsync(0);
        await Expect(users.Rows).ToHaveCountAsync(22);
        await KeepScreenshotAsync(page, "users-last-page");
        await Axe.AssertAccessibleAsync(page, "the last page of users");
        await users.Previous.ClickAsync();
        await Expect(users.PagerStatus).ToHaveTextAsync("Page 2 of 3");

        await users.FilterAsync(typeLabel: "Students");
        await Expect(users.Count).ToHaveTextAsync("Showing 1–50 of 120 users");
        await users.Next.ClickAsync();
        await users.Next.ClickAsync();
        await Expect(users.Count).ToHaveTextAsync("Showing 101–120 of 120 users");
        await Expect(users.PagerStatus).ToHaveTextAsync("Page 3 of 3");
        await Expect(page.Locator(Selectors.UserTypeFilter)).ToHaveValueAsync("student");
        await Expect(users.Usernames.Last).ToHaveTextAsync($"kid120.{district.Suffix}");

        // A page past the end shows the last page rather than nothing.
        await page.GotoAsync($"/programs/{district.ProgramId}/users?type=student&p=99");
        await Expect(users.Count).ToHaveTextAsync("Showing 101–120 of 120 users");
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Search_finds_a_full_name_and_ignores_case_and_accents_on_the_page_and_the_api(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await Fixture.AddStudentAsync(district, $"ava.{district.Suffix}", "Ava", "Garcia");
        await Fixture.AddStudentAsync(district, $"sofia.{district.Suffix}", "Sofía", "Ramírez", $"sofia.{district.Suffix}@example.org");
        await Fixture.AddStudentAsync(district, $"avalon.{district.Suffix}", "Avalon", "Stone");
        await SignInAsync(page, district.Admin);
        var users = await UsersPage.GotoAsync(page, district.ProgramId);

        await users.FilterAsync(search: "Ava Garcia");
        await Expect(users.Rows).ToHaveCountAsync(1);
        await Expect(users.Rows.First).ToContainTextAsync("Ava Garcia");

        await users.FilterAsync(search: "sofia");
        await Expect(users.Rows).ToHaveCountAsync(1);
        await Expect(users.Rows.First).ToContainTextAsync("Sofía Ramírez");
        await KeepScreenshotAsync(page, "users-search");
        await Axe.AssertAccessibleAsync(page, "a search of users");

        await users.FilterAsync(search: "RAMIREZ SOF");
        await Expect(users.Rows).ToHaveCountAsync(1);
        await users.FilterAsync(search: "ava");
        await Expect(users.Rows).ToHaveCountAsync(2);
        await Expect(users.Usernames).ToHaveTextAsync([$"ava.{district.Suffix}", $"avalon.{district.Suffix}"]);
        await users.FilterAsync(search: $"SOFIA.{district.Suffix}@EXAMPLE");
        await Expect(users.Rows).ToHaveCountAsync(1);
        await Expect(users.Rows.First).ToContainTextAsync("Sofía Ramírez");

        var response = await page.Context.APIRequest.GetAsync("/api/users?q=" + Uri.EscapeDataString("sofía ramirez"));
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(await response.TextAsync());
        var items = json.RootElement.GetProperty("users");
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt32());
        Assert.Equal($"sofia.{district.Suffix}", items[0].GetProperty("username").GetString());
    });
}
