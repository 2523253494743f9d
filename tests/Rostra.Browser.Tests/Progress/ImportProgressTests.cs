using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rostra.Browser.Tests.Accessibility;
using Rostra.Browser.Tests.Pages;
using Rostra.Core;
using Rostra.Storage;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Progress;

/// <summary>
/// The progress of a long import as a secretary follows it: each step in words with its figures as they move, the
/// time left, and that the page may be left. The server's store calls wait at gates the test opens
/// (<see cref="StoreGates"/>), so each step is seen and each figure moves on any machine, whatever its speed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ImportProgressTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const int Rows = 12_000;

    /// <summary>How long work the server's workers do may take here: one lease of theirs (30 s), a retry and a margin.</summary>
    private const float AfterOneRetry = 90_000;

    [GeneratedRegex("left|Almost done")]
    private static partial Regex TimeLeft();

    [GeneratedRegex(@"^Reading the file — [\d.]+ (MB|KB) of [\d.]+ (MB|KB)$")]
    private static partial Regex ReadingFigures();

    [GeneratedRegex(@"^Checking rows — [\d,]+ of about 12,000$")]
    private static partial Regex CheckingFigures();

    [GeneratedRegex(@"^Preparing rows — [\d,]+ of 12,000$")]
    private static partial Regex PreparingFigures();

    [GeneratedRegex(@"^Protecting passwords — [\d,]+ of 12,000$")]
    private static partial Regex HashingFigures();

    [GeneratedRegex(@"^Saving users — [\d,]+ of 12,000$")]
    private static partial Regex SavingFigures();

    [GeneratedRegex(@"^about 100,000 \(cancelled after [\d,]+ checked\)$")]
    private static partial Regex CancelledRows();

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task Each_step_of_an_import_shows_in_words_with_figures_that_move(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var dashboard = await SignInAsync(page, district.Admin);
        var import = await dashboard.OpenImportUsersAsync("Reading Plus");
        await import.ChooseUserTypeAsync("Student");
        var gates = Fixture.Gates;
        // The file is read, then held before its rows are checked.
        using var reading = gates.Hold(nameof(IImportStore.SaveStepAsync), args => args[1] is ImportStepProgress { Step: ImportSteps.Checking });
        using var checking = gates.Hold(nameof(IUserLookup.FindTakenUsernamesAsync));
        using var preparing = gates.Hold(nameof(IJobStore.StageRowsAsync), args => Equals(args[1], district.Id));

        await import.UploadAsync("whole-school.csv", district.Students(Rows, "steps"));

        await Expect(import.ProgressTitle).ToHaveTextAsync("Checking your file", new() { Timeout = 30_000 });
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Read the file", new() { Timeout = 30_000 });
        await Expect(import.ProgressDetail).ToHaveTextAsync(ReadingFigures());
        await Expect(import.ProgressLeave).ToContainTextAsync("You can leave this page");
        await Axe.AssertAccessibleAsync(page, "the progress of a file being read");
        var importId = (await Fixture.Store.ListImportsAsync(district.Id, 1, default)).Single().Id;
        using var hashing = gates.Hold(nameof(IJobStore.SaveChunkHashesAsync), args => Equals(args[0], importId));
        using var saving = gates.Hold(nameof(IJobStore.WriteStagedImportAsync), args => args[0] is ImportWrite write && write.ImportId == importId);

        reading.Dispose();
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Check every row");
        await Expect(import.ProgressDetail).ToHaveTextAsync(CheckingFigures());
        await KeepScreenshotAsync(page, "import-progress-checking");
        await Axe.AssertAccessibleAsync(page, "the progress of a file being checked");
        await MovesAsync(page, checking);
        checking.Dispose();

        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Prepare the users");
        await Expect(import.ProgressDetail).ToHaveTextAsync(PreparingFigures());
        await MovesAsync(page, preparing);
        preparing.Dispose();

        await Expect(import.ConfirmButton).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await import.ConfirmButton.ClickAsync();
        await Expect(import.ProgressTitle).ToHaveTextAsync("Importing users");
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Protect the passwords");
        await Expect(import.ProgressDetail).ToHaveTextAsync(HashingFigures());
        await Expect(import.ProgressDetail).Not.ToHaveTextAsync("Protecting passwords — 0 of 12,000");
        await KeepScreenshotAsync(page, "import-progress-hashing");
        hashing.Dispose();

        // Up to a chunk lease and more: a chunk whose worker failed (a busy database on a loaded machine) is hashed again
        // by another worker once its lease lapses, which is how the engine recovers, so the wait allows for one retry.
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Save the users", new() { Timeout = AfterOneRetry });
        await Expect(import.ProgressDetail).ToHaveTextAsync(SavingFigures());
        await Expect(import.ProgressLeave).ToBeVisibleAsync();
        await Axe.AssertAccessibleAsync(page, "the progress of users being saved");
        saving.Dispose();

        await Expect(import.SuccessTitle).ToHaveTextAsync("12,000 users were successfully imported", new() { Timeout = AfterOneRetry });
    });

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public Task A_long_check_shows_the_time_left_goes_on_when_the_page_is_left_and_a_cancel_keeps_the_files_rows(string viewport) => WithPageAsync(Viewports.Named(viewport), async page =>
    {
        var district = await Fixture.CreateDistrictAsync();
        var dashboard = await SignInAsync(page, district.Admin);
        var import = await dashboard.OpenImportUsersAsync("Reading Plus");
        await import.ChooseUserTypeAsync("Student");
        using var checking = Fixture.Gates.Hold(nameof(IUserLookup.FindTakenUsernamesAsync));

        await import.UploadAsync("whole-district.csv", district.Students(100_000, "big"));

        await Expect(import.ProgressTitle).ToHaveTextAsync("Checking your file", new() { Timeout = 30_000 });
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Check every row", new() { Timeout = 30_000 });
        await Expect(import.ProgressDetail).ToContainTextAsync("of about 100,000");
        // The time left shows once the figures have moved for a while: let the check go on a batch at a time until it
        // does (each batch shows before the next goes, so the time passes with the work, not with a timer).
        for (var batch = 0; batch < 20 && !TimeLeft().IsMatch(await import.ProgressTimeLeft.TextContentAsync() ?? ""); batch++)
        {
            await MovesAsync(page, checking);
        }
        await Expect(import.ProgressTimeLeft).ToHaveTextAsync(TimeLeft());
        await Expect(import.ProgressLeave).ToContainTextAsync("You can leave this page");
        await KeepScreenshotAsync(page, "import-progress");
        await Axe.AssertAccessibleAsync(page, "the progress of a long check");

        // Leave the page: the check goes on, and the history leads back to it.
        await import.ProgressLeave.GetByRole(AriaRole.Link, new() { Name = "Import History" }).ClickAsync();
        var history = new HistoryPage(page);
        await Expect(history.Row("whole-district.csv")).ToContainTextAsync("Checking");
        await history.OpenLink("whole-district.csv").ClickAsync();
        await Expect(import.ProgressTitle).ToHaveTextAsync("Checking your file");
        await Expect(import.ProgressCurrentStep).ToHaveTextAsync("Check every row");

        await import.CancelButton.ClickAsync();
        await Expect(import.ResultsTitle).ToHaveTextAsync("Cancelled", new() { Timeout = 30_000 });
        // The history gives the file's rows (about: counted by its lines), not the rows checked before the cancel.
        history = await HistoryPage.GotoAsync(page, district.ProgramId);
        await Expect(history.RowsCell("whole-district.csv")).ToHaveTextAsync(CancelledRows());
        await Expect(history.OpenLink("whole-district.csv")).ToHaveTextAsync("See what happened");
    });

    /// <summary>Lets one held call through and waits until the step's figure on the page is higher than before.</summary>
    private static async Task MovesAsync(IPage page, StoreGates.Gate gate)
    {
        var before = await FigureAsync(page);
        gate.Let();
        await page.WaitForFunctionAsync(
            "before => { const m = /— ([\\d,]+)/.exec(document.querySelector('#progress-detail').textContent); return m && Number(m[1].replace(/,/g, '')) > before; }",
            before, new() { Timeout = 30_000 });
    }

    private static async Task<long> FigureAsync(IPage page)
    {
        var text = await page.Locator(Selectors.ProgressDetail).TextContentAsync() ?? "";
        var match = Regex.Match(text, @"— ([\d,]+)");
        Assert.True(match.Success, $"The progress says '{text}', with no figure.");
        return long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }
}
