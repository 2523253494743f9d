namespace Rostra.Core.Validation;

/// <summary>Every error and warning code of SPEC.md §4. <see cref="Issues"/> builds the issues with their messages.</summary>
public static class IssueCodes
{
    public const string DistrictRosterSynced = "district.roster_synced";
    public const string FileEmpty = "file.empty";
    public const string FileNotCsv = "file.not_csv";
    public const string FileTooLarge = "file.too_large";
    public const string FileTooManyRows = "file.too_many_rows";
    public const string FileNoRows = "file.no_rows";
    public const string HeaderWrongTemplate = "header.wrong_template";
    public const string HeaderMissingColumn = "header.missing_column";
    public const string HeaderUnknownColumn = "header.unknown_column";
    public const string HeaderDuplicateColumn = "header.duplicate_column";
    public const string RowFieldCount = "row.field_count";
    public const string FieldRequired = "field.required";
    public const string FieldTooLong = "field.too_long";
    public const string FieldInvalidCharacters = "field.invalid_characters";
    public const string UsernameInvalid = "username.invalid";
    public const string UsernameDuplicate = "username.duplicate";
    public const string UsernameTaken = "username.taken";
    public const string EmailInvalid = "email.invalid";
    public const string EmailDuplicate = "email.duplicate";
    public const string EmailTaken = "email.taken";
    public const string EmailRequiredForSso = "email.required_for_sso";
    public const string PasswordTooShort = "password.too_short";
    public const string PasswordComplexity = "password.complexity";
    public const string GradeInvalid = "grade.invalid";
    public const string GradeNotOffered = "grade.not_offered";
    public const string SchoolUnknown = "school.unknown";
    public const string SchoolDuplicate = "school.duplicate";
    public const string TeacherRoleInvalid = "teacher_role.invalid";

    /// <summary>
    /// The file is not UTF-8 and its character set cannot be told with confidence (SPEC §3: refused rather than
    /// guessed, so no name is imported with other letters than typed).
    /// </summary>
    public const string FileEncodingUnknown = "file.encoding_unknown";

    /// <summary>A workbook cell holds a date (SPEC §11: never silently a number; no template column is a date).</summary>
    public const string FieldDate = "field.date";

    /// <summary>Update and sync: the username belongs to a user of this district of another user type.</summary>
    public const string UsernameOtherType = "username.other_type";

    // Reported when an update or sync is confirmed or reverted, not by validation (SPEC §10).

    /// <summary>A planned user was changed by someone else after validation.</summary>
    public const string UserChanged = "user.changed";

    /// <summary>A sync would deactivate more users than the threshold and the confirm did not name the number.</summary>
    public const string ImportDeactivationThreshold = "import.deactivation_threshold";

    /// <summary>A revert is not possible: a later change touched those users, it is too old, or not the latest.</summary>
    public const string ImportRevertConflict = "import.revert_conflict";

    /// <summary>Warning: the file was not UTF-8 and was read as Windows-1252.</summary>
    public const string FileEncodingFallback = "file.encoding_fallback";

    /// <summary>Warning: a <c>?</c> inside a First or Last Name, where a spreadsheet wrote a letter its character set could not hold.</summary>
    public const string FieldReplacedCharacters = "field.replaced_characters";

    /// <summary>Warning: a header cell was blank and its column was ignored.</summary>
    public const string HeaderBlankColumn = "header.blank_column";

    /// <summary>Every error code, in SPEC.md's order.</summary>
    public static IReadOnlyList<string> ErrorCodes { get; } =
    [
        DistrictRosterSynced, FileEmpty, FileNotCsv, FileTooLarge, FileTooManyRows, FileNoRows,
        HeaderWrongTemplate, HeaderMissingColumn, HeaderUnknownColumn, HeaderDuplicateColumn, RowFieldCount,
        FieldRequired, FieldTooLong, FieldInvalidCharacters, UsernameInvalid, UsernameDuplicate, UsernameTaken,
        EmailInvalid, EmailDuplicate, EmailTaken, EmailRequiredForSso, PasswordTooShort, PasswordComplexity,
        GradeInvalid, GradeNotOffered, SchoolUnknown, SchoolDuplicate, TeacherRoleInvalid, UsernameOtherType,
        FileEncodingUnknown, FieldDate,
    ];
}
