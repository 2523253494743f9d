using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Corpus;

/// <summary>
/// Every CSV of the corpus, as a spreadsheet program wrote it, imports every name with the letters typed: the same
/// letter, or a "?" where the file's character set could not hold it, which is then warned about on its row and column.
/// </summary>
public sealed class CorpusCsvTests
{
    public static TheoryData<string, int, int?> StudentFiles => new()
    {
        // file, the character set it is in (0 = Unicode), the code page the fallback warning names (null = none)
        { "students-utf8.csv", 0, null },
        { "students-utf8-bom.csv", 0, null },
        { "students-utf16-tab.txt", 0, null },
        { "students-windows1252.csv", 1252, 1252 },
        { "students-semicolon.csv", 1252, 1252 },
        { "students-macroman-cr.csv", 10000, 10000 },
        { "students-dos850.csv", 850, 850 },
    };

    [Theory]
    [MemberData(nameof(StudentFiles))]
    public async Task Every_name_of_a_spreadsheet_file_imports_as_typed(string file, int codePage, int? warned)
    {
        var bytes = CorpusFiles.Read(file);

        var result = await Validate(UserType.Student, bytes);
        var users = await ReadUsers(UserType.Student, bytes);

        Assert.True(result.IsValid, Codes(result));
        var typed = CorpusFiles.TypedStudents;
        Assert.Equal(typed.Count, users.Count);
        for (var i = 0; i < typed.Count; i++)
        {
            Assert.Equal(i + 2, users[i].Row);
            Assert.Equal(CorpusFiles.Expected(typed[i].First, codePage), users[i].FirstName);
            Assert.Equal(CorpusFiles.Expected(typed[i].Last, codePage), users[i].LastName);
        }
        var encoding = result.Warnings.Where(w => w.Code == IssueCodes.FileEncodingFallback).ToList();
        if (warned is { } page) Assert.Equal(Issues.FileEncodingFallback(page).Message, Assert.Single(encoding).Message);
        else Assert.Empty(encoding);
        // A "?" in a name is warned about on its row and column, and nowhere else (José's password "Why?Not#12" is not).
        var expectedWarnings = users
            .SelectMany(u => new[] { (u.Row, Column: "First Name", Value: u.FirstName), (u.Row, Column: "Last Name", Value: u.LastName!) })
            .Where(x => x.Value.Contains('?', StringComparison.Ordinal))
            .Select(x => $"{x.Row}:{x.Column}:{x.Value}");
        Assert.Equal(expectedWarnings, result.Warnings.Where(w => w.Code == IssueCodes.FieldReplacedCharacters).Select(w => $"{w.Row}:{w.Column}:{w.Value}"));
        Assert.Equal(new Secret.Plain("Why?Not#12"), users[0].Password);
    }

    [Fact]
    public async Task A_mac_file_with_cr_line_ends_reads_jose_and_zoe_right_and_says_it_read_mac_text()
    {
        var result = await Validate(UserType.Student, CorpusFiles.Read("students-macroman-cr.csv"));
        var users = await ReadUsers(UserType.Student, CorpusFiles.Read("students-macroman-cr.csv"));

        Assert.Equal(("José", "Núñez"), (users[0].FirstName, users[0].LastName));
        Assert.Equal(("Zoë", "Brontë"), (users[1].FirstName, users[1].LastName));
        var warning = Assert.Single(result.Warnings, w => w.Code == IssueCodes.FileEncodingFallback);
        Assert.Contains("Mac text (Mac Roman)", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lost_letters_in_a_pure_ascii_file_are_warned_about_per_row_and_column_but_never_for_a_password()
    {
        var result = await Validate(UserType.Student, CorpusFiles.Read("lost-letters-windows1252.csv"));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(
            ["2:First Name:Nguy?n", "2:Last Name:Tr?n", "3:Last Name:Wa??sa", "4:First Name:Th?o", "4:Last Name:Ph?m"],
            result.Warnings.Select(w => $"{w.Row}:{w.Column}:{w.Value}"));
        Assert.All(result.Warnings, w => Assert.Equal(IssueCodes.FieldReplacedCharacters, w.Code));
        var first = result.Warnings[0];
        Assert.Equal(
            "First Name \"Nguy?n\" has a question mark where a letter probably was: a spreadsheet writes \"?\" for a letter (such as ễ or ł) " +
            "that the file's character set cannot hold, and the letter is lost. Check the name; to keep every letter, save the file as " +
            "\"CSV UTF-8\" in Excel (File > Save As) or upload the workbook (.xlsx) itself.",
            first.Message);
    }

    [Fact]
    public async Task A_school_id_whose_leading_zeros_the_spreadsheet_stripped_is_unknown_with_the_hint()
    {
        var result = await Validate(UserType.Student, CorpusFiles.Read("leading-zeros.csv"));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "School ID", IssueCodes.SchoolUnknown, "417");
        Assert.Contains("00417", error.Message, StringComparison.Ordinal);
        Assert.Contains("leading zeros", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_whose_character_set_cannot_be_told_is_refused_saying_how_to_save_as_csv_utf8()
    {
        // José from a Mac (é = 0x8E) and Zoë from Windows (ë = 0xEB) pasted into one file: no one character set reads both.
        byte[] file = [.. CsvBytes(StudentHeader), .. "Jos"u8, 0x8E, .. ",Lee,ann.lee,Secret#12,3,1001,\r\nZo"u8, 0xEB, .. ",Lee,zoe.lee,Secret#12,3,1001,\r\n"u8];

        var result = await Validate(UserType.Student, file);

        var error = Assert.Single(result.Errors);
        AssertIssue(error, null, null, IssueCodes.FileEncodingUnknown);
        Assert.Contains("CSV UTF-8 (Comma delimited) (*.csv)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, result.Rows);
    }

    [Theory]
    [InlineData("students-mixed-utf8-windows1252.csv")]
    [InlineData("students-utf8-bom-pasted-windows1252.csv")]
    public async Task A_file_of_utf8_rows_and_windows_rows_pasted_together_is_refused_rather_than_misspell_a_name(string file)
    {
        var result = await Validate(UserType.Student, CorpusFiles.Read(file));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, null, null, IssueCodes.FileEncodingUnknown);
        Assert.Equal(Issues.FileEncodingMixed().Message, error.Message);
        Assert.Contains("CSV UTF-8 (Comma delimited) (*.csv)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, result.Rows);
    }

    [Fact]
    public async Task Umit_oz_typed_in_utf8_beside_windows_rows_is_refused_though_each_letter_reads_as_a_plausible_windows_letter()
    {
        // "Ümit Öz" in UTF-8 reads as "Ãœmit Ã–z" in Windows-1252, with no letter out of place: only the UTF-8 bytes tell.
        byte[] file = [.. CsvBytes(StudentHeader), .. "Zo"u8, 0xEB, .. ",Lee,zoe.lee,Secret#12,3,1001,\r\n"u8, .. "Ümit,Öz,umit.oz,Secret#12,3,1001,\r\n"u8];

        var result = await Validate(UserType.Student, file);

        AssertIssue(Assert.Single(result.Errors), null, null, IssueCodes.FileEncodingUnknown);
    }
}
