using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SheetColumn = DocumentFormat.OpenXml.Spreadsheet.Column;
using Rostra.Core.Csv;
using Rostra.Core.Workbooks;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Workbooks;

/// <summary>
/// The Excel templates, re-read cell by cell: values with Rostra's own reader, styles, panes and drop-downs with the
/// Open XML SDK (what Excel sees when it opens the file).
/// </summary>
public sealed class TemplateWorkbookTests
{
    private static async Task<byte[]> Write(UserType type, IReadOnlyList<School>? schools)
    {
        using var output = new MemoryStream();
        await TemplateWorkbook.WriteAsync(output, type, schools, CancellationToken.None);
        return output.ToArray();
    }

    [Fact]
    public async Task The_student_workbook_has_the_template_header_bold_and_frozen_and_reads_as_the_template()
    {
        var bytes = await Write(UserType.Student, Schools.Where(s => s.DistrictId == "lincoln-usd").ToList());

        using var stream = new MemoryStream(bytes);
        var format = CsvFile.Detect(stream);
        var header = Assert.Single(CsvFile.ReadRecords(stream, format));
        Assert.Equal(StudentHeader.Split(','), header.Fields);
        Assert.Equal(1, header.Row);

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var (sheet, stylesheet) = Sheet(document, "Students");
        var pane = sheet.Descendants<Pane>().Single();
        Assert.Equal((1.0, PaneStateValues.Frozen, "A2"), (pane.VerticalSplit!.Value, pane.State!.Value, pane.TopLeftCell!.Value));
        var headerCells = sheet.Descendants<Row>().Single(r => r.RowIndex! == 1).Elements<Cell>().ToList();
        Assert.Equal(7, headerCells.Count);
        Assert.All(headerCells, c => Assert.True(Font(stylesheet, c.StyleIndex?.Value).Bold is not null, $"{c.CellReference} is bold"));
    }

    [Theory]
    [InlineData(UserType.Student, "C,D,F,G")]
    [InlineData(UserType.Teacher, "C,D,E,F")]
    [InlineData(UserType.SchoolAdmin, "C,D,E,F")]
    public async Task Username_password_school_id_and_email_columns_are_formatted_as_text(UserType type, string textColumns)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(await Write(type, null)), false);
        var (sheet, stylesheet) = Sheet(document, TemplateWorkbook.SheetName(type));

        var text = sheet.Descendants<SheetColumn>()
            .Where(c => c.Style is not null && NumberFormatId(stylesheet, c.Style.Value) == 49)
            .SelectMany(c => Enumerable.Range((int)c.Min!.Value, (int)(c.Max!.Value - c.Min.Value + 1)))
            .Select(TemplateWorkbook.ColumnLetter);
        Assert.Equal(textColumns.Split(','), text);
    }

    [Fact]
    public async Task Grade_is_a_drop_down_of_the_grades_in_order()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(await Write(UserType.Student, null)), false);
        var (sheet, _) = Sheet(document, "Students");

        var validation = sheet.Descendants<DataValidation>().Single();
        Assert.Equal(DataValidationValues.List, validation.Type!.Value);
        Assert.Equal("E2:E1048576", validation.SequenceOfReferences!.InnerText);
        Assert.Equal("\"PK,TK,K,1,2,3,4,5,6,7,8,9,10,11,12,13\"", validation.Formula1!.Text);
        Assert.Equal(DataValidationErrorStyleValues.Warning, validation.ErrorStyle!.Value);
        Assert.Equal(["Students"], document.WorkbookPart!.Workbook.Descendants<Sheet>().Select(s => s.Name!.Value));
    }

    [Fact]
    public async Task Teacher_role_is_a_drop_down_of_y_and_n_and_teachers_have_no_drop_down()
    {
        using var admin = SpreadsheetDocument.Open(new MemoryStream(await Write(UserType.SchoolAdmin, null)), false);
        using var teacher = SpreadsheetDocument.Open(new MemoryStream(await Write(UserType.Teacher, null)), false);

        var validation = Sheet(admin, "School Admins").Sheet.Descendants<DataValidation>().Single();
        Assert.Equal("G2:G1048576", validation.SequenceOfReferences!.InnerText);
        Assert.Equal("\"Y,N\"", validation.Formula1!.Text);
        Assert.Empty(Sheet(teacher, "Teachers").Sheet.Descendants<DataValidation>());
    }

    [Fact]
    public async Task A_districts_workbook_lists_its_schools_with_their_grades_on_a_second_sheet_ids_as_text()
    {
        var lincoln = Schools.Where(s => s.DistrictId == "lincoln-usd").ToList();
        using var document = SpreadsheetDocument.Open(new MemoryStream(await Write(UserType.Teacher, lincoln)), false);

        Assert.Equal(["Teachers", "Schools"], document.WorkbookPart!.Workbook.Descendants<Sheet>().Select(s => s.Name!.Value));
        var (sheet, stylesheet) = Sheet(document, "Schools");
        var rows = sheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(CellText).ToList()).ToList();
        Assert.Equal(
            [
                ["School ID", "Name", "Grades"],
                ["00417", "Roosevelt Middle", "6-8"],
                ["1001", "Lincoln Elementary", "K-5"],
                ["1002", "Washington Elementary", "PK-5"],
                ["LHS", "Lincoln High", "9-12"],
            ],
            rows);
        var id = sheet.Descendants<Row>().ElementAt(1).Elements<Cell>().First();
        Assert.Equal(49u, NumberFormatId(stylesheet, id.StyleIndex?.Value));
        Assert.NotEqual(CellValues.Number, id.DataType?.Value);
    }

    private static (Worksheet Sheet, Stylesheet Styles) Sheet(SpreadsheetDocument document, string name)
    {
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Descendants<Sheet>().Single(s => s.Name == name);
        return (((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet, workbook.WorkbookStylesPart!.Stylesheet);
    }

    private static CellFormat Format(Stylesheet styles, uint? index) => styles.CellFormats!.Elements<CellFormat>().ElementAt((int)(index ?? 0));

    private static uint NumberFormatId(Stylesheet styles, uint? index) => Format(styles, index).NumberFormatId?.Value ?? 0;

    private static Font Font(Stylesheet styles, uint? index) => styles.Fonts!.Elements<Font>().ElementAt((int)(Format(styles, index).FontId?.Value ?? 0));

    private static string CellText(Cell cell) => cell.DataType?.Value == CellValues.InlineString ? cell.InlineString!.InnerText : cell.CellValue?.Text ?? "";
}
