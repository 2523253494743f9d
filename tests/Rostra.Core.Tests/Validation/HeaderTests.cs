using System.Text;
using Rostra.Core;
using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Validation;

/// <summary>Header analysis (SPEC.md §3–§4): free order and case, and the four header errors.</summary>
public sealed class HeaderTests
{
    [Fact]
    public async Task Accepts_header_names_in_any_order_any_case_and_with_spaces()
    {
        var result = await Validate(UserType.Student,
            " email ,SCHOOL ID,grade,  Password,username,last name,First NAME ",
            Line("ann@lincoln.org", "1001", "3", "Secret#12", "ann.lee", "Lee", "Ann"));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(1, result.Rows);
    }

    [Fact]
    public async Task Ignores_a_second_byte_order_mark_before_the_first_header()
    {
        var file = Bytes(new UTF8Encoding(true), "\uFEFF" + StudentHeader + "\r\n" + Student() + "\r\n");

        var result = await Validate(UserType.Student, file);

        Assert.True(result.IsValid, Codes(result));
    }

    [Fact]
    public async Task Accepts_quoted_header_names()
    {
        var result = await Validate(UserType.Student,
            "\"First Name\",\"Last Name\",\"Username\",\"Password\",\"Grade\",\"School ID\",\"Email\"", Student());

        Assert.True(result.IsValid, Codes(result));
    }

    [Fact]
    public async Task Reads_values_from_where_their_header_is()
    {
        var file = CsvBytes("Email,School ID,Grade,Password,Username,Last Name,First Name",
            Line("ann@lincoln.org", "1001", "3", "Secret#12", "ann.lee", "Lee", "Ann"));

        var user = Assert.Single(await ReadUsers(UserType.Student, file));

        Assert.Equal(("Ann", "Lee", "ann.lee", "ann@lincoln.org", "3", new Secret.Plain("Secret#12")),
            (user.FirstName, user.LastName, user.Username, user.Email, user.Grade.ToString(), user.Password));
        Assert.Equal(["1001"], user.SchoolIds);
    }

