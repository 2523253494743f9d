using Rostra.Core;
using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Validation;

/// <summary>
/// One minimal file per error code of SPEC.md §4, each reporting exactly that error with its row, column and value.
/// The table is checked against <see cref="IssueCodes.ErrorCodes"/>, so a new code without a case fails the suite.
/// </summary>
public sealed class ErrorCodeTests
{
    private sealed record Case(Func<Task<ValidationResult>> Validate, int? Row, string? Column, string? Value = null);

    private static readonly string Long101 = new('a', 101);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        [IssueCodes.DistrictRosterSynced] = new(
            () => Validate(UserType.Student, CsvBytes(StudentHeader, Student()), new District("lincoln-usd", "Lincoln USD", RosterSync: "clever")),
            null, null),
        [IssueCodes.FileEmpty] = new(() => Validate(UserType.Student, []), null, null),
        [IssueCodes.FileNotCsv] = new(() => Validate(UserType.Student, [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), null, null),
        [IssueCodes.FileTooLarge] = new(
            () => Validate(UserType.Student, CsvBytes(StudentHeader, Student()), limits: new ImportLimits(MaxFileBytes: 64)), null, null),
        [IssueCodes.FileTooManyRows] = new(
            () => Validate(UserType.Student, CsvBytes(StudentHeader, Student(), Student(username: "bo.li", email: "bo@lincoln.org")), limits: new ImportLimits(MaxRows: 1)),
            null, null),
        [IssueCodes.FileNoRows] = new(() => Validate(UserType.Student, StudentHeader), null, null),
        [IssueCodes.HeaderWrongTemplate] = new(() => Validate(UserType.Student, TeacherHeader, Teacher()), 1, null),
        [IssueCodes.HeaderMissingColumn] = new(
            () => Validate(UserType.Student, "First Name,Last Name,Password,Grade,School ID,Email", Line("Ann", "Lee", "Secret#12", "3", "1001", "ann@lincoln.org")),
            1, "Username"),
        [IssueCodes.HeaderUnknownColumn] = new(() => Validate(UserType.Student, StudentHeader + ",Nickname", Student() + ",Annie"), 1, "Nickname", "Nickname"),
        [IssueCodes.HeaderDuplicateColumn] = new(() => Validate(UserType.Student, StudentHeader + ",Email", Student() + ",ann@lincoln.org"), 1, "Email"),
        [IssueCodes.RowFieldCount] = new(() => Validate(UserType.Student, StudentHeader, Student() + ",extra"), 2, null),
        [IssueCodes.FieldRequired] = new(() => Validate(UserType.Student, StudentHeader, Student(first: "")), 2, "First Name"),
        [IssueCodes.FieldTooLong] = new(() => Validate(UserType.Student, StudentHeader, Student(last: Long101)), 2, "Last Name", Long101),
        [IssueCodes.FieldInvalidCharacters] = new(() => Validate(UserType.Student, StudentHeader, Student(first: "An\tn")), 2, "First Name", "An\tn"),
        [IssueCodes.UsernameInvalid] = new(() => Validate(UserType.Student, StudentHeader, Student(username: "ann lee")), 2, "Username", "ann lee"),
        [IssueCodes.UsernameDuplicate] = new(
            () => Validate(UserType.Student, StudentHeader, Student(), Student(username: "Ann.Lee", email: "ann2@lincoln.org")), 3, "Username", "Ann.Lee"),
        [IssueCodes.UsernameTaken] = new(
            () => Validate(UserType.Student, CsvBytes(StudentHeader, Student()), users: new TakenUsers(usernames: ["ANN.LEE"])), 2, "Username", "ann.lee"),
        [IssueCodes.EmailInvalid] = new(() => Validate(UserType.Student, StudentHeader, Student(email: "ann@lincoln")), 2, "Email", "ann@lincoln"),
        [IssueCodes.EmailDuplicate] = new(
            () => Validate(UserType.Student, StudentHeader, Student(), Student(username: "ann.lee2", email: "ANN@Lincoln.org")), 3, "Email", "ANN@Lincoln.org"),
        [IssueCodes.EmailTaken] = new(
            () => Validate(UserType.Student, CsvBytes(StudentHeader, Student()), users: new TakenUsers(emails: ["ann@lincoln.org"])), 2, "Email", "ann@lincoln.org"),
        [IssueCodes.EmailRequiredForSso] = new(() => Validate(UserType.Student, CsvBytes(StudentHeader, Student(email: "")), GoogleSso), 2, "Email"),
        [IssueCodes.PasswordTooShort] = new(() => Validate(UserType.Student, StudentHeader, Student(password: "Ab#4567")), 2, "Password"),
        [IssueCodes.PasswordComplexity] = new(() => Validate(UserType.Student, StudentHeader, Student(password: "secret#12")), 2, "Password"),
        [IssueCodes.GradeInvalid] = new(() => Validate(UserType.Student, StudentHeader, Student(grade: "14")), 2, "Grade", "14"),
        [IssueCodes.GradeNotOffered] = new(() => Validate(UserType.Student, StudentHeader, Student(grade: "7", school: "1001")), 2, "Grade", "7"),
        [IssueCodes.SchoolUnknown] = new(() => Validate(UserType.Student, StudentHeader, Student(school: "9999")), 2, "School ID", "9999"),
        [IssueCodes.SchoolDuplicate] = new(() => Validate(UserType.Student, StudentHeader, Student(school: "1001,1001")), 2, "School ID", "1001"),
        [IssueCodes.TeacherRoleInvalid] = new(
            () => Validate(UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin(teacherRole: "maybe")), 2, "Teacher Role", "maybe"),
        [IssueCodes.UsernameOtherType] = new(
            () => new Roster.RosterUsers(Roster.RosterUsers.Staff(1, Roles.Teacher, "ann.lee", email: "t@lincoln.org"))
                .Validate(Rostra.Core.Roster.ImportMode.Update, UserType.Student, StudentHeader, Student()), 2, "Username", "ann.lee"),
        // "José" as a Mac writes it (é = 0x8E, Ž in Windows-1252) beside "Zoë" as Windows writes it (ë = 0xEB, Î on a Mac).
        [IssueCodes.FieldDate] = new(() => Validate(UserType.Student, Corpus.CorpusFiles.Read("students-date.xlsx")), 2, "Grade", "03/04/2026"),
        [IssueCodes.FileEncodingUnknown] = new(
            () => Validate(UserType.Student, [.. CsvBytes(StudentHeader), .. "Jos"u8, 0x8E, .. ",Lee,ann.lee,Secret#12,3,1001,\r\nZo"u8, 0xEB, .. ",Lee,zoe.lee,Secret#12,3,1001,\r\n"u8]),
            null, null),
    };

