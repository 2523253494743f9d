using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

internal sealed class LoginPage(IPage page)
{
    public async Task<LoginPage> GotoAsync()
    {
        await page.GotoAsync("/login");
        return this;
    }

    public async Task<DashboardPage> SignInAsync(string username, string password)
    {
        await page.FillAsync(Selectors.Username, username);
        await page.FillAsync(Selectors.Password, password);
        await page.ClickAsync(Selectors.SignIn);
        await PageLoads.SignedInAsync(page);
        return new DashboardPage(page);
    }

    public ILocator Problem => page.Locator(Selectors.LoginProblem);
}
