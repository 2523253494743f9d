using System.Text.RegularExpressions;
using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Progress;

/// <summary>The progress of a long check: its step and figures, the time left, and that the page may be left.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ImportProgressTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [GeneratedRegex("left|Almost done")]
    private static partial Regex TimeLeft();

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task A_long_check_shows_its_step_figures_time_left_and_goes_on_when_the_page_is_left(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var dashboard = await SignInAsync(page, district.Admin);
        var import = await dashboard.OpenImportUsersAsync("Reading Plus");
        await import.ChooseUserTypeAsync("Student");
        // Look-ups slowed, so the check takes long enough on any machine to be followed.
        using var slow = Fixture.SlowChecking(TimeSpan.FromMilliseconds(500));

        await import.UploadAsync("whole-district.csv", district.Students(100_000, "big"));

        await Expect(import.ProgressTitle).ToHaveTextAsync("Checking your file", new() { Timeout = 30_000 });
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Check every row", new() { Timeout = 30_000 });
        await Expect(import.ProgressDetail).ToContainTextAsync("rows checked");
        await Expect(import.ProgressLeave).ToBeVisibleAsync();
        await Expect(import.ProgressLeave).ToContainTextAsync("You can leave this page");
        await Expect(import.ProgressTimeLeft).ToHaveTextAsync(TimeLeft(), new() { Timeout = 60_000 });
        await KeepScreenshotAsync(page, "import-progress");
        await Axe.AssertAccessibleAsync(page, "the progress of a long check");

        // Leave the page: the check goes on, and the history leads back to it.
        await import.ProgressLeave.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Import History" }).ClickAsync();
        var history = new HistoryPage(page);
        await Expect(history.Row("whole-district.csv")).ToContainTextAsync("Checking");
        await history.OpenLink("whole-district.csv").ClickAsync();
        await Expect(import.ProgressTitle).ToHaveTextAsync("Checking your file");
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Check every row");

        await import.CancelButton.ClickAsync();
        await Expect(import.ResultsTitle).ToHaveTextAsync("Cancelled", new() { Timeout = 30_000 });
        history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await Expect(history.OpenLink("whole-district.csv")).ToHaveTextAsync("See what happened");
    });
}
