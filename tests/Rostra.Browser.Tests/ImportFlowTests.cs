using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rostra.Browser.Tests.Pages;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests;

/// <summary>The Import Users flow of SPEC §8, walked in Chromium as a district admin would.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportFlowTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private async Task<ImportPage> SignInToImportAsync(IPage page, TestDistrict district)
    {
        var login = await new LoginPage(page).GotoAsync();
        var dashboard = await login.SignInAsync(district.Admin, BrowserFixture.Password);
        return await dashboard.OpenImportUsersAsync("Reading Plus");
    }

    [Fact]
    public Task Upload_is_disabled_until_a_user_type_is_chosen() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);

        await Expect(import.TemplateLinks).ToHaveCountAsync(3);
        await Expect(import.UploadButton).ToBeDisabledAsync();
        await Expect(import.DropZone).ToHaveAttributeAsync("aria-disabled", "true");
        await import.ChooseUserTypeAsync("Student");
        await Expect(import.UploadButton).ToBeEnabledAsync();
        await Expect(import.DropZone).ToHaveAttributeAsync("aria-disabled", "false");
        await import.ChooseUserTypeAsync("Choose a user type…");
        await Expect(import.UploadButton).ToBeDisabledAsync();
    });

    [Fact]
    public Task A_file_of_another_type_shows_a_pop_up_naming_both_types_and_uploads_nothing() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await import.ChooseUserTypeAsync("Student");

        await import.DropAsync("teachers.csv", district.Teachers());

        await Expect(import.WrongTemplateDialog).ToBeVisibleAsync();
        await Expect(import.WrongTemplateDialog).ToContainTextAsync("Student");
        await Expect(import.WrongTemplateDialog).ToContainTextAsync("Teacher");
        await import.CloseDialogAsync(import.WrongTemplateDialog);
        await Expect(import.WrongTemplateDialog).ToBeHiddenAsync();
        await Expect(import.ProgressDialog).ToBeHiddenAsync();
        Assert.Empty(await Fixture.Store.ListImportsAsync(district.Id, 10, default));
    });

    [Fact]
    public Task A_file_with_errors_shows_every_error_and_the_error_report_downloads() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await import.ChooseUserTypeAsync("Student");

        await import.UploadAsync("class-3a.csv", district.StudentsWithErrors());

        await Expect(import.ResultsTitle).ToHaveTextAsync("2 problems to fix in class-3a.csv");
        await Expect(import.ResultsText).ToContainTextAsync("Nothing was imported");
        var errors = await import.ErrorsAsync(2);
        Assert.Equal(("3", "Grade", "7"), (errors[0].Row, errors[0].Column, errors[0].Value));
        Assert.Equal(("4", "School ID", "NOPE"), (errors[1].Row, errors[1].Column, errors[1].Value));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));

        var (fileName, text) = await import.DownloadErrorReportAsync();
        Assert.Equal("class-3a-errors.csv", fileName);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TestDistrict.StudentHeader + ",Row,Errors", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"Ben,Ng,ben.{district.Suffix},,7,{district.ElementarySchool},,3,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"Cy,Park,cy.{district.Suffix},,4,NOPE,,4,", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("Secret-Pass1!", text, StringComparison.Ordinal);
    });

    [Fact]
    public Task A_fixed_file_shows_no_errors_and_confirm_imports_the_users() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await import.ChooseUserTypeAsync("Student");
        await import.UploadAsync("class-3a.csv", district.StudentsWithErrors());
        await Expect(import.ErrorRows).ToHaveCountAsync(2);

        await import.UploadAsync("class-3a.csv", district.StudentsFixed());

        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");
        await Expect(import.ResultsText).ToContainTextAsync("3 students");
        await Expect(import.ErrorList).ToBeHiddenAsync();
        await import.ConfirmButton.ClickAsync();
        await Expect(import.SuccessDialog).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(import.SuccessTitle).ToHaveTextAsync("3 users were successfully imported");
        await import.CloseDialogAsync(import.SuccessDialog);
        await Expect(import.SuccessDialog).ToBeHiddenAsync();

        var users = await new NavigationBar(page).UsersAsync();
        await users.FilterAsync(typeLabel: "Students");
        await Expect(users.Usernames).ToHaveTextAsync([$"ana.{district.Suffix}", $"ben.{district.Suffix}", $"cy.{district.Suffix}"]);
    });

    [Fact]
    public Task Cancel_while_a_large_file_is_checked_leaves_nothing_behind() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var import = await SignInToImportAsync(page, district);
        await import.ChooseUserTypeAsync("Student");
        // The check cannot end before CANCEL, however fast the machine: its look-ups wait until the test ends.
        using var held = Fixture.HoldChecking();

        await import.UploadAsync("whole-district.csv", district.Students(5_000, "big"));
        await Expect(import.ProgressTitle).ToHaveTextAsync("Checking your file");
        await import.CancelButton.ClickAsync();

        await Expect(import.ResultsTitle).ToHaveTextAsync("Cancelled");
        await Expect(import.ProgressDialog).ToBeHiddenAsync();
        var imports = await Fixture.Store.ListImportsAsync(district.Id, 10, default);
        var only = Assert.Single(imports);
        Assert.Equal(ImportStatus.Cancelled, only.Status);
        Assert.False(File.Exists(Path.Combine(Fixture.UploadsFolder, $"{only.Id}.csv")));
        var users = await Fixture.Store.ListUsersAsync(new UserQuery(district.Id, "student"), default);
        Assert.Equal(0, users.Total);
    });

    [Fact]
    public Task A_roster_synced_district_sees_why_and_has_no_upload_control() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync(rosterSync: "clever");
        // The dashboard offers no import to this district; the address still answers, and says why.
        await SignInAsync(page, district.Admin);
        var import = await ImportPage.GotoAsync(page, district.ProgramId);

        await Expect(import.RosterSyncedNotice).ToBeVisibleAsync();
        await Expect(import.RosterSyncedNotice).ToContainTextAsync("Clever");
        await Expect(import.UploadButton).ToHaveCountAsync(0);
        await Expect(import.DropZone).ToHaveCountAsync(0);
        await Expect(import.UserType).ToHaveCountAsync(0);
    });

    [Fact]
    public Task The_whole_flow_works_with_the_keyboard_alone() => WithPageAsync(async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await page.GotoAsync("/login");

        // The username field has the focus (autofocus lands just after load: wait for it, or the first key is lost).
        await Expect(page.Locator(Selectors.Username)).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(district.Admin);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(BrowserFixture.Password);
        await page.Keyboard.PressAsync("Enter");
        await PageLoads.SignedInAsync(page);

        await TabToAsync(page, "a", "Import users");
        await page.Keyboard.PressAsync("Enter");
        await PageLoads.ArrivedAsync(page, new Regex("/import$", RegexOptions.None, TimeSpan.FromSeconds(1)));

        await TabToAsync(page, "select", null, "user-type");
        await page.Keyboard.PressAsync("ArrowDown");
        var import = new ImportPage(page);
        await Expect(import.UserType).ToHaveValueAsync("student");
        await TabToAsync(page, "button", "UPLOAD");
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Enter"));
        await chooser.SetFilesAsync(ImportPage.File("students.csv", district.Students(2)));

        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");
        await Expect(import.ConfirmButton).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(import.SuccessTitle).ToHaveTextAsync("2 users were successfully imported", new() { Timeout = 30_000 });
        await Expect(import.SuccessDialog.Locator(Selectors.DialogOk)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(import.SuccessDialog).ToBeHiddenAsync();

        await TabToAsync(page, "summary", "ADMIN", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await TabToAsync(page, "a", "USERS");
        await page.Keyboard.PressAsync("Enter");
        await PageLoads.ArrivedAsync(page, new Regex("/users$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        var users = new UsersPage(page);
        await Expect(users.Usernames).ToContainTextAsync([$"s1.{district.Suffix}"]);
    });

    /// <summary>Presses Tab (or Shift+Tab) until the focused element is the one described.</summary>
    private static async Task TabToAsync(IPage page, string tag, string? text, string? id = null, bool backwards = false)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            var focused = await page.EvaluateAsync<string[]>(
                "() => { const e = document.activeElement; return [e.tagName.toLowerCase(), (e.innerText || '').trim(), e.id || '']; }");
            if (focused[0] == tag && (text is null || focused[1] == text) && (id is null || focused[2] == id))
            {
                return;
            }
        }
        throw new InvalidOperationException($"Tab never reached <{tag}> {text ?? id}.");
    }
}
