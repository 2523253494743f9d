using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>ADMIN › SCHOOLS, and a school's School Details.</summary>
internal sealed class SchoolsPage(IPage page)
{
    public ILocator Rows => page.Locator(Selectors.SchoolRows);
    public ILocator Details => page.Locator(Selectors.SchoolDetails);

    public Task OpenAsync(string schoolId) => Rows.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = schoolId, Exact = true }).ClickAsync();

    public Task<string> DetailAsync(string field) => Details.Locator($"[data-field={field}]").InnerTextAsync();
}
