using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Rostra.Tests.Web;

namespace Rostra.Tests.Roster;

/// <summary>
/// The round-trip export as an Excel workbook (<c>GET /api/users/export?format=xlsx</c>): read back cell by cell, every
/// value a text cell as the user holds it, and uploaded again unchanged it plans no change in update or sync.
/// </summary>
public sealed class RosterWorkbookExportTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task The_workbook_export_reads_back_cell_by_cell_and_uploaded_unchanged_plans_zero_changes()
    {
        var d = await Web.CreateDistrictAsync();
        using var client = Web.Client(d.AdminToken);
        var csv = TestDistrict.StudentHeader + "\r\n" +
            $"=Ann,Lee,x1.{d.Suffix},Secret-Pass1!,K,{d.ElementarySchool},ann.{d.Suffix}@example.org\r\n" +
            $"Bo,\"-Li, Jr\",x2.{d.Suffix},Secret-Pass2!,3,{d.ElementarySchool},\r\n" +
            $"Zoë,O'Brien,x3.{d.Suffix},Secret-Pass3!,05,{d.ElementarySchool},\r\n";
        var created = await WebApp.UploadAndWaitAsync(client, "student", csv);
        using (var confirm = await client.PostAsync($"/api/imports/{created.GetProperty("id").GetGuid()}/confirm", null))
            Assert.Equal(HttpStatusCode.Accepted, confirm.StatusCode);
        Assert.Equal("completed", (await WebApp.WaitAsync(client, created.GetProperty("id").GetGuid())).GetProperty("status").GetString());

        using var response = await client.GetAsync("/api/users/export?type=student&format=xlsx");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rostra-students.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using (var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false))
        {
            var sheet = document.WorkbookPart!.Workbook.Descendants<Sheet>().Single();
            Assert.Equal("Students", sheet.Name?.Value);
            var part = document.WorkbookPart.WorksheetParts.Single();
            Assert.Empty(part.Worksheet.Descendants<CellFormula>());
            var rows = part.Worksheet.Descendants<Row>().ToList();
            Assert.All(rows.SelectMany(r => r.Elements<Cell>()), c => Assert.True(
                c.DataType?.Value == CellValues.InlineString || c.DataType?.Value == CellValues.SharedString || c.DataType?.Value == CellValues.String,
                $"{c.CellReference} is not text."));
            Assert.Equal(4, rows.Count);
            Assert.Equal(TestDistrict.StudentHeader.Split(','), Texts(document, rows[0]));
            Assert.Equal(["=Ann", "Lee", $"x1.{d.Suffix}", "", "K", d.ElementarySchool, $"ann.{d.Suffix}@example.org"], Texts(document, rows[1]));
            Assert.Equal(["Bo", "-Li, Jr", $"x2.{d.Suffix}", "", "3", d.ElementarySchool, ""], Texts(document, rows[2]));
            Assert.Equal(["Zoë", "O'Brien", $"x3.{d.Suffix}", "", "5", d.ElementarySchool, ""], Texts(document, rows[3]));
        }

        foreach (var mode in new[] { "update", "sync" })
        {
            var form = WebApp.ImportForm("student", bytes, "rostra-students.xlsx");
            form.Add(new StringContent(mode), "mode");
            using var upload = await client.PostAsync("/api/imports", form);
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            var import = await WebApp.WaitAsync(client, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            Assert.Equal("valid", import.GetProperty("status").GetString());
            var plan = import.GetProperty("plan");
            Assert.Equal((0, 0, 3, 0, 0), (plan.GetProperty("create").GetInt32(), plan.GetProperty("update").GetInt32(), plan.GetProperty("unchanged").GetInt32(),
                plan.GetProperty("deactivate").GetInt32(), plan.GetProperty("reactivate").GetInt32()));
        }
        using var bad = await client.GetAsync("/api/users/export?type=student&format=ods");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    /// <summary>The texts of a row's cells, in column order, blanks where a cell is missing.</summary>
    internal static string[] Texts(SpreadsheetDocument document, Row row)
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
        while (texts.Count < 7) texts.Add("");
        return [.. texts];
    }

    private static int? ColumnIndex(string? reference)
    {
        if (reference is null) return null;
        var n = 0;
        foreach (var ch in reference.TakeWhile(char.IsLetter)) n = n * 26 + (ch - 'A' + 1);
        return n - 1;
    }
}
