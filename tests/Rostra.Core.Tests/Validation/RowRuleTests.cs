using Rostra.Core;
using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Validation;

/// <summary>The row rules of SPEC.md §2 and §4: what each code catches, and the look-alikes it must let through.</summary>
public sealed class RowRuleTests
{
    // Required values.

    [Fact]
    public async Task Requires_every_student_value_but_email()
    {
        var result = await Validate(UserType.Student, StudentHeader, Line("", "", "", "", "", "", "ann@lincoln.org"));

        Assert.Equal(
            ["First Name", "Last Name", "Username", "Password", "Grade", "School ID"],
            result.Errors.Select(e => e.Column));
        Assert.All(result.Errors, e => AssertIssue(e, 2, e.Column, IssueCodes.FieldRequired));
        Assert.Contains("Last Name is required", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Treats_a_value_of_spaces_as_blank()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(first: "   "));

        AssertIssue(Assert.Single(result.Errors), 2, "First Name", IssueCodes.FieldRequired);
    }

    [Fact]
    public async Task Accepts_a_teacher_or_school_admin_without_last_name()
    {
        var teacher = await Validate(UserType.Teacher, TeacherHeader, Teacher(last: ""));
        var schoolAdmin = await Validate(UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin(last: ""));

        Assert.True(teacher.IsValid, Codes(teacher));
        Assert.True(schoolAdmin.IsValid, Codes(schoolAdmin));
    }

    [Fact]
    public async Task Requires_email_of_teachers_and_school_admins()
    {
        var teacher = await Validate(UserType.Teacher, TeacherHeader, Teacher(email: ""));
        var schoolAdmin = await Validate(UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin(email: ""));

        AssertIssue(Assert.Single(teacher.Errors), 2, "Email", IssueCodes.FieldRequired);
        AssertIssue(Assert.Single(schoolAdmin.Errors), 2, "Email", IssueCodes.FieldRequired);
    }

