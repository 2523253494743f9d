using System.Text;

namespace Rostra.Core.Tests;

public sealed class TemplateTests
{
    [Theory]
    [InlineData(UserType.Student, "First Name,Last Name,Username,Password,Grade,School ID,Email")]
    [InlineData(UserType.Teacher, "First Name,Last Name,Username,Password,Email,School ID")]
    [InlineData(UserType.SchoolAdmin, "First Name,Last Name,Username,Password,Email,School ID,Teacher Role")]
    public void Writes_the_exact_header_line_of_each_type(UserType type, string header)
    {
        Assert.Equal(header, Templates.HeaderLine(type));
    }

    [Theory]
    [InlineData(UserType.Student)]
    [InlineData(UserType.Teacher)]
    [InlineData(UserType.SchoolAdmin)]
    public void Writes_the_file_as_utf8_with_bom_and_a_crlf_header_row_only(UserType type)
    {
        var bytes = Templates.FileBytes(type);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal([(byte)'\r', (byte)'\n'], bytes[^2..]);
        Assert.Equal(Templates.HeaderLine(type) + "\r\n", Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }

    [Theory]
    [InlineData(UserType.Student, "rostra-student-template.csv", "student", "Student")]
    [InlineData(UserType.Teacher, "rostra-teacher-template.csv", "teacher", "Teacher")]
    [InlineData(UserType.SchoolAdmin, "rostra-school-admin-template.csv", "school-admin", "School Admin")]
    public void Names_each_type_by_its_slug_and_display_name(UserType type, string fileName, string slug, string display)
    {
        Assert.Equal(fileName, Templates.FileName(type));
        Assert.Equal(slug, type.Slug());
        Assert.Equal(display, type.DisplayName());
        Assert.True(UserTypes.TryParse(slug, out var parsed));
        Assert.Equal(type, parsed);
    }

    [Theory]
    [InlineData("first name", Column.FirstName)]
    [InlineData("  SCHOOL ID ", Column.SchoolId)]
    [InlineData("teacher role", Column.TeacherRole)]
    public void Matches_header_cells_ignoring_case_and_surrounding_spaces(string text, Column column)
    {
        Assert.True(Templates.TryParseHeader(text, out var parsed));
        Assert.Equal(column, parsed);
    }

    [Theory]
    [InlineData("FirstName")]
    [InlineData("School")]
    [InlineData("")]
    [InlineData(null)]
    public void Does_not_match_other_header_cells(string? text)
    {
        Assert.False(Templates.TryParseHeader(text, out _));
    }
}
