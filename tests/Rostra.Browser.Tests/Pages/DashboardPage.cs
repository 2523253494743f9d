using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

internal sealed class DashboardPage(IPage page)
{
    public ILocator ProgramCards => page.Locator(Selectors.ProgramCards);

    public async Task<ImportPage> OpenImportUsersAsync(string programName)
    {
        await ProgramCards.Filter(new LocatorFilterOptions { HasText = programName })
            .GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Import users" }).ClickAsync();
        return new ImportPage(page);
    }
}