    [Theory]
    [InlineData(UserType.Student, UserType.Teacher, "Teacher", "Student")]
    [InlineData(UserType.Student, UserType.SchoolAdmin, "School Admin", "Student")]
    [InlineData(UserType.Teacher, UserType.Student, "Student", "Teacher")]
    [InlineData(UserType.Teacher, UserType.SchoolAdmin, "School Admin", "Teacher")]
    [InlineData(UserType.SchoolAdmin, UserType.Teacher, "Teacher", "School Admin")]
    [InlineData(UserType.SchoolAdmin, UserType.Student, "Student", "School Admin")]
    public async Task Names_both_types_when_the_file_is_another_types_template(UserType chosen, UserType file, string fileType, string chosenType)
    {
        var result = await Validate(chosen, TestTemplates.Header(file), "x,y,z");

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 1, null, IssueCodes.HeaderWrongTemplate);
        Assert.Contains($"{fileType} template", error.Message, StringComparison.Ordinal);
        Assert.Contains($"you chose {chosenType}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recognises_another_types_template_in_any_order_and_case()
    {
        var result = await Validate(UserType.Teacher, "school id,EMAIL,Grade,Password,Username,Last Name,First Name");

        AssertIssue(Assert.Single(result.Errors), 1, null, IssueCodes.HeaderWrongTemplate);
    }

    [Fact]
    public async Task Reports_each_missing_column_in_template_order()
    {
        var result = await Validate(UserType.SchoolAdmin, "First Name,Username,Email", "Sue,sue.kim,sue@lincoln.org");

        Assert.Equal(["Last Name", "Password", "School ID", "Teacher Role"], result.Errors.Select(e => e.Column));
        Assert.All(result.Errors, e => AssertIssue(e, 1, e.Column, IssueCodes.HeaderMissingColumn));
        Assert.Contains("\"Password\" is missing", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("School Admin template", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggests_the_closest_column_for_a_misspelled_header()
    {
        var result = await Validate(UserType.Student, "First Name,Last Name,User Name,Password,Grade,School ID,E-mail");

        Assert.Equal(
            ["1::header.missing_column", "1::header.missing_column", "1::header.unknown_column", "1::header.unknown_column"],
            result.Errors.Select(e => $"{e.Row}::{e.Code}"));
        var userName = result.Errors.Single(e => e.Column == "User Name");
        AssertIssue(userName, 1, "User Name", IssueCodes.HeaderUnknownColumn, "User Name");
        Assert.Contains("Did you mean \"Username\"?", userName.Message, StringComparison.Ordinal);
        var email = result.Errors.Single(e => e.Column == "E-mail");
        Assert.Contains("Did you mean \"Email\"?", email.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggests_nothing_for_a_header_unlike_any_column()
    {
        var result = await Validate(UserType.Student, StudentHeader + ",Favourite Colour");

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 1, "Favourite Colour", IssueCodes.HeaderUnknownColumn, "Favourite Colour");
        Assert.DoesNotContain("Did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_column_of_another_template_as_unknown_to_this_one()
    {
        var result = await Validate(UserType.Student, StudentHeader + ",Teacher Role", Student() + ",N");

        AssertIssue(Assert.Single(result.Errors), 1, "Teacher Role", IssueCodes.HeaderUnknownColumn, "Teacher Role");
    }

    [Fact]
    public async Task Takes_a_header_with_exactly_another_templates_columns_for_that_template()
    {
        // A Teacher file with a Grade column has the Student template's columns, so it reads as that template.
        var result = await Validate(UserType.Teacher, TeacherHeader + ",Grade", Teacher() + ",3");

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 1, null, IssueCodes.HeaderWrongTemplate);
        Assert.Contains("Student template", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_column_that_appears_twice_whatever_its_case()
    {
        var result = await Validate(UserType.Teacher, TeacherHeader + ",username", Teacher() + ",tom");

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 1, "Username", IssueCodes.HeaderDuplicateColumn);
        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_at_header_errors_without_checking_rows()
    {
        var result = await Validate(UserType.Student,
            "First Name,Last Name,Username,Password,Grade,Email,Nickname",
            Line("", "", "a", "b", "99", "bad", "x"),
            Line("Ann", "Lee", "a", "b", "99", "bad", "x", "too", "many"));

        Assert.Equal(
            ["1:School ID:header.missing_column", "1:Nickname:header.unknown_column"],
            result.Errors.Select(e => $"{e.Row}:{e.Column}:{e.Code}"));
        Assert.Equal(0, result.Rows);
    }

    [Fact]
    public async Task Ignores_a_trailing_blank_header_cell_and_warns_about_a_blank_one_in_between()
    {
        var trailing = await Validate(UserType.Teacher, TeacherHeader + ",", Teacher() + ",");
        var between = await Validate(UserType.Teacher, "First Name,,Last Name,Username,Password,Email,School ID",
            Line("Tom", "whatever", "Ray", "tom.ray", "LongSecret#12", "tom@lincoln.org", "1001"));

        Assert.True(trailing.IsValid, Codes(trailing));
        Assert.Empty(trailing.Warnings);
        Assert.True(between.IsValid, Codes(between));
        var warning = Assert.Single(between.Warnings);
        Assert.Equal(IssueCodes.HeaderBlankColumn, warning.Code);
        Assert.Contains("Column 2", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_student_file_without_its_grade_column_is_missing_grade_not_a_teacher_template()
    {
        var result = await Validate(UserType.Student,
            "First Name,Last Name,Username,Password,School ID,Email",
            Line("Ann", "Lee", "ann.lee", "Secret#12", "1001", ""));

        AssertIssue(Assert.Single(result.Errors), 1, "Grade", IssueCodes.HeaderMissingColumn);
    }

    [Fact]
    public async Task Passes_over_blank_lines_above_the_header()
    {
        var result = await Validate(UserType.Student, ",,,,,,", "", StudentHeader, Student());

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(1, result.Rows);
    }
}
