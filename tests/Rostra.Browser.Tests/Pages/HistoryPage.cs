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
}
