using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Validation;

/// <summary>Reading the users of a file that validated clean: what the import writes.</summary>
public sealed class ReadUsersTests
{
    [Fact]
    public async Task Reads_a_student_with_role_grade_and_canonical_school_ids()
    {
        var file = CsvBytes(StudentHeader,
            Student(first: " Ann ", last: " Lee ", grade: "k", school: "1001 , 1002"),
            Student(username: "bo.li", email: "", grade: "09", school: "lhs"));

        var users = await ReadUsers(UserType.Student, file);

        Assert.Equal(2, users.Count);
        var ann = users[0];
        Assert.Equal(2, ann.Row);
        Assert.Equal(("Ann", "Lee", "ann.lee", "ann@lincoln.org", new Secret.Plain("Secret#12")), (ann.FirstName, ann.LastName, ann.Username, ann.Email, ann.Password));
        Assert.Equal(Grade.Parse("K"), ann.Grade);
        Assert.Equal(["1001", "1002"], ann.SchoolIds);
        Assert.Equal([Roles.Student], ann.Roles);
        var bo = users[1];
        Assert.Equal(3, bo.Row);
        Assert.Equal("9", bo.Grade.ToString());
        Assert.Equal(["LHS"], bo.SchoolIds);
        Assert.Null(bo.Email);
    }

    [Fact]
    public async Task Gives_a_teacher_the_teacher_role_and_no_grade()
    {
        var user = Assert.Single(await ReadUsers(UserType.Teacher, CsvBytes(TeacherHeader, Teacher(last: "", school: "1001"))));

        Assert.Equal([Roles.Teacher], user.Roles);
        Assert.Null(user.Grade);
        Assert.Null(user.LastName);
        Assert.Equal(["1001"], user.SchoolIds);
    }

    [Theory]
    [InlineData("Y", true)]
    [InlineData("yes", true)]
    [InlineData(" YES ", true)]
    [InlineData("N", false)]
    [InlineData("no", false)]
    [InlineData("", false)]
    public async Task Gives_a_school_admin_with_teacher_role_yes_the_teacher_role_too(string teacherRole, bool teacher)
    {
        var user = Assert.Single(await ReadUsers(UserType.SchoolAdmin, CsvBytes(SchoolAdminHeader, SchoolAdmin(teacherRole: teacherRole))));

        Assert.Equal(teacher ? [Roles.SchoolAdmin, Roles.Teacher] : [Roles.SchoolAdmin], user.Roles);
    }

    [Fact]
    public async Task Gives_no_password_when_it_is_blank_and_keeps_it_exactly_otherwise()
    {
        var file = CsvBytes(StudentHeader,
            Student(password: ""),
            Student(username: "bo.li", email: "bo@lincoln.org", password: " Secret#12 "));

        var users = await ReadUsers(UserType.Student, file, GoogleSso);

        Assert.Null(users[0].Password);
        Assert.Equal(new Secret.Plain(" Secret#12 "), users[1].Password);
    }

    [Fact]
    public async Task Skips_blank_rows_and_keeps_spreadsheet_row_numbers()
    {
        var file = CsvBytes(StudentHeader,
            ",,,,,,",
            Student(first: "Ann\r\n"),
            "",
            Student(username: "bo.li", email: "bo@lincoln.org"));

        var users = await ReadUsers(UserType.Student, file);

        Assert.Equal([3, 5], users.Select(u => u.Row));
        Assert.Equal("Ann", users[0].FirstName);
    }

    [Fact]
    public async Task Refuses_to_read_a_file_whose_header_is_not_valid()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => ReadUsers(UserType.Student, CsvBytes(TeacherHeader, Teacher())));
    }
}
