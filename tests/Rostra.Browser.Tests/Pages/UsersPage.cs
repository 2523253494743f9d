using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>ADMIN › USERS.</summary>
internal sealed class UsersPage(IPage page)
{
    public ILocator Rows => page.Locator(Selectors.UserRows);
    public ILocator Count => page.Locator(Selectors.UserCount);
    public ILocator PagerStatus => page.Locator(Selectors.UsersPagerStatus);
    public ILocator Next => page.Locator(Selectors.UsersNext);
    public ILocator Previous => page.Locator(Selectors.UsersPrevious);

    public static async Task<UsersPage> GotoAsync(IPage page, string programId)
    {
        await page.GotoAsync($"/programs/{programId}/users");
        return new UsersPage(page);
    }

    /// <summary>The username cell of every row shown. Assert on it with Expect, which waits for the list the user will see.</summary>
    public ILocator Usernames => Rows.Locator("td:nth-child(2)");

    public async Task FilterAsync(string? search = null, string? typeLabel = null, string? schoolValue = null)
    {
        if (search is not null) await page.FillAsync(Selectors.UserSearch, search);
        if (typeLabel is not null) await page.Locator(Selectors.UserTypeFilter).SelectOptionAsync(new SelectOptionValue { Label = typeLabel });
        if (schoolValue is not null) await page.Locator(Selectors.UserSchoolFilter).SelectOptionAsync(schoolValue);
        // The search loads a new page: mark the old one, and wait until the mark is gone, so nothing is read from it.
        await page.EvaluateAsync("() => document.body.dataset.before = 'search'");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Search" }).ClickAsync();
        await page.Locator("body:not([data-before])").WaitForAsync();
    }
}
