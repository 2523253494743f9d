using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using Rostra.Core;
using Rostra.Storage;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.History;

/// <summary>Import History: every import leads back to its page, whatever became of it, and reads on a phone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportHistoryTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Completed_cancelled_and_failed_imports_each_open_a_page_that_says_what_happened(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await AddImportAsync(district, "fall-students.csv", ImportStatus.Completed, rows: 3, processed: 3, imported: 3, "3 users imported.");
        await AddImportAsync(district, "whole-district.csv", ImportStatus.Cancelled, rows: 100_000, processed: 88_000, imported: 0, "Cancelled. Nothing was imported.");
        await AddImportAsync(district, "teachers-final.csv", ImportStatus.Failed, rows: 40, processed: 40, imported: 0, "The import failed. Upload the file again.");
        await SignInAsync(page, district.Admin);

        var history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await Expect(history.Rows).ToHaveCountAsync(3);
        await Expect(history.RowsCell("whole-district.csv")).ToContainTextAsync("about 100,000 (cancelled after 88,000 checked)");
        var width = Viewports.Named(viewport).Width;
        var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(pageWidth <= width, $"The history is {pageWidth}px wide on a {width}px screen: it scrolls sideways.");
        await KeepScreenshotAsync(page, "import-history");
        await Axe.AssertAccessibleAsync(page, "the import history with every end state");

        var import = new ImportPage(page);
        await history.OpenLink("fall-students.csv").ClickAsync();
        await Expect(import.ResultsTitle).ToHaveTextAsync("Import complete");
        await Expect(import.ResultsText).ToContainTextAsync("3 users");

        history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await Expect(history.OpenLink("whole-district.csv")).ToHaveTextAsync("See what happened");
        await history.OpenLink("whole-district.csv").ClickAsync();
        await Expect(import.ResultsTitle).ToHaveTextAsync("Cancelled");
        await Expect(import.Results).ToContainTextAsync("Nothing was imported");

        history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await history.OpenLink("teachers-final.csv").ClickAsync();
        await Expect(import.ResultsTitle).ToHaveTextAsync("Nothing was imported");
        await Expect(import.Results).ToContainTextAsync("Upload the file again");
        await KeepScreenshotAsync(page, "import-failed-from-history");
        await Axe.AssertAccessibleAsync(page, "a failed import opened from the history");
    });

    private Task AddImportAsync(TestDistrict district, string fileName, string status, int rows, int processed, int imported, string message)
    {
        var at = DateTimeOffset.UtcNow;
        return Fixture.Store.CreateImportAsync(
            new ImportRecord(Guid.NewGuid(), district.Id, district.ProgramId, UserType.Student, fileName, new string('0', 64), status,
                rows, processed, 0, imported, at, district.Admin, at, message),
            default);
    }
}
