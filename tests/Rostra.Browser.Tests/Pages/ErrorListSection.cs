using System.IO.Compression;
using System.Text;
using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>The error list of the Import Users page: kinds of errors, filters, pages, the two report downloads.</summary>
internal sealed class ErrorListSection(IPage page)
{
    public ILocator Kinds => page.Locator("#error-kinds .error-kind");
    public ILocator KindSelect => page.Locator("#errors-kind");
    public ILocator ColumnSelect => page.Locator("#errors-column");
    public ILocator Summary => page.Locator("#errors-summary");
    public ILocator Rows => page.Locator("#errors tbody tr");
    public ILocator PageInput => page.Locator("#errors-page");
    public ILocator Pages => page.Locator("#errors-pages");
    public ILocator CsvReport => page.Locator("#error-report");
    public ILocator WorkbookReport => page.Locator("#error-report-xlsx");
    public ILocator DownloadProblem => page.Locator("#download-problem");

    public ILocator Kind(string text) => Kinds.Filter(new() { HasText = text });

    /// <summary>The row numbers of the errors on the page shown.</summary>
    public async Task<IReadOnlyList<string>> RowNumbersAsync() =>
        [.. (await Rows.Locator("td:first-child").AllInnerTextsAsync()).Select(t => t.Trim())];

    /// <summary>Downloads a report by its link and returns the saved file's bytes and name.</summary>
    public async Task<(string FileName, byte[] Bytes)> DownloadAsync(ILocator link)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        return (download.SuggestedFilename, await File.ReadAllBytesAsync(await download.PathAsync()));
    }

    /// <summary>The lines of a CSV report (BOM removed, no blank last line).</summary>
    public static string[] CsvLines(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>How many rows the first sheet of a workbook has, read from its XML.</summary>
    public static int WorkbookRows(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes));
        using var reader = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var xml = reader.ReadToEnd();
        var count = 0;
        for (var at = xml.IndexOf("<row ", StringComparison.Ordinal); at >= 0; at = xml.IndexOf("<row ", at + 5, StringComparison.Ordinal)) count++;
        return count;
    }
}
