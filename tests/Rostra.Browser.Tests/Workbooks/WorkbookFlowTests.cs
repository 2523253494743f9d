using System.IO.Compression;
using Microsoft.Playwright;
using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using Rostra.Core.Csv;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Workbooks;

/// <summary>Excel workbooks on the Import Users page (SPEC §11): the template downloads, a filled workbook uploads.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WorkbookFlowTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private async Task<ImportPage> SignInToImportAsync(IPage page, TestDistrict district)
    {
        var login = await new LoginPage(page).GotoAsync();
        var dashboard = await login.SignInAsync(district.Admin, BrowserFixture.Password);
        return await dashboard.OpenImportUsersAsync("Reading Plus");
    }

    [Fact]
    public Task The_student_workbook_template_downloads_with_the_header_and_the_districts_schools() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await Expect(import.TemplateWorkbookLinks).ToHaveCountAsync(3);
        await Axe.AssertAccessibleAsync(page, "the import page offering workbook templates");

        var (fileName, bytes) = await import.DownloadTemplateWorkbookAsync("student");

        Assert.Equal("rostra-student-template.xlsx", fileName);
        using var workbook = new MemoryStream(bytes);
        var format = CsvFile.Detect(workbook);
        Assert.True(format.IsWorkbook);
        Assert.Equal(TestDistrict.StudentHeader.Split(','), Assert.Single(CsvFile.ReadRecords(workbook, format)).Fields);
        using var zip = new ZipArchive(workbook);
        using var schools = new StreamReader(zip.GetEntry("xl/worksheets/sheet2.xml")!.Open());
        var xml = await schools.ReadToEndAsync();
        Assert.Contains($">{district.ElementarySchool}<", xml, StringComparison.Ordinal);
        Assert.Contains($">{district.MiddleSchool}<", xml, StringComparison.Ordinal);
    });

    [Fact]
    public Task A_filled_workbook_uploads_validates_and_imports() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await import.ChooseUserTypeAsync("Student");

        await import.UploadWorkbookAsync("class-3a.xlsx", await TestWorkbook.FromCsvAsync(district.StudentsFixed()));

        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");
        await Expect(import.ResultsText).ToContainTextAsync("3 students");
        await import.ConfirmButton.ClickAsync();
        await Expect(import.SuccessDialog).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(import.SuccessTitle).ToHaveTextAsync("3 users were successfully imported");
    });

    [Fact]
    public Task A_workbook_of_another_type_shows_the_wrong_template_pop_up_naming_both_types() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await import.ChooseUserTypeAsync("Student");

        await import.UploadWorkbookAsync("teachers.xlsx", await TestWorkbook.FromCsvAsync(district.Teachers()));

        await Expect(import.WrongTemplateDialog).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(import.WrongTemplateDialog).ToContainTextAsync("Student");
        await Expect(import.WrongTemplateDialog).ToContainTextAsync("Teacher");
        await Axe.AssertAccessibleAsync(page, "the wrong-template pop-up of a workbook");
    });
}
