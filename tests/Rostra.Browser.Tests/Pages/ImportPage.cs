using System.Text;
using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Pages;

/// <summary>ADMIN › IMPORT USERS.</summary>
internal sealed class ImportPage(IPage page)
{
    public ILocator UserType => page.Locator(Selectors.UserType);
    public ILocator UploadButton => page.Locator(Selectors.UploadButton);
    public ILocator DropZone => page.Locator(Selectors.DropZone);
    public ILocator TemplateLinks => page.Locator(Selectors.TemplateLinks);
    public ILocator TemplateWorkbookLinks => page.Locator(Selectors.TemplateWorkbookLinks);
    public ILocator RosterSyncedNotice => page.Locator(Selectors.RosterSyncedNotice);
    public ILocator WrongTemplateDialog => page.Locator(Selectors.WrongTemplateDialog);
    public ILocator ProgressDialog => page.Locator(Selectors.ProgressDialog);
    public ILocator ProgressTitle => page.Locator(Selectors.ProgressTitle);
    public ILocator ProgressPercent => page.Locator(Selectors.ProgressPercent);
    public ILocator ProgressDetail => page.Locator(Selectors.ProgressDetail);
    public ILocator ProgressCurrentStep => page.Locator(Selectors.ProgressCurrentStep);
    public ILocator ProgressTimeLeft => page.Locator(Selectors.ProgressTimeLeft);
    public ILocator ProgressLeave => page.Locator(Selectors.ProgressLeave);
    public ILocator CancelButton => page.Locator(Selectors.CancelButton);
    public ILocator Results => page.Locator(Selectors.Results);
    public ILocator ResultsTitle => page.Locator(Selectors.ResultsTitle);
    public ILocator ResultsText => page.Locator(Selectors.ResultsText);
    public ILocator ErrorRows => page.Locator(Selectors.ErrorRows);
    public ILocator ErrorList => page.Locator(Selectors.ErrorList);
    public ILocator ErrorReport => page.Locator(Selectors.ErrorReport);
    public ILocator ConfirmButton => page.Locator(Selectors.ConfirmButton);
    public ILocator ErrorsSummary => page.Locator(Selectors.ErrorsSummary);
    public ILocator ErrorPager => page.Locator(Selectors.ErrorPager);
    public ILocator ErrorsNext => page.Locator(Selectors.ErrorsNext);
    public ILocator Warnings => page.Locator(Selectors.Warnings);
    public ILocator SuccessDialog => page.Locator(Selectors.SuccessDialog);
    public ILocator SuccessTitle => page.Locator(Selectors.SuccessTitle);

    public ILocator ChangeRows => page.Locator(Selectors.ChangeRows);
    public ILocator ChangesCaption => page.Locator(Selectors.ChangesCaption);
    public ILocator AllowDeactivations => page.Locator(Selectors.AllowDeactivations);

    /// <summary>The radio button of what the file does, by its label ("Add new and update existing users").</summary>
    public ILocator Mode(string label) => page.GetByLabel(label, new() { Exact = true });

    public static async Task<ImportPage> GotoAsync(IPage page, string programId)
    {
        await page.GotoAsync($"/programs/{programId}/import");
        return new ImportPage(page);
    }

    public Task ChooseUserTypeAsync(string label) => UserType.SelectOptionAsync(new SelectOptionValue { Label = label });

    /// <summary>UPLOAD, then pick the file in the file chooser.</summary>
    public async Task UploadAsync(string fileName, string content)
    {
        var chooser = await page.RunAndWaitForFileChooserAsync(() => UploadButton.ClickAsync());
        await chooser.SetFilesAsync(File(fileName, content));
    }

    /// <summary>UPLOAD, then pick a file of exactly these bytes (e.g. Windows-1252, as Excel's plain CSV writes).</summary>
    public async Task UploadAsync(string fileName, byte[] bytes)
    {
        var chooser = await page.RunAndWaitForFileChooserAsync(() => UploadButton.ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = fileName, MimeType = "text/csv", Buffer = bytes });
    }

    /// <summary>Drops a file on the drop zone, as dragging it from the desktop does.</summary>
    public Task DropAsync(string fileName, string content) =>
        DropZone.EvaluateAsync(
            """
            (zone, [name, text]) => {
              const data = new DataTransfer();
              data.items.add(new File([text], name, { type: 'text/csv' }));
              for (const type of ['dragenter', 'dragover', 'drop']) {
                zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
              }
            }
            """,
            new[] { fileName, content });

    public Task CloseDialogAsync(ILocator dialog) => dialog.Locator(Selectors.DialogOk).ClickAsync();

    /// <summary>The first cell (the row number) of every error shown.</summary>
    public ILocator ErrorRowNumbers => ErrorRows.Locator("td:first-child");

    /// <summary>
    /// The validation list as (row, column, value, message), read once it shows <paramref name="count"/> errors: the title
    /// shows as soon as validation ends, and the page of errors arrives a moment later.
    /// </summary>
    public async Task<IReadOnlyList<(string Row, string Column, string Value, string Message)>> ErrorsAsync(int count)
    {
        await Assertions.Expect(ErrorRows).ToHaveCountAsync(count);
        var rows = new List<(string, string, string, string)>();
        foreach (var row in await ErrorRows.AllAsync())
        {
            var cells = await row.Locator("td").AllInnerTextsAsync();
            rows.Add((cells[0].Trim(), cells[1].Trim(), cells[2].Trim(), cells[3].Trim()));
        }
        return rows;
    }

    /// <summary>Downloads the error report and returns its text (BOM removed).</summary>
    public async Task<(string FileName, string Text)> DownloadErrorReportAsync()
    {
        var download = await page.RunAndWaitForDownloadAsync(() => ErrorReport.ClickAsync());
        var path = await download.PathAsync();
        var text = await System.IO.File.ReadAllTextAsync(path, Encoding.UTF8);
        return (download.SuggestedFilename, text.TrimStart('\uFEFF'));
    }

    /// <summary>Downloads the Excel template of a user type (its slug) and returns its file name and bytes.</summary>
    public async Task<(string FileName, byte[] Bytes)> DownloadTemplateWorkbookAsync(string type)
    {
        var link = page.Locator($"{Selectors.TemplateWorkbookLinks}[data-template-xlsx='{type}']");
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        return (download.SuggestedFilename, await System.IO.File.ReadAllBytesAsync(await download.PathAsync()));
    }

    /// <summary>UPLOAD, then pick an Excel workbook of these bytes.</summary>
    public async Task UploadWorkbookAsync(string fileName, byte[] bytes)
    {
        var chooser = await page.RunAndWaitForFileChooserAsync(() => UploadButton.ClickAsync());
        await chooser.SetFilesAsync(new FilePayload
        {
            Name = fileName,
            MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Buffer = bytes,
        });
    }

    public static FilePayload File(string fileName, string content) =>
        new() { Name = fileName, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(content) };
}
