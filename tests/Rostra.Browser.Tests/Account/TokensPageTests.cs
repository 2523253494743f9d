using Microsoft.Playwright;
using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Account;

/// <summary>The API tokens page in a real browser: from the dashboard, a new token shown once, revoked; axe on each state.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TokensPageTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task An_admin_creates_a_token_sees_it_once_and_revokes_it(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await SignInAsync(page, district.Admin);
        await page.GetByRole(AriaRole.Link, new() { Name = "manage your API tokens" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens", Level = 1 })).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "the API tokens page");

        await page.GetByLabel("Name (what uses it)").FillAsync("nightly SIS export");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        var token = page.Locator("#new-token-value");
        await Expect(token).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^rostra_"));
        await Expect(page.Locator("#tokens")).ToContainTextAsync("nightly SIS export");
        // Its times read as the history's do, in the reader's own time zone, and an unused token says so.
        await Expect(page.Locator("#tokens")).Not.ToContainTextAsync("UTC");
        await Expect(page.Locator("#tokens")).ToContainTextAsync("never");
        await Axe.AssertAccessibleAsync(page, "the API tokens page with a new token");
        var value = await token.TextContentAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke token nightly SIS export" }).ClickAsync();

        await Expect(page.Locator("#token-done")).ToContainTextAsync("is revoked");
        await Expect(page.Locator("#new-token")).ToHaveCountAsync(0);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("nightly SIS export");
        Assert.DoesNotContain(value!, await page.ContentAsync(), StringComparison.Ordinal);
        await Axe.AssertAccessibleAsync(page, "the API tokens page after revoking");
    });
}