    [Fact]
    public async Task Accepts_a_student_without_email_in_a_district_without_sso()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(email: ""));

        Assert.True(result.IsValid, Codes(result));
    }

    [Fact]
    public async Task Requires_a_student_email_in_a_google_sso_district_and_says_why()
    {
        var result = await Validate(UserType.Student, CsvBytes(StudentHeader, Student(email: "  ")), GoogleSso);

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Email", IssueCodes.EmailRequiredForSso);
        Assert.Contains("Google", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_a_blank_password_in_a_google_sso_district()
    {
        var student = await Validate(UserType.Student, CsvBytes(StudentHeader, Student(password: "")), GoogleSso);
        var teacher = await Validate(UserType.Teacher, CsvBytes(TeacherHeader, Teacher(password: "")), GoogleSso);

        Assert.True(student.IsValid, Codes(student));
        Assert.True(teacher.IsValid, Codes(teacher));
    }

    [Fact]
    public async Task Still_checks_a_password_given_in_a_google_sso_district()
    {
        var result = await Validate(UserType.Student, CsvBytes(StudentHeader, Student(password: "Ab#4567")), GoogleSso);

        AssertIssue(Assert.Single(result.Errors), 2, "Password", IssueCodes.PasswordTooShort);
    }

    [Fact]
    public async Task Requires_a_password_without_sso()
    {
        var result = await Validate(UserType.Teacher, TeacherHeader, Teacher(password: ""));

        AssertIssue(Assert.Single(result.Errors), 2, "Password", IssueCodes.FieldRequired);
    }

    // Lengths and characters.

    [Fact]
    public async Task Accepts_names_of_exactly_100_characters_and_rejects_101()
    {
        var ok = await Validate(UserType.Student, StudentHeader, Student(first: new string('a', 100)));
        var tooLong = await Validate(UserType.Student, StudentHeader, Student(first: new string('a', 101)));

        Assert.True(ok.IsValid, Codes(ok));
        var error = Assert.Single(tooLong.Errors);
        AssertIssue(error, 2, "First Name", IssueCodes.FieldTooLong, new string('a', 101));
        Assert.Contains("100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_username_over_64_characters_as_too_long()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(username: new string('u', 65)));

        AssertIssue(Assert.Single(result.Errors), 2, "Username", IssueCodes.FieldTooLong, new string('u', 65));
    }

    [Fact]
    public async Task Reports_an_email_over_254_characters_as_too_long()
    {
        static string Email(int lastLabel) =>
            new string('e', 64) + "@" + new string('d', 63) + "." + new string('d', 63) + "." + new string('d', lastLabel) + ".org";
        Assert.Equal(254, Email(57).Length);
        var ok = await Validate(UserType.Student, StudentHeader, Student(email: Email(57)));
        var tooLong = await Validate(UserType.Student, StudentHeader, Student(email: Email(58)));

        Assert.True(ok.IsValid, Codes(ok));
        // The value is kept to 200 characters, like every value of an error.
        AssertIssue(Assert.Single(tooLong.Errors), 2, "Email", IssueCodes.FieldTooLong, ErrorLimits.Cut(Email(58)));
    }

    [Fact]
    public async Task Accepts_a_password_of_128_characters_and_rejects_129_without_giving_it()
    {
        var ok = await Validate(UserType.Student, StudentHeader, Student(password: "Aa1#" + new string('x', 124)));
        var tooLong = await Validate(UserType.Student, StudentHeader, Student(password: "Aa1#" + new string('x', 125)));

        Assert.True(ok.IsValid, Codes(ok));
        AssertIssue(Assert.Single(tooLong.Errors), 2, "Password", IssueCodes.FieldTooLong);
    }

    [Fact]
    public async Task Reports_a_line_break_inside_a_name_as_a_control_character_without_its_value()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(last: "Lee\nSmith"));

        // A cell over several lines may have swallowed other rows (and their passwords) through a stray quote: no value.
        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Last Name", IssueCodes.FieldInvalidCharacters);
        Assert.Contains("line break", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_accented_letters_and_apostrophes_in_names()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(first: "Zoë-Renée", last: "O'Brien Núñez"));

        Assert.True(result.IsValid, Codes(result));
    }

    // Usernames.

    [Theory]
    [InlineData("abc")]
    [InlineData("a.b_c-d@e")]
    [InlineData("ANN.LEE")]
    [InlineData("user123")]
    public async Task Accepts_usernames_of_letters_digits_and_punctuation(string username)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(username: username));

        Assert.True(result.IsValid, Codes(result));
    }

    [Fact]
    public async Task Accepts_a_username_of_64_characters()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(username: new string('u', 64)));

        Assert.True(result.IsValid, Codes(result));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("ann lee")]
    [InlineData("ann+lee")]
    [InlineData("zoë")]
    [InlineData("ann/lee")]
    public async Task Rejects_usernames_outside_the_allowed_characters_or_too_short(string username)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(username: username));

        AssertIssue(Assert.Single(result.Errors), 2, "Username", IssueCodes.UsernameInvalid, username);
    }

    [Fact]
    public async Task Names_the_earlier_row_of_a_duplicate_username_ignoring_case()
    {
        var result = await Validate(UserType.Student, StudentHeader,
            Student(),
            Student(username: "bo.li", email: "bo@lincoln.org"),
            Student(username: "ANN.lee", email: "ann3@lincoln.org"));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 4, "Username", IssueCodes.UsernameDuplicate, "ANN.lee");
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checks_taken_usernames_ignoring_case_and_keeps_the_value_as_written()
    {
        var users = new TakenUsers(usernames: ["ann.lee"]);
        var result = await Validate(UserType.Student, CsvBytes(StudentHeader, Student(username: "Ann.Lee")), users: users);

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Username", IssueCodes.UsernameTaken, "Ann.Lee");
        Assert.Contains("already belongs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asks_the_platform_about_usernames_in_batches()
    {
        var lines = Enumerable.Range(0, FileValidator.LookupBatch + 10)
            .Select(i => Student(username: $"user{i}", email: ""))
            .Prepend(StudentHeader)
            .ToArray();
        var users = new TakenUsers(usernames: ["user4100"]);

        var result = await Validate(UserType.Student, CsvBytes(lines), users: users);

        Assert.Equal([FileValidator.LookupBatch, 10], users.UsernameBatches);
        AssertIssue(Assert.Single(result.Errors), 4102, "Username", IssueCodes.UsernameTaken, "user4100");
    }

    // Emails.

    [Theory]
    [InlineData("ann@lincoln.org")]
    [InlineData("Ann.Lee+class@mail.lincoln.k12.ca.us")]
    [InlineData("o'brien@lincoln.org")]
    public async Task Accepts_ordinary_email_addresses(string email)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(email: email));

        Assert.True(result.IsValid, Codes(result));
    }

    [Theory]
    [InlineData("ann")]
    [InlineData("ann@")]
    [InlineData("@lincoln.org")]
    [InlineData("ann@lincoln")]
    [InlineData("ann lee@lincoln.org")]
    [InlineData("ann@@lincoln.org")]
    [InlineData("ann..lee@lincoln.org")]
    [InlineData("ann@lincoln..org")]
    [InlineData("ann@-lincoln.org")]
    public async Task Rejects_malformed_email_addresses(string email)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(email: email));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Email", IssueCodes.EmailInvalid, email);
        Assert.Contains("name@school.org", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_the_earlier_row_of_a_duplicate_email_ignoring_case()
    {
        var result = await Validate(UserType.Teacher, TeacherHeader,
            Teacher(),
            Teacher(username: "tom.ray2", email: "Tom@Lincoln.ORG"));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 3, "Email", IssueCodes.EmailDuplicate, "Tom@Lincoln.ORG");
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_an_email_taken_on_the_platform()
    {
        var users = new TakenUsers(emails: ["tom@lincoln.org"]);
        var result = await Validate(UserType.Teacher, CsvBytes(TeacherHeader, Teacher(email: "TOM@lincoln.org")), users: users);

        AssertIssue(Assert.Single(result.Errors), 2, "Email", IssueCodes.EmailTaken, "TOM@lincoln.org");
    }

    [Fact]
    public async Task Does_not_count_blank_emails_as_duplicates()
    {
        var result = await Validate(UserType.Student, StudentHeader,
            Student(email: ""),
            Student(username: "bo.li", email: ""));

        Assert.True(result.IsValid, Codes(result));
    }

    // Passwords.

    [Fact]
    public async Task Requires_8_characters_of_a_student_and_12_of_a_teacher_or_school_admin()
    {
        var student8 = await Validate(UserType.Student, StudentHeader, Student(password: "Abc#5678"));
        var teacher11 = await Validate(UserType.Teacher, TeacherHeader, Teacher(password: "Abc#5678901"));
        var teacher12 = await Validate(UserType.Teacher, TeacherHeader, Teacher(password: "Abc#56789012"));
        var admin11 = await Validate(UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin(password: "Abc#5678901"));

        Assert.True(student8.IsValid, Codes(student8));
        Assert.True(teacher12.IsValid, Codes(teacher12));
        var error = Assert.Single(teacher11.Errors);
        AssertIssue(error, 2, "Password", IssueCodes.PasswordTooShort);
        Assert.Contains("12", error.Message, StringComparison.Ordinal);
        AssertIssue(Assert.Single(admin11.Errors), 2, "Password", IssueCodes.PasswordTooShort);
    }

    [Theory]
    [InlineData("secret#12", "an uppercase letter")]
    [InlineData("SECRET#12", "a lowercase letter")]
    [InlineData("Secret#ab", "a digit")]
    [InlineData("Secret123", "a special character")]
    public async Task Names_what_a_password_lacks(string password, string lacking)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(password: password));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Password", IssueCodes.PasswordComplexity);
        Assert.Contains(lacking, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_everything_a_password_lacks_in_one_error()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(password: "abcdefgh"));

        var error = Assert.Single(result.Errors);
        Assert.Contains("an uppercase letter, a digit, and a special character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Takes_the_password_exactly_as_written_counting_its_spaces()
    {
        // Trimmed, this would lack a special character; kept as written, its spaces are the special characters.
        var result = await Validate(UserType.Student, StudentHeader, Student(password: " Secret12 "));

        Assert.True(result.IsValid, Codes(result));
    }

    // Grades.

    [Theory]
    [InlineData("K")]
    [InlineData("k")]
    [InlineData("01")]
    [InlineData("1")]
    [InlineData(" 5 ")]
    public async Task Accepts_grades_written_the_ways_people_write_them(string grade)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(grade: grade));

        Assert.True(result.IsValid, Codes(result));
    }

    [Theory]
    [InlineData("14")]
    [InlineData("0")]
    [InlineData("Kindergarten")]
    [InlineData("3rd")]
    [InlineData("-1")]
    [InlineData("K-5")]
    public async Task Rejects_what_is_not_a_grade(string grade)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(grade: grade));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Grade", IssueCodes.GradeInvalid, grade);
        Assert.Contains("PK, TK, K", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_grade_not_offered_by_school_naming_the_school_and_its_grades()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(grade: "PK", school: "1001"));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Grade", IssueCodes.GradeNotOffered, "PK");
        Assert.Contains("1001", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lincoln Elementary", error.Message, StringComparison.Ordinal);
        Assert.Contains("K-5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_grade_not_offered_once_per_school_that_lacks_it()
    {
        var one = await Validate(UserType.Student, StudentHeader, Student(grade: "3", school: "1001,00417"));
        var two = await Validate(UserType.Student, StudentHeader, Student(grade: "10", school: "1001,1002,LHS"));

        var error = Assert.Single(one.Errors);
        Assert.Contains("00417", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, two.Errors.Count);
        Assert.All(two.Errors, e => AssertIssue(e, 2, "Grade", IssueCodes.GradeNotOffered, "10"));
        Assert.Contains("1001", two.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("1002", two.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gives_the_grade_of_a_not_offered_error_in_its_usual_form()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(grade: "07"));

        AssertIssue(Assert.Single(result.Errors), 2, "Grade", IssueCodes.GradeNotOffered, "7");
    }

    // Schools.

    [Fact]
    public async Task Reads_school_ids_separated_by_commas_with_spaces_as_several_schools()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(school: "1001, 1002"));

        Assert.True(result.IsValid, Codes(result));
    }

    [Fact]
    public async Task Matches_school_ids_ignoring_case_and_surrounding_spaces()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(grade: "9", school: " lhs "));

        Assert.True(result.IsValid, Codes(result));
    }

    [Fact]
    public async Task Hints_at_leading_zeros_when_a_school_id_lost_them()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(grade: "7", school: "417"));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "School ID", IssueCodes.SchoolUnknown, "417");
        Assert.Contains("00417", error.Message, StringComparison.Ordinal);
        Assert.Contains("leading zeros", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("000417", "zero")]
    [InlineData("0000417", "zeros")]
    public async Task Says_to_remove_an_extra_leading_zero_rather_than_blaming_Excel(string typed, string word)
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(grade: "7", school: typed));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "School ID", IssueCodes.SchoolUnknown, typed);
        Assert.Contains("there is 00417", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Remove the extra {word} at the start", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Excel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gives_no_leading_zero_hint_for_an_unrelated_school_id()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(school: "9999"));

        var error = Assert.Single(result.Errors);
        Assert.DoesNotContain("leading zeros", error.Message, StringComparison.Ordinal);
        Assert.Contains("Schools page", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_school_of_another_district_as_unknown()
    {
        var result = await Validate(UserType.Student, StudentHeader, Student(school: "2001"));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "School ID", IssueCodes.SchoolUnknown, "2001");
        Assert.DoesNotContain("Jefferson", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_each_unknown_school_of_a_cell()
    {
        var result = await Validate(UserType.Teacher, TeacherHeader, Teacher(school: "1001,8888,9999"));

        Assert.Equal(["8888", "9999"], result.Errors.Select(e => e.Value));
        Assert.All(result.Errors, e => Assert.Equal(IssueCodes.SchoolUnknown, e.Code));
    }

    [Theory]
    [InlineData("1001,1001", "1001")]
    [InlineData("1001,1001,1001", "1001")]
    [InlineData("1001, 1002 ,1001", "1001")]
    [InlineData("lhs,LHS", "LHS")]
    public async Task Reports_a_school_listed_twice_in_one_cell_once(string cell, string value)
    {
        var result = await Validate(UserType.Teacher, TeacherHeader, Teacher(school: cell));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "School ID", IssueCodes.SchoolDuplicate, value);
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requires_a_school_id_that_is_more_than_commas()
    {
        var result = await Validate(UserType.Teacher, TeacherHeader, Teacher(school: ", ,"));

        AssertIssue(Assert.Single(result.Errors), 2, "School ID", IssueCodes.FieldRequired);
    }

    // Teacher Role.

    [Theory]
    [InlineData("")]
    [InlineData("Y")]
    [InlineData("y")]
    [InlineData("N")]
    [InlineData("yes")]
    [InlineData("YES")]
    [InlineData("No")]
    [InlineData(" n ")]
    public async Task Accepts_teacher_role_yes_no_or_blank_in_any_case(string role)
    {
        var result = await Validate(UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin(teacherRole: role));

        Assert.True(result.IsValid, Codes(result));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("Teacher")]
    public async Task Rejects_a_teacher_role_other_than_yes_or_no(string role)
    {
        var result = await Validate(UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin(teacherRole: role));

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, "Teacher Role", IssueCodes.TeacherRoleInvalid, role);
        Assert.Contains("Y or N", error.Message, StringComparison.Ordinal);
    }

    // Field count.

    [Fact]
    public async Task Hints_at_quotes_when_unquoted_school_ids_make_too_many_fields()
    {
        var result = await Validate(UserType.Student, StudentHeader, "Ann,Lee,ann.lee,Secret#12,3,1001,1002,ann@lincoln.org");

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, null, IssueCodes.RowFieldCount);
        Assert.Contains("\"1001,1002\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("8 values", error.Message, StringComparison.Ordinal);
        Assert.Contains("7 columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asks_to_fill_in_missing_cells_when_a_row_is_short()
    {
        var result = await Validate(UserType.Student, StudentHeader, "Ann,Lee,ann.lee,Secret#12,3,1001");

        var error = Assert.Single(result.Errors);
        AssertIssue(error, 2, null, IssueCodes.RowFieldCount);
        Assert.Contains("missing cells", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\"1001,1002\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checks_nothing_else_in_a_row_whose_fields_do_not_line_up()
    {
        var result = await Validate(UserType.Student, StudentHeader, "Ann,,ab,x,99,9999,bad,extra");

        AssertIssue(Assert.Single(result.Errors), 2, null, IssueCodes.RowFieldCount);
    }
}
