using System.IO.Compression;
using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Rostra.Tests.Web;

namespace Rostra.Tests.ImportErrors;

/// <summary>The error report as a workbook (SPEC §11), re-read cell by cell with the Open XML SDK.</summary>
public sealed class ErrorWorkbookTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string Sentinel = "Sentinel-Pw-7!";

    private WebApp Web => fixture.Web;

    [Fact]
    public async Task The_workbook_has_the_rows_with_errors_wrong_cells_noted_passwords_blank_and_text_only()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var s = district.Suffix;
        var csv = "Username,First Name,Last Name,Password,Grade,School ID,Email\r\n" +
            $"ok.{s},Ana,Lopez,{Sentinel},3,{district.ElementarySchool},\r\n" +
            $"eve.{s},=1+2,Smith,short,Z,00417,\r\n" +
            $"bo.{s},Bo,Ng,Jr,{Sentinel},3,{district.ElementarySchool},\r\n";

        var import = await WebApp.UploadAndWaitAsync(client, "student", csv, "class.csv");
        using var response = await client.GetAsync($"/api/imports/{import.GetProperty("id").GetGuid()}/errors.xlsx");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("class-errors.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.DoesNotContain(Sentinel, AllText(bytes), StringComparison.Ordinal);

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var part = document.WorkbookPart!.WorksheetParts.Single();
        var rows = part.Worksheet.Descendants<Row>().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Empty(part.Worksheet.Descendants<CellFormula>());
        Assert.All(rows.SelectMany(r => r.Elements<Cell>()), c => Assert.True(c.DataType?.Value == CellValues.InlineString || c.DataType?.Value == CellValues.SharedString || c.DataType?.Value == CellValues.String,
            $"{c.CellReference} is not text."));
        Assert.Equal(["Username", "First Name", "Last Name", "Password", "Grade", "School ID", "Email", "Row", "Errors"], Texts(document, rows[0]));

        var eve = Texts(document, rows[1]);
        Assert.Equal([$"eve.{s}", "=1+2", "Smith", "", "Z", "00417", "", "3"], eve[..8]);
        Assert.Contains("Grade: ", eve[8], StringComparison.Ordinal);
        var notes = Notes(part);
        Assert.Equal(["D2", "E2", "F2"], notes.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Grade must be", notes["E2"], StringComparison.Ordinal);
        Assert.Contains("00417", notes["F2"], StringComparison.Ordinal);
        Assert.Contains("password", notes["D2"], StringComparison.OrdinalIgnoreCase);
        var fills = rows[1].Elements<Cell>().Select(c => FillRgb(document, c)).ToList();
        Assert.Equal([null, null, null, "FFFFC7CE", "FFFFC7CE", "FFFFC7CE", null, null, null], fills);

        // A row that does not line up shows no cell: blank, its row, the reason.
        var bo = Texts(document, rows[2]);
        Assert.Equal(["", "", "", "", "", "", "", "4"], bo[..8]);
        Assert.Contains("not shown", bo[8], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_import_has_no_workbook_report()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var import = await WebApp.UploadAndWaitAsync(client, "student", district.Students(1));

        using var response = await client.GetAsync($"/api/imports/{import.GetProperty("id").GetGuid()}/errors.xlsx");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The text of every part of the workbook (a .xlsx is a zip of XML files).</summary>
    private static string AllText(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes));
        return string.Join("\n", zip.Entries.Select(e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        }));
    }

    /// <summary>The texts of a row's cells, in column order, blanks where a cell is missing.</summary>
    private static string[] Texts(SpreadsheetDocument document, Row row)
    {
        var shared = document.WorkbookPart!.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList();
        var texts = new List<string>();
        foreach (var cell in row.Elements<Cell>())
        {
            var column = ColumnIndex(cell.CellReference?.Value) ?? texts.Count;
            while (texts.Count < column) texts.Add("");
            texts.Add(cell.DataType?.Value == CellValues.SharedString ? shared![int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)]
                : cell.DataType?.Value == CellValues.InlineString ? cell.InlineString?.InnerText ?? ""
                : cell.CellValue?.Text ?? "");
        }
        return [.. texts];
    }

    private static int? ColumnIndex(string? reference)
    {
        if (reference is null) return null;
        var n = 0;
        foreach (var ch in reference.TakeWhile(char.IsLetter)) n = n * 26 + (ch - 'A' + 1);
        return n - 1;
    }

    private static Dictionary<string, string> Notes(WorksheetPart part) =>
        part.WorksheetCommentsPart?.Comments.CommentList?.Elements<Comment>().ToDictionary(c => c.Reference!.Value!, c => c.CommentText!.InnerText)
        ?? [];

    private static string? FillRgb(SpreadsheetDocument document, Cell cell)
    {
        if (cell.StyleIndex is null) return null;
        var styles = document.WorkbookPart!.WorkbookStylesPart!.Stylesheet;
        var format = styles.CellFormats!.Elements<CellFormat>().ElementAt((int)cell.StyleIndex.Value);
        var fill = styles.Fills!.Elements<Fill>().ElementAt((int)(format.FillId?.Value ?? 0));
        return fill.PatternFill?.ForegroundColor?.Rgb?.Value;
    }
}
