using System.Text;
using Microsoft.Playwright;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests;

/// <summary>The validation list as a school secretary reads it: counts, pages, passwords, accents, a phone screen.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ValidationListTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private async Task<ImportPage> SignInToImportAsync(IPage page, TestDistrict district)
    {
        var login = await new LoginPage(page).GotoAsync();
        var dashboard = await login.SignInAsync(district.Admin, BrowserFixture.Password);
        var import = await dashboard.OpenImportUsersAsync("Reading Plus");
        await import.ChooseUserTypeAsync("Student");
        return import;
    }

    /// <summary>count students whose School ID is in no school of the district: one error each.</summary>
    private static string UnknownSchools(TestDistrict district, int count)
    {
        var csv = new StringBuilder(TestDistrict.StudentHeader).Append("\r\n");
        for (var i = 1; i <= count; i++)
        {
            csv.Append($"Kid{i},Lopez,lost{i}.{district.Suffix},Secret-Pass{i}!,3,NOPE,\r\n");
        }
        return csv.ToString();
    }

    [Fact]
    public Task A_few_errors_are_counted_above_the_list_without_a_pager() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);

        await import.UploadAsync("class-3a.csv", district.StudentsWithErrors());

        await Expect(import.ErrorRows).ToHaveCountAsync(2);
        await Expect(import.ErrorsSummary).ToHaveTextAsync("2 errors, by row of your spreadsheet:");
        await Expect(import.ErrorPager).ToBeHiddenAsync();
    });

    [Fact]
    public Task Hundreds_of_errors_come_in_pages_and_the_next_page_is_read_from_its_top() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);

        await import.UploadAsync("whole-school.csv", UnknownSchools(district, 250));

        await Expect(import.ResultsTitle).ToHaveTextAsync("250 problems to fix in whole-school.csv");
        await Expect(import.ErrorRows).ToHaveCountAsync(100);
        await Expect(import.ErrorsSummary).ToContainTextAsync("Errors 1–100 of 250");
        await Expect(import.ErrorsSummary).ToContainTextAsync("error report");
        await Expect(import.ErrorPager).ToBeVisibleAsync();

        await import.ErrorsNext.ClickAsync();

        await Expect(import.ErrorsSummary).ToContainTextAsync("Errors 101–200 of 250");
        await Expect(import.ErrorsSummary).ToBeFocusedAsync();
        await Expect(import.ErrorsSummary).ToBeInViewportAsync();
        await Expect(import.ErrorRowNumbers.First).ToHaveTextAsync("102");
    });

    [Fact]
    public Task A_password_error_says_the_password_is_not_shown_rather_than_leaving_a_blank() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);

        await import.UploadAsync("short.csv",
            TestDistrict.StudentHeader + "\r\n" + $"Ana,Lopez,ana.{district.Suffix},Sh0rt!,3,{district.ElementarySchool},\r\n");

        var password = import.ErrorRows.Filter(new() { HasText = "8 characters" });
        await Expect(password).ToHaveCountAsync(1);
        var cells = password.Locator("td");
        await Expect(cells.Nth(0)).ToHaveTextAsync("2");
        await Expect(cells.Nth(1)).ToHaveTextAsync("Password");
        await Expect(cells.Nth(2)).ToHaveTextAsync("not shown");
        Assert.DoesNotContain("Sh0rt!", await page.ContentAsync(), StringComparison.Ordinal);
    });

    [Fact]
    public Task A_file_saved_by_Excel_as_plain_CSV_shows_its_accented_names_as_read() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        var csv = TestDistrict.StudentHeader + "\r\n" +
            $"Zoë,Martínez,zoe.{district.Suffix},Secret-Pass1!,3,{district.ElementarySchool},\r\n" +
            $"Ben,Ng,ben.{district.Suffix},Secret-Pass1!,4,{district.ElementarySchool},\r\n" +
            $"José,Núñez,jose.{district.Suffix},Secret-Pass1!,7,{district.MiddleSchool},\r\n";

        // Latin-1 and Windows-1252 agree on these letters: the bytes Excel's "CSV (Comma delimited)" writes.
        await import.UploadAsync("students.csv", Encoding.Latin1.GetBytes(csv));

        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");
        await Expect(import.Warnings).ToContainTextAsync("not in UTF-8");
        await Expect(import.Warnings).ToContainTextAsync("Row 2: Zoë Martínez");
        await Expect(import.Warnings).ToContainTextAsync("Row 4: José Núñez");
        await Expect(import.Warnings).Not.ToContainTextAsync("Ben Ng");
    });

    [Fact]
    public Task On_a_phone_the_errors_and_the_column_help_fit_the_screen() => WithPageAsync(new ViewportSize { Width = 390, Height = 844 }, async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await page.ClickAsync(Selectors.HelpSummary);

        await import.UploadAsync("class-3a.csv", district.StudentsWithErrors());

        await Expect(import.ErrorRows).ToHaveCountAsync(2);
        var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(pageWidth <= 390, $"The page is {pageWidth}px wide on a 390px screen: it scrolls sideways.");
        // Each error is a card: its message gets the card's width, not a squeezed column.
        var messageWidth = await import.ErrorRows.First.Locator("td").Last.EvaluateAsync<double>("td => td.getBoundingClientRect().width");
        Assert.True(messageWidth > 250, $"The message is {messageWidth}px wide.");
    });

    [Fact]
    public Task A_file_left_waiting_is_confirmed_from_the_import_history() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await import.UploadAsync("class-3a.csv", district.StudentsFixed());
        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");

        await page.GotoAsync($"/programs/{district.ProgramId}/imports");
        await page.Locator(Selectors.OpenToConfirm).ClickAsync();

        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");
        await import.ConfirmButton.ClickAsync();
        await Expect(import.SuccessTitle).ToHaveTextAsync("3 users were successfully imported", new() { Timeout = 30_000 });
    });
}