    public static TheoryData<string> ErrorCodes => [.. IssueCodes.ErrorCodes];

    [Fact]
    public void Every_error_code_of_the_spec_has_a_minimal_file()
    {
        Assert.Equal(IssueCodes.ErrorCodes.Order(StringComparer.Ordinal), Cases.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ErrorCodes))]
    public async Task A_minimal_file_reports_exactly_its_error_with_row_column_and_value(string code)
    {
        var expected = Cases[code];

        var result = await expected.Validate();

        var issue = Assert.Single(result.Errors);
        AssertIssue(issue, expected.Row, expected.Column, code, expected.Value);
        Assert.False(result.IsValid);
    }

    [Theory]
    [MemberData(nameof(ErrorCodes))]
    public async Task No_error_ever_gives_a_password_as_its_value(string code)
    {
        var result = await Cases[code].Validate();

        Assert.All(result.Errors.Where(e => e.Column == "Password"), e => Assert.Null(e.Value));
        Assert.All(result.Errors, e => Assert.DoesNotContain("Secret#12", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_valid_rows_the_cases_start_from_are_valid()
    {
        var student = await Validate(UserType.Student, StudentHeader, Student());
        var teacher = await Validate(UserType.Teacher, TeacherHeader, Teacher());
        var schoolAdmin = await Validate(UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin());

        Assert.True(student.IsValid, Codes(student));
        Assert.True(teacher.IsValid, Codes(teacher));
        Assert.True(schoolAdmin.IsValid, Codes(schoolAdmin));
        Assert.Equal(1, student.Rows);
        Assert.Empty(student.Warnings);
    }

    [Fact]
    public async Task Password_errors_never_carry_the_password()
    {
        var tooLong = "Aa1#" + new string('x', 125);
        var result = await Validate(UserType.Student, StudentHeader,
            Student(password: "short"),
            Student(username: "bo.li", email: "bo@lincoln.org", password: tooLong),
            Student(username: "cy.ng", email: "cy@lincoln.org", password: "Sec\u0007ret#12"));

        Assert.Equal(
            ["2:Password:password.too_short", "2:Password:password.complexity", "3:Password:field.too_long", "4:Password:field.invalid_characters"],
            result.Errors.Select(e => $"{e.Row}:{e.Column}:{e.Code}"));
        Assert.All(result.Errors, e => Assert.Null(e.Value));
        Assert.All(result.Errors, e => Assert.DoesNotContain("short", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void The_error_codes_are_the_spec_codes_exactly()
    {
        Assert.Equal(
            [
                "district.roster_synced", "file.empty", "file.not_csv", "file.too_large", "file.too_many_rows", "file.no_rows",
                "header.wrong_template", "header.missing_column", "header.unknown_column", "header.duplicate_column", "row.field_count",
                "field.required", "field.too_long", "field.invalid_characters", "username.invalid", "username.duplicate", "username.taken",
                "email.invalid", "email.duplicate", "email.taken", "email.required_for_sso", "password.too_short", "password.complexity",
                "grade.invalid", "grade.not_offered", "school.unknown", "school.duplicate", "teacher_role.invalid",
                "username.other_type",
                "file.encoding_unknown", "field.date",
            ],
            IssueCodes.ErrorCodes);
        Assert.DoesNotContain(IssueCodes.FileEncodingFallback, IssueCodes.ErrorCodes);
    }
}
