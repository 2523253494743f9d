using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>ADMIN › USERS.</summary>
internal sealed class UsersPage(IPage page)
{
    public ILocator Rows => page.Locator(Selectors.UserRows);
    public ILocator Count => page.Locator(Selectors.UserCount);

    public async Task<IReadOnlyList<string>> UsernamesAsync() =>
        [.. (await Rows.Locator("td:nth-child(2)").AllInnerTextsAsync()).Select(u => u.Trim())];

    public async Task FilterAsync(string? search = null, string? typeLabel = null, string? schoolValue = null)
    {
        if (search is not null) await page.FillAsync(Selectors.UserSearch, search);
        if (typeLabel is not null) await page.Locator(Selectors.UserTypeFilter).SelectOptionAsync(new SelectOptionValue { Label = typeLabel });
        if (schoolValue is not null) await page.Locator(Selectors.UserSchoolFilter).SelectOptionAsync(schoolValue);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Search" }).ClickAsync();
    }
}
