using Microsoft.Playwright;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Accessibility;

/// <summary>axe (WCAG 2.1 A and AA) on every page and state, on a laptop and on a phone: zero violations.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Sign_in_and_the_dashboard_have_no_violations(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var login = await new LoginPage(page).GotoAsync();
        await Axe.AssertAccessibleAsync(page, "the sign-in page");

        await page.FillAsync(Selectors.Username, district.Admin);
        await page.FillAsync(Selectors.Password, "not the password");
        await page.ClickAsync(Selectors.SignIn);
        await Expect(login.Problem).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "the sign-in page with a wrong password");

        await login.SignInAsync(district.Admin, BrowserFixture.Password);
        await Expect(page.Locator(Selectors.ProgramCards)).ToHaveCountAsync(1);
        await Axe.AssertAccessibleAsync(page, "the dashboard");
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Every_state_of_the_import_page_has_no_violations(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var dashboard = await SignInAsync(page, district.Admin);
        var import = await dashboard.OpenImportUsersAsync("Reading Plus");
        await Expect(import.UploadButton).ToBeDisabledAsync();
        await Axe.AssertAccessibleAsync(page, "the import page");

        await page.ClickAsync(Selectors.HelpSummary);
        await import.ChooseUserTypeAsync("Student");
        await Axe.AssertAccessibleAsync(page, "the import page with the column help open");

        await import.DropAsync("teachers.csv", district.Teachers());
        await Expect(import.WrongTemplateDialog).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "the wrong-template pop-up");
        await import.CloseDialogAsync(import.WrongTemplateDialog);

        await import.UploadAsync("class-3a.csv", district.StudentsWithErrors());
        await Expect(import.ErrorRows).ToHaveCountAsync(2);
        await Axe.AssertAccessibleAsync(page, "the import page with errors");

        await import.UploadAsync("class-3a.csv", district.StudentsFixed());
        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");
        await Axe.AssertAccessibleAsync(page, "the import page ready to confirm");

        await import.ConfirmButton.ClickAsync();
        await Expect(import.SuccessDialog).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Axe.AssertAccessibleAsync(page, "the success pop-up");
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Users_schools_and_history_have_no_violations(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var dashboard = await SignInAsync(page, district.Admin);
        var import = await dashboard.OpenImportUsersAsync("Reading Plus");
        await import.ChooseUserTypeAsync("Student");
        await import.UploadAsync("class-3a.csv", district.StudentsWithErrors());
        await Expect(import.ErrorRows).ToHaveCountAsync(2);

        var users = await new NavigationBar(page).UsersAsync();
        // The test district's admin and teacher.
        await Expect(users.Rows).ToHaveCountAsync(2);
        await Axe.AssertAccessibleAsync(page, "the users page");
        await users.FilterAsync(search: "nobody-by-this-name");
        await Expect(users.Count).ToHaveTextAsync("No users match.");
        await Axe.AssertAccessibleAsync(page, "the users page with no match");

        var schools = await new NavigationBar(page).SchoolsAsync();
        await Expect(schools.Rows).ToHaveCountAsync(2);
        await Axe.AssertAccessibleAsync(page, "the schools page");
        await schools.OpenAsync(district.ElementarySchool);
        await Expect(schools.Details).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "a school's details");

        await new NavigationBar(page).OpenAdminAsync("IMPORT HISTORY");
        await Expect(page.Locator("#history tbody tr")).ToHaveCountAsync(1);
        await Axe.AssertAccessibleAsync(page, "the import history");
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task A_roster_synced_district_import_page_has_no_violations(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync(rosterSync: "clever");
        await SignInAsync(page, district.Admin);
        var import = await ImportPage.GotoAsync(page, district.ProgramId);
        await Expect(import.RosterSyncedNotice).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "the import page of a roster-synced district");
    });
}
