using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>What a signed-in student, teacher or school admin sees: who they are, their schools and programs.</summary>
internal sealed class MyAccountPage(IPage page)
{
    public ILocator Title => page.Locator(Selectors.PageTitle);
    public ILocator Account => page.Locator(Selectors.MyAccount);
    public ILocator Schools => page.Locator(Selectors.MySchools);
    public ILocator Programs => page.Locator(Selectors.MyPrograms);
    public ILocator SignOut => page.Locator(Selectors.MySignOut);

    public Task<string> FieldAsync(string field) => Account.Locator($"[data-field={field}]").InnerTextAsync();
}
