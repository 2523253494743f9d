using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Navigation;

/// <summary>One ADMIN navigation that fits a phone, and a dashboard that leads where a district can go.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminNavigationTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task The_admin_menu_is_the_only_navigation_and_every_item_fits_the_screen(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await SignInAsync(page, district.Admin);
        await UsersPage.GotoAsync(page, district.ProgramId);
        await Expect(page.Locator(Selectors.ProgramBar)).ToContainTextAsync("Users");

        // The four admin links are there once, in the ADMIN menu.
        await Expect(page.Locator(Selectors.LinksToHistory)).ToHaveCountAsync(1);
        await page.ClickAsync(Selectors.AdminMenu);
        var width = Viewports.Named(viewport).Width;
        foreach (var item in new[] { "IMPORT USERS", "USERS", "SCHOOLS", "IMPORT HISTORY" })
        {
            var link = page.Locator(Selectors.AdminMenuList).GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = item, Exact = true });
            await Expect(link).ToBeInViewportAsync(new() { Ratio = 1 });
            var box = await link.BoundingBoxAsync();
            Assert.True(box!.X >= 0 && box.X + box.Width <= width, $"{item} is at {box.X}–{box.X + box.Width}px on a {width}px screen.");
        }
        var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(pageWidth <= width, $"The page is {pageWidth}px wide on a {width}px screen.");
        await KeepScreenshotAsync(page, "admin-menu-open");
        await Axe.AssertAccessibleAsync(page, "the users page with the ADMIN menu open");

        await page.Locator(Selectors.AdminMenuList).GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "IMPORT HISTORY", Exact = true }).ClickAsync();
        await Expect(page.Locator(Selectors.PageTitle)).ToHaveTextAsync("Import History");
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task The_dashboard_links_to_import_history_and_offers_import_only_where_it_is_possible(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var synced = await Fixture.CreateDistrictAsync(rosterSync: "clever");
        await SignInAsync(page, synced.Admin);
        var card = page.Locator(Selectors.ProgramCards).First;
        await Expect(card.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Import users" })).ToHaveCountAsync(0);
        await Expect(card).ToContainTextAsync("Clever");
        await KeepScreenshotAsync(page, "dashboard-roster-synced");
        await Axe.AssertAccessibleAsync(page, "the dashboard of a roster-synced district");
        await card.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Import history" }).ClickAsync();
        await Expect(page.Locator(Selectors.PageTitle)).ToHaveTextAsync("Import History");
        await page.Locator(Selectors.SignOut).ClickAsync();

        var district = await Fixture.CreateDistrictAsync();
        await SignInAsync(page, district.Admin);
        card = page.Locator(Selectors.ProgramCards).First;
        await Expect(card.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Import users" })).ToHaveCountAsync(1);
        await Expect(card.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Import history" })).ToHaveCountAsync(1);
        await KeepScreenshotAsync(page, "dashboard");
    });
}
