using Rostra.Browser.Tests.Pages;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Rostra.Browser.Tests;

/// <summary>
/// Base of the browser tests: a fresh browser context per test, and a screenshot under
/// TestResults/screenshots when a test fails.
/// </summary>
public abstract class BrowserTest(BrowserFixture fixture)
{
    protected BrowserFixture Fixture { get; } = fixture;

    /// <summary>Runs a test body in a new page; keeps a screenshot of the page if the body throws.</summary>
    protected Task WithPageAsync(Func<IPage, Task> body, [CallerMemberName] string name = "") =>
        WithPageAsync(new ViewportSize { Width = 1280, Height = 900 }, body, name);

    /// <summary>The same, in a window of the given size (a phone is 390×844).</summary>
    protected async Task WithPageAsync(ViewportSize viewport, Func<IPage, Task> body, [CallerMemberName] string name = "")
    {
        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseAddress.ToString(),
            ViewportSize = viewport,
            AcceptDownloads = true,
        });
        // Upper bounds for a page to show what a test waits for, not delays: a loaded machine (other builds beside the
        // tests) can take many seconds, and a passing test never waits them out.
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var page = await context.NewPageAsync();
        // Intercept file choosers from the start: turning interception on inside RunAndWaitForFileChooserAsync
        // races a fast key press, and the chooser then opens unseen.
        page.FileChooser += IgnoreFileChooser;
        try
        {
            await body(page);
        }
        catch
        {
            await SaveScreenshotAsync(page, name);
            throw;
        }
    }

    private static void IgnoreFileChooser(object? sender, IFileChooser chooser)
    {
    }

    /// <summary>
    /// Keeps a full-page screenshot of a screen under TestResults/screens, named after the screen and the window
    /// width, for a person to look at.
    /// </summary>
    /// <summary>Opens the sign-in page and signs in with the test password; the dashboard it lands on.</summary>
    private protected static async Task<DashboardPage> SignInAsync(IPage page, string username) =>
        await (await new LoginPage(page).GotoAsync()).SignInAsync(username, BrowserFixture.Password);

    protected static async Task KeepScreenshotAsync(IPage page, string screen)
    {
        var folder = Path.Combine(RepositoryFolder.Results, "screens");
        Directory.CreateDirectory(folder);
        var width = page.ViewportSize?.Width ?? 0;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{screen}-{width}.png"), FullPage = true });
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        try
        {
            var folder = Path.Combine(RepositoryFolder.Results, "screenshots");
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
        }
        catch (PlaywrightException)
        {
            // The page is gone; the test's own failure is what matters.
        }
    }
}
