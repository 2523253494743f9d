using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>The global navigation bar of a program: ADMIN › IMPORT USERS, USERS, SCHOOLS, IMPORT HISTORY.</summary>
internal sealed class NavigationBar(IPage page)
{
    public async Task OpenAdminAsync(string item)
    {
        await page.ClickAsync(Selectors.AdminMenu);
        await page.Locator(Selectors.AdminMenuList).GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = item, Exact = true }).ClickAsync();
    }

    public async Task<UsersPage> UsersAsync()
    {
        await OpenAdminAsync("USERS");
        return new UsersPage(page);
    }

    public async Task<SchoolsPage> SchoolsAsync()
    {
        await OpenAdminAsync("SCHOOLS");
        return new SchoolsPage(page);
    }
}
