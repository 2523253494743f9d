using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Rostra.Core.Csv;
using Rostra.Core.Workbooks;
using Rostra.TestSupport;

namespace Rostra.Tests.Web;

/// <summary>Workbooks through the API (SPEC §11): an .xlsx upload is read like a CSV; the template comes as .xlsx.</summary>
public sealed class WorkbookApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp Web => fixture.Web;

    [Fact]
    public async Task An_xlsx_upload_with_number_cells_becomes_valid_and_imports()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var workbook = await TestWorkbook.FromCsvAsync(district.Students(3));

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", workbook, "class-3a.xlsx"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var import = await WebApp.WaitAsync(client, id);
        Assert.Equal("valid", import.GetProperty("status").GetString());
        Assert.Equal(3, import.GetProperty("rows").GetInt32());
        Assert.Equal("class-3a.xlsx", import.GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task An_xlsx_with_errors_reports_them_on_the_sheets_rows()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);
        var workbook = await TestWorkbook.FromCsvAsync(
            TestDistrict.StudentHeader + "\r\n\r\n" + $"Ann,Lee,ann.{district.Suffix},Secret-Pass1!,14,{district.ElementarySchool},\r\n");

        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", workbook, "class.xlsx"));

        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var import = await WebApp.WaitAsync(client, id);
        Assert.Equal("invalid", import.GetProperty("status").GetString());
        var errors = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors");
        var error = Assert.Single(errors.GetProperty("items").EnumerateArray());
        Assert.Equal((3, "Grade", "grade.invalid", "14"),
            (error.GetProperty("row").GetInt32(), error.GetProperty("column").GetString(), error.GetProperty("code").GetString(), error.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task The_xlsx_template_is_a_workbook_with_the_template_header_and_the_districts_schools()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        using var response = await client.GetAsync("/api/templates/teacher?format=xlsx");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TemplateWorkbook.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rostra-teacher-template.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        using var workbook = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var format = CsvFile.Detect(workbook);
        Assert.Equal(TestDistrict.TeacherHeader.Split(','), Assert.Single(CsvFile.ReadRecords(workbook, format)).Fields);
        using var zip = new System.IO.Compression.ZipArchive(workbook);
        using var schools = new StreamReader(zip.GetEntry("xl/worksheets/sheet2.xml")!.Open());
        Assert.Contains($">{district.ElementarySchool}<", await schools.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_xlsx_template_is_sent_as_it_is_written_and_reads_back_cell_by_cell()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        using var response = await client.GetAsync("/api/templates/student?format=xlsx", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Streamed: sent in chunks as it is written, so no length is known up front.
        Assert.Null(response.Content.Headers.ContentLength);
        using var document = SpreadsheetDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), false);
        var sheets = Sheets(document);
        Assert.Equal(["Students", "Schools"], sheets.Select(s => s.Name));
        Assert.Equal([TestDistrict.StudentHeader.Split(',')], sheets[0].Rows);
        Assert.Equal(
            [
                ["School ID", "Name", "Grades"],
                [district.ElementarySchool, "Lincoln Elementary", "K-5"],
                [district.MiddleSchool, "Oak Middle", "6-8"],
            ],
            sheets[1].Rows);
        var grade = Sheet(document, "Students").Descendants<DataValidation>().Single();
        Assert.Equal("\"PK,TK,K,1,2,3,4,5,6,7,8,9,10,11,12,13\"", grade.Formula1!.Text);
    }

    /// <summary>Every sheet of a workbook, each cell by its text, row by row, as the Open XML SDK reads it.</summary>
    private static List<(string Name, List<string[]> Rows)> Sheets(SpreadsheetDocument document) =>
        [.. document.WorkbookPart!.Workbook.Descendants<Sheet>().Select(s => (s.Name!.Value!,
            Sheet(document, s.Name!.Value!).Descendants<Row>().Select(r => r.Elements<Cell>().Select(CellText).ToArray()).ToList()))];

    private static Worksheet Sheet(SpreadsheetDocument document, string name)
    {
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Descendants<Sheet>().Single(s => s.Name == name);
        return ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet;
    }

    private static string CellText(Cell cell) => cell.DataType?.Value switch
    {
        var t when t == CellValues.InlineString => cell.InlineString!.InnerText,
        var t when t == CellValues.SharedString => throw new InvalidOperationException("The template writes inline strings."),
        _ => cell.CellValue?.Text ?? "",
    };

    [Fact]
    public async Task A_template_format_other_than_csv_or_xlsx_is_a_400()
    {
        var district = await Web.CreateDistrictAsync();
        using var client = Web.Client(district.AdminToken);

        using var response = await client.GetAsync("/api/templates/student?format=ods");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("format.invalid", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
