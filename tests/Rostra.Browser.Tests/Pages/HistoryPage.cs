using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>ADMIN › IMPORT HISTORY.</summary>
internal sealed class HistoryPage(IPage page)
{
    public ILocator Rows => page.Locator(Selectors.HistoryRows);

    public static async Task<HistoryPage> GotoAsync(IPage page, string programId)
    {
        await page.GotoAsync($"/programs/{programId}/imports");
        return new HistoryPage(page);
    }

    /// <summary>The row of the import of <paramref name="fileName"/>.</summary>
    public ILocator Row(string fileName) => Rows.Filter(new LocatorFilterOptions { HasText = fileName });

    public ILocator OpenLink(string fileName) => Row(fileName).Locator(Selectors.HistoryOpenLink);

    public ILocator RowsCell(string fileName) => Row(fileName).Locator(Selectors.HistoryRowsCell);

    /// <summary>The Revert button of an import, where it may be reverted.</summary>
    public ILocator Revert(string fileName) => Row(fileName).Locator(Selectors.HistoryRevert);

    /// <summary>Why an import of the revert window cannot be reverted.</summary>
    public ILocator RevertRefusedNote(string fileName) => Row(fileName).Locator(Selectors.HistoryRevertRefusedNote);

    public ILocator Reverted(string fileName) => Row(fileName).Locator(Selectors.HistoryReverted);

    /// <summary>What a completed update or sync did: "1 new, 4 updated, 2 deactivated, 0 reactivated".</summary>
    public ILocator Plan(string fileName) => Row(fileName).Locator(Selectors.HistoryPlan);

    /// <summary>The confirmation step of a revert, and its "Yes".</summary>
    public ILocator RevertConfirm => page.Locator(Selectors.RevertConfirm);

    public ILocator RevertYes => page.Locator(Selectors.RevertYes);

    public ILocator RevertDone => page.Locator(Selectors.RevertDone);

    public ILocator RevertRefused => page.Locator(Selectors.RevertRefused);
}
