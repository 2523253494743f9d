using System.Text;
using Rostra.Core.Csv;
using Rostra.Core;
using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Validation;

/// <summary>Whole files (SPEC.md §3–§4): every error at once and in order, limits, encodings, delimiters, row numbers.</summary>
public sealed class FileValidatorTests
{
    // All errors at once, in order.

    [Fact]
    public async Task Reports_every_error_of_the_file_at_once()
    {
        var result = await Validate(UserType.Student, StudentHeader,
            Student(),
            Student(username: "bo.li", email: "bo@lincoln.org", grade: "14"),
            Student(username: "ann.lee", email: "cy@lincoln.org"),
            Student(username: "di.ox", email: "di@lincoln.org", school: "9999", password: "short"),
            "too,few");

        Assert.Equal(
            [
                "3:Grade:grade.invalid",
                "4:Username:username.duplicate",
                "5:Password:password.too_short", "5:Password:password.complexity", "5:School ID:school.unknown",
                "6::row.field_count",
            ],
            result.Errors.Select(e => $"{e.Row}:{e.Column}:{e.Code}"));
        Assert.Equal(5, result.Rows);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Sorts_errors_by_row_then_by_template_column_including_platform_lookups()
    {
        // username.taken and email.taken are found after the row's other checks, in a batch look-up;
        // they must still sit in their column's place.
        var users = new TakenUsers(usernames: ["ann.lee", "bo.li"], emails: ["ann@lincoln.org"]);
        var file = CsvBytes(StudentHeader,
            Student(school: "9999"),
            Student(username: "bo.li", email: "bo@lincoln.org", grade: "X"));

        var result = await Validate(UserType.Student, file, users: users);

        Assert.Equal(
            ["2:Username:username.taken", "2:School ID:school.unknown", "2:Email:email.taken", "3:Username:username.taken", "3:Grade:grade.invalid"],
            result.Errors.Select(e => $"{e.Row}:{e.Column}:{e.Code}"));
    }

    [Fact]
    public async Task Sorts_a_school_admins_errors_in_its_template_order()
    {
        var result = await Validate(UserType.SchoolAdmin, SchoolAdminHeader,
            SchoolAdmin(first: "", school: "9999", email: "bad", teacherRole: "maybe"));

        Assert.Equal(["First Name", "Email", "School ID", "Teacher Role"], result.Errors.Select(e => e.Column));
    }

    // District and limits.

    [Theory]
    [InlineData("clever", "Clever")]
    [InlineData("classlink", "ClassLink")]
    [InlineData("oneroster", "OneRoster")]
    public async Task Refuses_any_file_for_a_roster_synced_district(string rosterSync, string name)
    {
        var district = new District("lincoln-usd", "Lincoln USD", RosterSync: rosterSync);

        var valid = await Validate(UserType.Student, CsvBytes(StudentHeader, Student()), district);
        var empty = await Validate(UserType.Student, [], district);

        var error = Assert.Single(valid.Errors);
        AssertIssue(error, null, null, IssueCodes.DistrictRosterSynced);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        AssertIssue(Assert.Single(empty.Errors), null, null, IssueCodes.DistrictRosterSynced);
    }

    [Fact]
    public async Task Refuses_a_file_over_the_size_limit_and_accepts_one_at_it()
    {
        var file = CsvBytes(StudentHeader, Student());

        var over = await Validate(UserType.Student, file, limits: new ImportLimits(MaxFileBytes: file.Length - 1));
        var at = await Validate(UserType.Student, file, limits: new ImportLimits(MaxFileBytes: file.Length));

        var error = Assert.Single(over.Errors);
        AssertIssue(error, null, null, IssueCodes.FileTooLarge);
        Assert.Contains("Split it", error.Message, StringComparison.Ordinal);
        Assert.True(at.IsValid, Codes(at));
    }

    [Fact]
    public async Task Refuses_a_file_over_the_row_limit_and_does_not_count_blank_rows()
    {
        var lines = new[]
        {
            StudentHeader, Student(), ",,,,,,", Student(username: "bo.li", email: "bo@lincoln.org"), ",,,,,,",
        };

        var over = await Validate(UserType.Student, CsvBytes(lines), limits: new ImportLimits(MaxRows: 1));
        var at = await Validate(UserType.Student, CsvBytes(lines), limits: new ImportLimits(MaxRows: 2));

        var error = Assert.Single(over.Errors);
        AssertIssue(error, null, null, IssueCodes.FileTooManyRows);
        Assert.Contains("more than 1 rows", error.Message, StringComparison.Ordinal);
        Assert.True(at.IsValid, Codes(at));
        Assert.Equal(2, at.Rows);
    }

    // Empty and non-text files.

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { (byte)'\r', (byte)'\n' })]
    [InlineData(new byte[] { (byte)',', (byte)',', (byte)'\r', (byte)'\n' })]
    public async Task Reports_a_file_without_bytes_or_header_as_empty(byte[] file)
    {
        var result = await Validate(UserType.Student, file);

        var error = Assert.Single(result.Errors);
        AssertIssue(error, null, null, IssueCodes.FileEmpty);
        Assert.Contains("template", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_header_with_only_blank_rows_as_having_no_rows()
    {
        var result = await Validate(UserType.Student, StudentHeader, ",,,,,,", "", " , ,,,,,");

        AssertIssue(Assert.Single(result.Errors), null, null, IssueCodes.FileNoRows);
        Assert.Equal(0, result.Rows);
    }

    [Fact]
    public async Task Reports_an_xlsx_workbook_as_not_csv_and_says_how_to_save_as_csv()
    {
        byte[] xlsx = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00];

        var result = await Validate(UserType.Student, xlsx);

        var error = Assert.Single(result.Errors);
        AssertIssue(error, null, null, IssueCodes.FileNotCsv);
        Assert.Contains(".xlsx", error.Message, StringComparison.Ordinal);
        Assert.Contains("Save As", error.Message, StringComparison.Ordinal);
        Assert.Contains("CSV UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_an_xls_workbook_as_not_csv()
    {
        byte[] xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00, 0x00];

        var result = await Validate(UserType.Student, xls);

        var error = Assert.Single(result.Errors);
        AssertIssue(error, null, null, IssueCodes.FileNotCsv);
        Assert.Contains(".xls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_file_with_nul_bytes_as_not_csv_even_far_into_it()
    {
        var text = CsvBytes([StudentHeader, .. Enumerable.Range(0, 2000).Select(i => Student(username: $"user{i}", email: ""))]);
        Assert.True(text.Length > 70_000);
        var nulAtEnd = text.Append((byte)0).ToArray();
        var nulAtStart = new byte[] { (byte)'a', 0, (byte)'b' };

        var end = await Validate(UserType.Student, nulAtEnd);
        var start = await Validate(UserType.Student, nulAtStart);

        AssertIssue(Assert.Single(end.Errors), null, null, IssueCodes.FileNotCsv);
        AssertIssue(Assert.Single(start.Errors), null, null, IssueCodes.FileNotCsv);
    }

    [Fact]
    public async Task Reports_a_utf16_file_without_bom_as_not_csv()
    {
        var result = await Validate(UserType.Student, Encoding.Unicode.GetBytes(StudentHeader + "\r\n" + Student() + "\r\n"));

        AssertIssue(Assert.Single(result.Errors), null, null, IssueCodes.FileNotCsv);
    }

    // Encodings.

    [Fact]
    public async Task Reads_windows_1252_bytes_with_a_warning_and_the_accents_right()
    {
        var text = StudentHeader + "\r\n" + Student(first: "Renée", last: "Müller-Ñúñez") + "\r\n";
        var file = CsvFile.Windows1252.GetBytes(text);
        Assert.Contains((byte)0xE9, file);

        var result = await Validate(UserType.Student, file);
        var user = Assert.Single(await ReadUsers(UserType.Student, file));

        Assert.True(result.IsValid, Codes(result));
        var warning = Assert.Single(result.Warnings);
        AssertIssue(warning, null, null, IssueCodes.FileEncodingFallback, "windows-1252");
        Assert.Contains("CSV UTF-8", warning.Message, StringComparison.Ordinal);
        Assert.Equal("Renée", user.FirstName);
        Assert.Equal("Müller-Ñúñez", user.LastName);
    }

    [Fact]
    public async Task Reads_windows_1252_when_the_only_accent_is_past_the_first_chunk()
    {
        var lines = Enumerable.Range(0, 3000).Select(i => Student(username: $"user{i}", email: "")).ToList();
        lines.Add(Student(first: "José", username: "jose", email: ""));
        var file = CsvFile.Windows1252.GetBytes(string.Concat(lines.Prepend(StudentHeader).Select(l => l + "\r\n")));
        Assert.True(file.Length > 1 << 16);

        var result = await Validate(UserType.Student, file);
        var users = await ReadUsers(UserType.Student, file);

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(IssueCodes.FileEncodingFallback, Assert.Single(result.Warnings).Code);
        Assert.Equal("José", users[^1].FirstName);
    }

    [Fact]
    public async Task Reads_utf8_with_multibyte_letters_across_chunk_boundaries_without_a_warning()
    {
        // Names of 3- and 4-byte characters make some fall across the 64 KiB chunks the detector reads.
        var lines = Enumerable.Range(0, 3000).Select(i => Student(first: "Zoë😀€", username: $"user{i}", email: ""));
        var file = CsvBytes([StudentHeader, .. lines]);

        var result = await Validate(UserType.Student, file);

        Assert.True(result.IsValid, Codes(result));
        Assert.Empty(result.Warnings);
        Assert.Equal(3000, result.Rows);
    }

    [Fact]
    public async Task Reads_utf8_with_bom_without_a_warning()
    {
        var file = Bytes(new UTF8Encoding(true), StudentHeader + "\r\n" + Student(first: "Zoë") + "\r\n");

        var result = await Validate(UserType.Student, file);
        var user = Assert.Single(await ReadUsers(UserType.Student, file));

        Assert.True(result.IsValid, Codes(result));
        Assert.Empty(result.Warnings);
        Assert.Equal("Zoë", user.FirstName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reads_utf16_with_bom(bool bigEndian)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        var file = Bytes(encoding, StudentHeader + "\r\n" + Student(first: "Zoë", last: "Nguyễn") + "\r\n");

        var result = await Validate(UserType.Student, file);
        var user = Assert.Single(await ReadUsers(UserType.Student, file));

        Assert.True(result.IsValid, Codes(result));
        Assert.Empty(result.Warnings);
        Assert.Equal(("Zoë", "Nguyễn"), (user.FirstName, user.LastName));
    }

    [Fact]
    public async Task Reads_an_excel_unicode_text_file_utf16_with_tabs()
    {
        var text = StudentHeader.Replace(',', '\t') + "\r\n" + "Ann\tLee\tann.lee\tSecret#12\t3\t1001,1002\tann@lincoln.org\r\n";

        var result = await Validate(UserType.Student, Bytes(Encoding.Unicode, text));

        Assert.True(result.IsValid, Codes(result));
    }

    // Delimiters.

    [Fact]
    public async Task Reads_a_semicolon_file_where_school_ids_need_no_quotes()
    {
        var file = CsvBytes(StudentHeader.Replace(',', ';'), "Ann;Lee;ann.lee;Secret#12;3;1001,1002;ann@lincoln.org");

        var result = await Validate(UserType.Student, file);
        var user = Assert.Single(await ReadUsers(UserType.Student, file));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(["1001", "1002"], user.SchoolIds);
    }

    [Fact]
    public async Task Reads_a_tab_file()
    {
        var file = CsvBytes(StudentHeader.Replace(',', '\t'), "Ann\tLee\tann.lee\tSecret#12\t3\t1001\tann@lincoln.org");

        var result = await Validate(UserType.Student, file);

        Assert.True(result.IsValid, Codes(result));
    }

    [Fact]
    public async Task Reports_field_counts_in_a_semicolon_file_by_its_own_delimiter()
    {
        var result = await Validate(UserType.Student, StudentHeader.Replace(',', ';'), "Ann;Lee;ann.lee;Secret#12;3;1001");

        AssertIssue(Assert.Single(result.Errors), 2, null, IssueCodes.RowFieldCount);
    }

    // Row numbers.

    [Fact]
    public async Task Skips_blank_rows_but_counts_them_in_row_numbers()
    {
        var result = await Validate(UserType.Student, StudentHeader,
            Student(),
            ",,,,,,",
            "",
            Student(username: "bo.li", email: "bo@lincoln.org", grade: "14"),
            ",,,,,,");

        AssertIssue(Assert.Single(result.Errors), 5, "Grade", IssueCodes.GradeInvalid, "14");
        Assert.Equal(2, result.Rows);
    }

    [Fact]
    public async Task Counts_a_quoted_field_spanning_lines_as_one_row()
    {
        var result = await Validate(UserType.Student, StudentHeader,
            Student(first: "Ann\r\nMarie"),
            Student(username: "bo.li", email: "bo@lincoln.org", last: "Li\n\nJr"),
            Student(username: "cy.ng", email: "cy@lincoln.org", grade: "14"));

        Assert.Equal(
            ["2:First Name:field.invalid_characters", "3:Last Name:field.invalid_characters", "4:Grade:grade.invalid"],
            result.Errors.Select(e => $"{e.Row}:{e.Column}:{e.Code}"));
    }

    [Fact]
    public async Task Trims_a_line_break_at_the_end_of_a_cell_like_other_surrounding_space()
    {
        var file = CsvBytes(StudentHeader, Student(first: "Ann\r\n"), Student(username: "bo.li", email: "bo@lincoln.org", grade: "14"));

        var result = await Validate(UserType.Student, file);

        AssertIssue(Assert.Single(result.Errors), 3, "Grade", IssueCodes.GradeInvalid, "14");
    }

    [Fact]
    public async Task Reads_files_with_lf_or_cr_line_ends_and_without_a_final_line_end()
    {
        var rows = new[] { StudentHeader, Student(), Student(username: "bo.li", email: "bo@lincoln.org", grade: "14") };

        foreach (var end in new[] { "\n", "\r" })
        {
            var result = await Validate(UserType.Student, Encoding.UTF8.GetBytes(string.Join(end, rows)));

            AssertIssue(Assert.Single(result.Errors), 3, "Grade", IssueCodes.GradeInvalid, "14");
        }
    }

    // Progress and cancellation.

    [Fact]
    public async Task Reports_progress_ending_at_the_whole_file()
    {
        var file = CsvBytes([StudentHeader, .. Enumerable.Range(0, 4500).Select(i => Student(username: $"user{i}", email: ""))]);
        var reports = new List<ValidationProgress>();

        var result = await FileValidator.ValidateAsync(new MemoryStream(file), Context(UserType.Student), new SyncProgress(reports.Add), CancellationToken.None);

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal([.. Enumerable.Range(1, 9).Select(i => i * 500), 4500], reports.Select(r => r.Rows));
        Assert.Equal(reports.Select(r => r.BytesRead).Order(), reports.Select(r => r.BytesRead));
        Assert.Equal(new ValidationProgress(4500, file.Length, file.Length), reports[^1]);
    }

    [Fact]
    public async Task Stops_when_cancelled()
    {
        var file = CsvBytes(StudentHeader, Student());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            FileValidator.ValidateAsync(new MemoryStream(file), Context(UserType.Student), null, new CancellationToken(canceled: true)));
    }

    private sealed class SyncProgress(Action<ValidationProgress> report) : IProgress<ValidationProgress>
    {
        public void Report(ValidationProgress value) => report(value);
    }
}
