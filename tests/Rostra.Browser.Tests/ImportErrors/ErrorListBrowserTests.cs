using System.Text;
using Microsoft.Playwright;
using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.ImportErrors;

/// <summary>A long error list as a school secretary meets it: the kinds first, filters, a jump, and the reports at any size.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ErrorListBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private async Task<ImportPage> SignInToImportAsync(IPage page, TestDistrict district)
    {
        var dashboard = await SignInAsync(page, district.Admin);
        var import = await dashboard.OpenImportUsersAsync("Reading Plus");
        await import.ChooseUserTypeAsync("Student");
        return import;
    }

    /// <summary><paramref name="schools"/> rows with an unknown School ID, then <paramref name="grades"/> rows with a wrong grade.</summary>
    private static string TwoKinds(TestDistrict district, int schools, int grades)
    {
        var csv = new StringBuilder(TestDistrict.StudentHeader).Append("\r\n");
        for (var i = 1; i <= schools; i++) csv.Append($"Kid{i},Lopez,lost{i}.{district.Suffix},Secret-Pass{i}!,3,NOPE,\r\n");
        for (var i = 1; i <= grades; i++) csv.Append($"Ava{i},Garcia,ava{i}.{district.Suffix},Secret-Pass{i}!,Z,{district.ElementarySchool},\r\n");
        return csv.ToString();
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task The_kinds_of_errors_come_first_and_filter_the_list_which_jumps_to_a_page(string viewport) =>
        WithPageAsync(Viewports.Named(viewport), async page =>
        {
            var district = await Fixture.CreateDistrictAsync();
            var import = await SignInToImportAsync(page, district);
            var errors = new ErrorListSection(page);

            await import.UploadAsync("whole-school.csv", TwoKinds(district, 150, 120));

            await Expect(errors.Kinds).ToHaveTextAsync(["150 × School ID not in your district", "120 × Grade is not valid"]);
            await Expect(errors.Summary).ToContainTextAsync("Errors 1–100 of 270");
            await KeepScreenshotAsync(page, "error-list-kinds");
            await Axe.AssertAccessibleAsync(page, "the error list with its kinds of errors");

            // Keyboard: the kind is a button; Enter filters the list to it.
            await errors.Kind("Grade is not valid").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(errors.Summary).ToContainTextAsync("Errors 1–100 of 120 shown");
            await Expect(errors.Kind("Grade is not valid")).ToHaveAttributeAsync("aria-pressed", "true");
            Assert.Equal("152", (await errors.RowNumbersAsync())[0]);
            await Expect(errors.Pages).ToHaveTextAsync("of 2");

            await errors.PageInput.FillAsync("2");
            await errors.PageInput.PressAsync("Enter");
            await Expect(errors.Summary).ToContainTextAsync("Errors 101–120 of 120 shown");
            Assert.Equal("252", (await errors.RowNumbersAsync())[0]);
            await KeepScreenshotAsync(page, "error-list-filtered");
            await Axe.AssertAccessibleAsync(page, "the error list filtered by kind, on its last page");

            await errors.ColumnSelect.SelectOptionAsync("School ID");
            await Expect(errors.Summary).ToContainTextAsync("Errors 1–100 of 150 shown");
            Assert.Equal("2", (await errors.RowNumbersAsync())[0]);
            await Expect(errors.Kind("Grade is not valid")).ToHaveAttributeAsync("aria-pressed", "false");

            await errors.KindSelect.SelectOptionAsync("");
            await Expect(errors.Summary).ToContainTextAsync("Errors 1–100 of 270");
        });

    [Fact]
    public Task A_10000_row_error_report_downloads_whole_as_csv_and_as_a_workbook() => WithPageAsync(Viewports.Desktop, async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        var errors = new ErrorListSection(page);

        await import.UploadAsync("district.csv", TwoKinds(district, 10_000, 0));
        await Expect(errors.Kinds).ToHaveTextAsync(["10,000 × School ID not in your district"], new() { Timeout = 60_000 });

        var (csvName, csv) = await errors.DownloadAsync(errors.CsvReport);
        var lines = ErrorListSection.CsvLines(csv);
        Assert.Equal("district-errors.csv", csvName);
        Assert.Equal(10_001, lines.Length);
        Assert.StartsWith($"Kid10000,Lopez,lost10000.{district.Suffix},,3,NOPE,,10001,", lines[^1], StringComparison.Ordinal);

        var (xlsxName, xlsx) = await errors.DownloadAsync(errors.WorkbookReport);
        Assert.Equal("district-errors.xlsx", xlsxName);
        Assert.Equal(10_001, ErrorListSection.WorkbookRows(xlsx));
        await Expect(errors.DownloadProblem).ToBeHiddenAsync();
    });

    [Fact]
    public Task A_failed_download_says_so_on_the_page() => WithPageAsync(Viewports.Desktop, async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        var errors = new ErrorListSection(page);
        await import.UploadAsync("class.csv", TwoKinds(district, 3, 0));
        await Expect(errors.Rows).ToHaveCountAsync(3);

        // The connection drops while the report downloads.
        await page.RouteAsync("**/errors.csv", route => route.AbortAsync("connectionreset"));
        await errors.CsvReport.ClickAsync();

        await Expect(errors.DownloadProblem).ToBeVisibleAsync();
        await Expect(errors.DownloadProblem).ToContainTextAsync("could not be downloaded");
        await Axe.AssertAccessibleAsync(page, "the error list after a failed download");
    });
}
