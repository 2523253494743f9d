using System.Text;
using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Validation;

/// <summary>A record longer than the reader holds is the file's error, with its code and a message that says why.</summary>
public sealed class RecordLimitTests
{
    private const int OverLimit = 17 * 1024 * 1024;

    [Fact]
    public async Task An_unterminated_quote_at_the_start_of_a_large_file_is_a_file_error()
    {
        // The quote opened in row 2 is never closed: every later line becomes part of one value.
        var file = new StringBuilder(StudentHeader).Append("\r\n\"Ann,Lee,ann.lee,Secret#12,3,1001,\r\n");
        while (file.Length < OverLimit)
        {
            file.Append(Student(username: $"u{file.Length}", email: "")).Append("\r\n");
        }

        var result = await Validate(UserType.Student, Encoding.UTF8.GetBytes(file.ToString()));

        var issue = Assert.Single(result.Errors);
        Assert.Equal((null, null, IssueCodes.FileNotCsv), (issue.Row, issue.Column, issue.Code));
        Assert.StartsWith("Row 2 is too long", issue.Message, StringComparison.Ordinal);
        Assert.Contains("quote", issue.Message, StringComparison.Ordinal);
        Assert.Null(issue.Value);
    }

    [Fact]
    public async Task A_line_longer_than_the_reader_holds_is_a_file_error_naming_its_row()
    {
        var file = CsvBytes(StudentHeader, Student(), Student(username: "bo.li", email: "bo@lincoln.org", first: new string('x', OverLimit)));

        var result = await Validate(UserType.Student, file);

        var issue = Assert.Single(result.Errors);
        Assert.Equal(IssueCodes.FileNotCsv, issue.Code);
        Assert.StartsWith("Row 3 is too long", issue.Message, StringComparison.Ordinal);
    }
}
