using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests;

/// <summary>Sign-in and the admin pages around the import.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NavigationTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task A_wrong_password_is_explained_on_the_login_page() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var login = await new LoginPage(page).GotoAsync();

        await page.FillAsync(Selectors.Username, district.Admin);
        await page.FillAsync(Selectors.Password, "not the password");
        await page.ClickAsync(Selectors.SignIn);

        await Expect(login.Problem).ToContainTextAsync("username or password is not right");
    });

    [Fact]
    public Task Schools_list_leads_to_school_details_with_id_name_and_grades() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var dashboard = await SignInAsync(page, district.Admin);
        await dashboard.OpenImportUsersAsync("Reading Plus");

        var schools = await new NavigationBar(page).SchoolsAsync();
        await Expect(schools.Rows).ToHaveCountAsync(2);
        await schools.OpenAsync(district.ElementarySchool);

        Assert.Equal(district.ElementarySchool, (await schools.DetailAsync("school-id")).Trim());
        Assert.Equal("Lincoln Elementary", (await schools.DetailAsync("name")).Trim());
        Assert.StartsWith("K-5", (await schools.DetailAsync("grades")).Trim(), StringComparison.Ordinal);
    });
}
