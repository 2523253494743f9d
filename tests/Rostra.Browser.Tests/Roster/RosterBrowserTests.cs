using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Roster;

/// <summary>
/// Keeping a roster current on the pages (SPEC §10): the choice of what the file does, the plan and its table of
/// changes before CONFIRM, the threshold checkbox of a sync, and revert from Import History with its confirmation and
/// its refusal, at laptop and phone widths, and with the keyboard alone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RosterBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Update = "Add new and update existing users";
    private const string Sync = "This file is the full roster: also deactivate users who are not in it";

    private static string Row(TestDistrict d, string first, string username, string grade) =>
        $"{first},Lopez,{username}.{d.Suffix},,{grade},{d.ElementarySchool},\r\n";

    /// <summary>Chooses Student and the mode, uploads the file and waits for its plan.</summary>
    private static async Task<ImportPage> UploadAsync(IPage page, TestDistrict district, string mode, string fileName, string csv)
    {
        var import = await ImportPage.GotoAsync(page, district.ProgramId);
        await import.ChooseUserTypeAsync("Student");
        await import.Mode(mode).CheckAsync();
        await import.UploadAsync(fileName, csv);
        await Expect(import.ResultsTitle).ToHaveTextAsync("No errors found");
        return import;
    }

    private static async Task ConfirmAsync(ImportPage import)
    {
        await import.ConfirmButton.ClickAsync();
        await Expect(import.SuccessDialog).ToBeVisibleAsync();
        await import.CloseDialogAsync(import.SuccessDialog);
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string what)
    {
        var width = page.ViewportSize?.Width ?? 0;
        var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(pageWidth <= width, $"{what} is {pageWidth}px wide on a {width}px screen: it scrolls sideways.");
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task An_update_shows_its_plan_and_changes_and_is_reverted_from_history_once_confirmed(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await Fixture.AddStudentAsync(district, $"ana.{district.Suffix}", "Ana", "Lopez");
        await Fixture.AddStudentAsync(district, $"ben.{district.Suffix}", "Ben", "Lopez");
        await Fixture.AddStudentAsync(district, $"dee.{district.Suffix}", "Dee", "Lopez");
        await Fixture.AddStudentAsync(district, $"eve.{district.Suffix}", "Eve", "Lopez");
        await SignInAsync(page, district.Admin);

        var import = await ImportPage.GotoAsync(page, district.ProgramId);
        await Expect(import.Mode("Add new users")).ToBeCheckedAsync();
        import = await UploadAsync(page, district, Update, "grades.csv",
            TestDistrict.StudentHeader + "\r\n" + Row(district, "Ana", "ana", "4") + Row(district, "Ben", "ben", "3") +
            Row(district, "Dee", "dee", "4") + $"Evelyn,Lopez,eve.{district.Suffix},,3,{district.ElementarySchool},\r\n" +
            $"Cy,Park,cy.{district.Suffix},Secret-Pass1!,2,{district.ElementarySchool},\r\n");

        // The updated count names the change most of them share, and for how many.
        await Expect(import.ResultsText).ToContainTextAsync("grades.csv: 1 new, 3 updated — grade 3 → 4 for 2 of them — 1 unchanged, 0 to deactivate, 0 to reactivate.");
        await Expect(import.ChangesCaption).ToHaveTextAsync(new Regex("of 5$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Expect(import.ChangeRows.Filter(new() { HasText = $"ana.{district.Suffix}" })).ToContainTextAsync("Grade: 3 → 4");
        await Expect(import.ChangeRows.Filter(new() { HasText = $"cy.{district.Suffix}" })).ToContainTextAsync("new");
        await AssertNoSidewaysScrollAsync(page, "The plan");
        await KeepScreenshotAsync(page, "update-plan");
        await Axe.AssertAccessibleAsync(page, "the plan of an update before CONFIRM");
        await ConfirmAsync(import);

        var history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await history.Revert("grades.csv").ClickAsync();
        await Expect(history.RevertConfirm).ToContainTextAsync("Revert the import of grades.csv?");
        await Expect(history.RevertConfirm).ToContainTextAsync("1 user it created will be removed");
        // When it was imported reads as the table's times do, in the reader's own time zone.
        await Expect(history.RevertConfirm).Not.ToContainTextAsync("UTC");
        await AssertNoSidewaysScrollAsync(page, "The revert confirmation");
        await KeepScreenshotAsync(page, "revert-confirm");
        await Axe.AssertAccessibleAsync(page, "the confirmation of a revert");
        await history.RevertYes.ClickAsync();

        await Expect(history.RevertDone).ToContainTextAsync("The import of grades.csv was reverted");
        await Expect(history.Reverted("grades.csv")).ToHaveTextAsync("Reverted");
        await Expect(history.Revert("grades.csv")).ToHaveCountAsync(0);
        var users = await UsersPage.GotoAsync(page, district.ProgramId);
        await Expect(users.Usernames).ToContainTextAsync([$"ana.{district.Suffix}", $"ben.{district.Suffix}"]);
        await Expect(users.Rows.Filter(new() { HasText = $"cy.{district.Suffix}" })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task A_sync_over_the_threshold_needs_its_checkbox_and_an_import_touched_since_cannot_be_reverted() => WithPageAsync(Viewports.Desktop, async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        for (var i = 1; i <= 12; i++) await Fixture.AddStudentAsync(district, $"s{i}.{district.Suffix}", $"Student{i}", "Lopez");
        await SignInAsync(page, district.Admin);

        var import = await UploadAsync(page, district, Sync, "roster.csv", TestDistrict.StudentHeader + "\r\n" + Row(district, "Student1", "s1", "3"));

        await Expect(import.ResultsText).ToContainTextAsync("0 new, 0 updated, 1 unchanged, 11 to deactivate");
        await Expect(import.ConfirmButton).ToBeDisabledAsync();
        await Expect(page.GetByLabel("Yes, deactivate 11 users who are not in this file")).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "a sync over the threshold");
        await import.AllowDeactivations.CheckAsync();
        await Expect(import.ConfirmButton).ToBeEnabledAsync();
        await ConfirmAsync(import);

        // A later file brings s2 back: the sync touched s2 too, so it can no longer be reverted; the later one can.
        import = await UploadAsync(page, district, Update, "back.csv", TestDistrict.StudentHeader + "\r\n" + Row(district, "Student2", "s2", "3"));
        await Expect(import.ResultsText).ToContainTextAsync("1 to reactivate");
        await ConfirmAsync(import);

        var history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await Expect(history.RevertRefusedNote("roster.csv")).ToContainTextAsync("changed since");
        await Expect(history.Revert("roster.csv")).ToHaveCountAsync(0);
        await Expect(history.Revert("back.csv")).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "the history with an import that cannot be reverted");

        // Asked for anyway (an old link), the refusal says why.
        var id = Regex.Match(await history.OpenLink("roster.csv").GetAttributeAsync("href") ?? "", "import=([0-9a-f-]+)", RegexOptions.None, TimeSpan.FromSeconds(1)).Groups[1].Value;
        await page.GotoAsync($"/programs/{district.ProgramId}/imports?revert={id}");
        await Expect(history.RevertRefused).ToContainTextAsync("changed since");
        await Expect(history.RevertConfirm).ToHaveCountAsync(0);
    });

    [Fact]
    public Task An_update_is_planned_confirmed_and_reverted_with_the_keyboard_alone() => WithPageAsync(Viewports.Desktop, async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await Fixture.AddStudentAsync(district, $"ana.{district.Suffix}", "Ana", "Lopez");
        await page.GotoAsync("/login");
        await Expect(page.Locator(Selectors.Username)).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(district.Admin);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(BrowserFixture.Password);
        await page.Keyboard.PressAsync("Enter");
        await PageLoads.SignedInAsync(page);
        await page.GotoAsync($"/programs/{district.ProgramId}/import");

        var import = new ImportPage(page);
        await TabToAsync(page, "select", null, "user-type");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(import.UserType).ToHaveValueAsync("student");
        await TabToAsync(page, "input", null, "mode-create");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(import.Mode(Update)).ToBeCheckedAsync();
        await TabToAsync(page, "button", "UPLOAD");
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Enter"));
        await chooser.SetFilesAsync(ImportPage.File("grades.csv", TestDistrict.StudentHeader + "\r\n" + Row(district, "Ana", "ana", "5")));

        await Expect(import.ResultsText).ToContainTextAsync("0 new, 1 updated");
        await Expect(import.ConfirmButton).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(import.SuccessDialog).ToBeVisibleAsync();
        await Expect(import.SuccessDialog.Locator(Selectors.DialogOk)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await page.GotoAsync($"/programs/{district.ProgramId}/imports");
        var history = new HistoryPage(page);
        await TabToAsync(page, "a", "Revert");
        await page.Keyboard.PressAsync("Enter");
        await Expect(history.RevertConfirm).ToBeVisibleAsync();
        await TabToAsync(page, "button", "Yes, revert this import");
        await page.Keyboard.PressAsync("Enter");
        await Expect(history.RevertDone).ToContainTextAsync("was reverted");
        await Expect(history.Reverted("grades.csv")).ToHaveTextAsync("Reverted");
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Users_offers_each_type_as_CSV_and_as_an_Excel_workbook_to_edit(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await Fixture.AddStudentAsync(district, $"ana.{district.Suffix}", "=Ana", "Lopez");
        await SignInAsync(page, district.Admin);

        await UsersPage.GotoAsync(page, district.ProgramId);
        var links = page.Locator(Selectors.ExportLinks);
        await Expect(links).ToHaveCountAsync(6);
        await AssertNoSidewaysScrollAsync(page, "Users with its downloads");
        await Axe.AssertAccessibleAsync(page, "Users with its downloads");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByLabel("Student users as an Excel workbook (.xlsx)").ClickAsync());
        Assert.Equal("rostra-students.xlsx", download.SuggestedFilename);
        await using var workbook = File.OpenRead(await download.PathAsync());
        var format = Rostra.Core.Csv.CsvFile.Detect(workbook);
        Assert.True(format.IsWorkbook);
        Assert.Contains(Rostra.Core.Csv.CsvFile.ReadRecords(workbook, format), r => r.Fields[0] == "=Ana" && r.Fields[2] == $"ana.{district.Suffix}");
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task A_roster_exported_edited_and_synced_shows_each_change_in_the_plans_numbers_and_is_reverted_as_it_was(string viewport) =>
        WithPageAsync(Viewports.Named(viewport), async page =>
    {
        // Issue 9 as a district does it: 30 students; export; three grades changed, one student moved to another
        // school, two rows deleted, one added; a sync; the plan read, confirmed, seen on Users, reverted.
        var district = await Fixture.CreateDistrictAsync();
        for (var i = 1; i <= 30; i++) await Fixture.AddStudentAsync(district, $"s{i:00}.{district.Suffix}", $"Student{i}", "Lopez");
        await SignInAsync(page, district.Admin);
        var users = await UsersPage.GotoAsync(page, district.ProgramId);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByLabel("Student users as CSV").ClickAsync());
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal(31, lines.Count);
        string Of(int i) => $"s{i:00}.{district.Suffix}";
        string Edit(string line, int column, string value)
        {
            var cells = line.Split(',');
            cells[column] = value;
            return string.Join(',', cells);
        }
        int At(int i) => lines.FindIndex(l => l.Contains($",{Of(i)},", StringComparison.Ordinal));
        // Three grades, each a different change: none is picked out as the common one.
        lines[At(1)] = Edit(lines[At(1)], 4, "4");
        lines[At(2)] = Edit(lines[At(2)], 4, "2");
        lines[At(3)] = Edit(lines[At(3)], 4, "5");
        lines[At(4)] = Edit(Edit(lines[At(4)], 4, "6"), 5, district.MiddleSchool);
        lines.RemoveAt(At(29));
        lines.RemoveAt(At(30));
        lines.Add($"Zoe,Kim,zoe.{district.Suffix},Secret-Pass9!,3,{district.ElementarySchool},");

        var import = await UploadAsync(page, district, Sync, "roster.csv", string.Join("\r\n", lines) + "\r\n");

        await Expect(import.ResultsText).ToContainTextAsync("roster.csv: 1 new, 4 updated, 24 unchanged, 2 to deactivate, 0 to reactivate.");
        await Expect(import.ChangesCaption).ToHaveTextAsync("Showing 1–20 of 31");
        // Who is deactivated, in a choice of the table, counted as the summary counts.
        var show = page.GetByLabel("Show", new() { Exact = true });
        await Expect(show.Locator("option")).ToHaveTextAsync(["All (31)", "Only new (1)", "Only updated (4)", "Only unchanged (24)", "Only to deactivate (2)"]);
        await show.SelectOptionAsync("deactivate");
        await Expect(import.ChangesCaption).ToHaveTextAsync("Showing 1–2 of 2 to deactivate");
        await Expect(import.ChangeRows).ToHaveCountAsync(2);
        await Expect(import.ChangeRows.Filter(new() { HasText = Of(29) })).ToContainTextAsync("to deactivate");
        await Expect(import.ChangeRows.Filter(new() { HasText = Of(30) })).ToContainTextAsync("to deactivate");
        await show.SelectOptionAsync("update");
        var moved = import.ChangeRows.Filter(new() { HasText = Of(4) });
        await Expect(moved).ToContainTextAsync("updated");
        await Expect(moved).ToContainTextAsync($"School ID: {district.ElementarySchool} → {district.MiddleSchool}");
        // On a phone too, the action and the change are on the screen, not off to the side of the table.
        await AssertOnScreenAsync(page, moved.GetByText($"School ID: {district.ElementarySchool} → {district.MiddleSchool}"), "The change of a moved student");
        await AssertNoSidewaysScrollAsync(page, "The plan of a sync");
        await Axe.AssertAccessibleAsync(page, "the plan of a sync with its choice of changes");
        await KeepScreenshotAsync(page, "sync-plan");

        await import.ConfirmButton.ClickAsync();
        await Expect(import.SuccessTitle).ToHaveTextAsync("The changes were saved");
        await Expect(import.SuccessDialog).ToContainTextAsync("roster.csv: 1 new, 4 updated, 2 deactivated, 0 reactivated, 24 unchanged.");
        await import.CloseDialogAsync(import.SuccessDialog);
        await Expect(import.ResultsText).ToHaveTextAsync("roster.csv: 1 new, 4 updated, 2 deactivated, 0 reactivated, 24 unchanged.");

        users = await UsersPage.GotoAsync(page, district.ProgramId);
        var gone = users.Rows.Filter(new() { HasText = Of(29) });
        await Expect(gone).ToContainTextAsync("Inactive");
        await AssertOnScreenAsync(page, gone.GetByText("Inactive"), "An inactive student's status");
        await AssertNoSidewaysScrollAsync(page, "Users after a sync");
        await Expect(users.Rows.Filter(new() { HasText = $"zoe.{district.Suffix}" })).ToHaveCountAsync(1);

        var history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await Expect(history.Plan("roster.csv")).ToHaveTextAsync("1 new, 4 updated, 2 deactivated, 0 reactivated");
        await AssertNoSidewaysScrollAsync(page, "Import History after a sync");
        await history.Revert("roster.csv").ClickAsync();
        await Expect(history.RevertConfirm).ToContainTextAsync("The 1 user it created will be removed");
        await history.RevertYes.ClickAsync();
        await Expect(history.RevertDone).ToContainTextAsync("7 users put back as they were before it");

        users = await UsersPage.GotoAsync(page, district.ProgramId);
        await Expect(users.Rows.Filter(new() { HasText = $"zoe.{district.Suffix}" })).ToHaveCountAsync(0);
        await Expect(users.Rows.Filter(new() { HasText = "Inactive" })).ToHaveCountAsync(0);
        await Expect(users.Rows.Filter(new() { HasText = Of(4) })).ToContainTextAsync(district.ElementarySchool);
        await Expect(users.Rows.Filter(new() { HasText = Of(1) }).Locator("td[data-label=Grade]")).ToHaveTextAsync("3");
    });

    [Fact]
    public Task A_plan_confirmed_after_its_users_changed_in_another_tab_says_to_upload_the_same_file_again() => WithPageAsync(Viewports.Desktop, async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        await Fixture.AddStudentAsync(district, $"ana.{district.Suffix}", "Ana", "Lopez");
        await SignInAsync(page, district.Admin);
        var first = await UploadAsync(page, district, Update, "grades.csv", TestDistrict.StudentHeader + "\r\n" + Row(district, "Ana", "ana", "4"));
        await Expect(first.ResultsText).ToContainTextAsync("0 new, 1 updated");

        // Meanwhile, in another tab, another file changes Ana.
        var other = await page.Context.NewPageAsync();
        other.FileChooser += (_, _) => { };
        var second = await UploadAsync(other, district, Update, "names.csv", TestDistrict.StudentHeader + "\r\n" + Row(district, "Anna", "ana", "3"));
        await ConfirmAsync(second);
        await other.CloseAsync();

        await first.ConfirmButton.ClickAsync();

        await Expect(first.ResultsTitle).ToHaveTextAsync("Nothing was imported");
        // The file is not wrong: the same file again shows what it does now.
        await Expect(first.ResultsText).ToHaveTextAsync(
            "Some of the users in this file were changed by someone else after it was checked. Nothing was imported: upload the same file again to see what it changes now.");
        await Expect(first.ErrorRows).ToContainTextAsync([$"ana.{district.Suffix}"]);
    });

    /// <summary>Fails when <paramref name="element"/> lies outside the window's width: it would need a sideways scroll to be read.</summary>
    private static async Task AssertOnScreenAsync(IPage page, ILocator element, string what)
    {
        await element.ScrollIntoViewIfNeededAsync();
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException($"{what} is not shown.");
        var width = page.ViewportSize?.Width ?? 0;
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{what} is at {box.X}–{box.X + box.Width}px on a {width}px screen: out of sight.");
    }

    /// <summary>Presses Tab until the focus is on the element described.</summary>
    private static async Task TabToAsync(IPage page, string tag, string? text, string? id = null)
    {
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
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
