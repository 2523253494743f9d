using System.Text;
using Rostra.Core.Csv;
using Rostra.Core.Validation;
using Rostra.Core.Workbooks;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Corpus;

/// <summary>
/// Workbooks of the corpus, saved by LibreOffice Calc as Excel 2007-365 (.xlsx) from <c>source/students.fods</c>:
/// text and number cells, a formula, a number formatted 00000, a long number, a hidden row, a blank row, a second sheet.
/// </summary>
public sealed class CorpusWorkbookTests
{
    [Fact]
    public async Task A_workbook_imports_every_name_as_typed_with_the_sheets_row_numbers()
    {
        var bytes = CorpusFiles.Read("students.xlsx");

        var result = await Validate(UserType.Student, bytes);
        var users = await ReadUsers(UserType.Student, bytes);

        Assert.True(result.IsValid, Codes(result));
        Assert.Empty(result.Warnings);
        Assert.Equal(6, result.Rows);
        // Row 4 is hidden (still a row of the sheet, as Excel's own CSV export keeps it); row 5 is blank.
        Assert.Equal(
            [
                "2 José Núñez jose.nunez 3 1001 jose.nunez@lincoln.org",
                "3 Zoë Brontë zoe.bronte 5 1002 -",
                "4 Sofía Muñoz sofia.munoz 7 00417 -",
                "6 Nguyễn Trần 123456789012345 6 00417 -",
                "7 Lech Wałęsa lech.walesa 9 LHS lech.walesa@lincoln.org",
                "8 Šimon Žák simon.zak K 1001,1002 -",
            ],
            users.Select(u => $"{u.Row} {u.FirstName} {u.LastName} {u.Username} {u.Grade} {string.Join(',', u.SchoolIds)} {u.Email ?? "-"}"));
        Assert.Equal(new Secret.Plain("Why?Not#12"), users[0].Password);
    }

    [Fact]
    public void Cells_read_as_the_text_they_show()
    {
        using var stream = new MemoryStream(CorpusFiles.Read("students.xlsx"));
        var format = CsvFile.Detect(stream);

        var rows = CsvFile.ReadRecords(stream, format).ToDictionary(r => r.Row, r => r.Fields);

        Assert.True(format.IsWorkbook);
        Assert.Equal(["First Name", "Last Name", "Username", "Password", "Grade", "School ID", "Email"], rows[1]);
        Assert.Equal("3", rows[2][4]);                // the number 3, not 3.0
        Assert.Equal("1001", rows[2][5]);             // a number cell
        Assert.Equal("5", rows[3][4]);                // the formula =2+3 by its value
        Assert.Equal("00417", rows[4][5]);            // 417 formatted 00000
        Assert.Equal("123456789012345", rows[6][2]);  // a long number, not 1.23457E+14
        Assert.Equal("lech.walesa@lincoln.org", rows[7][6]); // a text formula by its value
        Assert.True(Array.TrueForAll(rows[5], string.IsNullOrEmpty));
    }

    [Fact]
    public async Task A_date_in_a_workbook_is_an_error_with_the_date_as_it_shows()
    {
        var result = await Validate(UserType.Student, CorpusFiles.Read("students-date.xlsx"));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Grade", IssueCodes.FieldDate, "03/04/2026");
        Assert.Equal(
            "Grade holds a date (03/04/2026), not the text typed: Excel turns values such as 3-4 or 1/2 into dates. " +
            "Format the Grade column as Text (Home > Number Format > Text), type the value again, and upload the workbook again.",
            error.Message);
        Assert.Equal(2, result.Rows);
    }

    [Theory]
    [InlineData("students.xlsm", "a macro-enabled Excel workbook (.xlsm)")]
    [InlineData("students.xls", "an Excel 97-2003 workbook (.xls)")]
    [InlineData("students.ods", "an OpenDocument spreadsheet (.ods)")]
    public async Task Workbooks_rostra_does_not_read_are_not_csv_in_words_that_say_which(string file, string kind)
    {
        var result = await Validate(UserType.Student, CorpusFiles.Read(file));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, null, null, IssueCodes.FileNotCsv);
        Assert.Equal(
            $"This file is {kind}, which Rostra does not read: it reads Excel workbooks (.xlsx) and CSV files. " +
            "In Excel choose File > Save As, pick \"Excel Workbook (*.xlsx)\" or \"CSV UTF-8 (Comma delimited) (*.csv)\", and upload the saved file.",
            error.Message);
    }

    [Fact]
    public async Task A_password_protected_workbook_is_not_csv_saying_to_remove_the_password()
    {
        // The start of a compound file as Excel writes an encrypted workbook: its package in a stream named EncryptedPackage.
        byte[] file = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[70_000], .. Encoding.Unicode.GetBytes("EncryptedPackage"), .. new byte[600]];

        var result = await Validate(UserType.Student, file);

        var error = Assert.Single(result.Errors);
        AssertIssue(error, null, null, IssueCodes.FileNotCsv);
        Assert.StartsWith("This file is a password-protected Excel workbook, which Rostra cannot open.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_that_is_no_workbook_is_not_csv()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry("students.csv").Open());
            await writer.WriteAsync(StudentHeader);
        }

        var result = await Validate(UserType.Student, zip.ToArray());

        AssertIssue(Assert.Single(result.Errors), null, null, IssueCodes.FileNotCsv);
    }

    [Fact]
    public async Task A_workbook_whose_shared_strings_unpack_past_the_bound_is_too_large_before_anything_is_unpacked()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "[Content_Types].xml", "xl/workbook.xml" }) archive.CreateEntry(name);
            await using var strings = archive.CreateEntry("xl/sharedStrings.xml", System.IO.Compression.CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i <= WorkbookFile.MaxSharedStringBytes >> 20; i++) await strings.WriteAsync(zeros);
        }

        var result = await Validate(UserType.Student, zip.ToArray(), limits: new ImportLimits(MaxFileBytes: 10L << 20));

        AssertIssue(Assert.Single(result.Errors), null, null, IssueCodes.FileTooLarge);
    }

    [Theory]
    [InlineData(1.0, "General", "1")]
    [InlineData(123456789012345.0, "General", "123456789012345")]
    [InlineData(0.5, "General", "0.5")]
    [InlineData(417.0, "00000", "00417")]
    [InlineData(1001.0, "@", "1001")]
    public void A_number_shows_as_its_format_shows_it(double number, string format, string shown)
    {
        Assert.Equal(shown, WorkbookFile.Display(number, format, []));
    }
}
