namespace Rostra.Core.Validation;

/// <summary>
/// A short title for each kind of error, for the summary of a long error list ("1,000 × Grade is not valid"). The
/// messages of <see cref="Issues"/> say how to fix one error; a title names the kind.
/// </summary>
public static class IssueTitles
{
    /// <summary>The title of errors of <paramref name="code"/> about <paramref name="column"/> (null: no column).</summary>
    public static string Title(string code, string? column) => code switch
    {
        IssueCodes.DistrictRosterSynced => "Your district gets its users from roster sync",
        IssueCodes.FileEmpty => "The file is empty",
        IssueCodes.FileNotCsv => "The file is not a CSV file",
        IssueCodes.FileTooLarge => "The file is too large",
        IssueCodes.FileTooManyRows => "The file has too many rows",
        IssueCodes.FileNoRows => "The file has no users",
        IssueCodes.HeaderWrongTemplate => "The file is another user type's template",
        IssueCodes.HeaderMissingColumn => $"Column {Name(column)} is missing",
        IssueCodes.HeaderUnknownColumn => "A column is not in the template",
        IssueCodes.HeaderDuplicateColumn => $"Column {Name(column)} appears more than once",
        IssueCodes.RowFieldCount => "Row does not line up with the header",
        IssueCodes.FieldRequired => $"{Name(column)} is missing",
        IssueCodes.FieldTooLong => $"{Name(column)} is too long",
        IssueCodes.FieldInvalidCharacters => $"{Name(column)} has a hidden character",
        IssueCodes.UsernameInvalid => "Username is not valid",
        IssueCodes.UsernameDuplicate => "Username appears twice in the file",
        IssueCodes.UsernameTaken => "Username is already taken",
        IssueCodes.EmailInvalid => "Email is not valid",
        IssueCodes.EmailDuplicate => "Email appears twice in the file",
        IssueCodes.EmailTaken => "Email already belongs to a user",
        IssueCodes.EmailRequiredForSso => "Email is needed for Google sign-in",
        IssueCodes.PasswordTooShort => "Password is too short",
        IssueCodes.PasswordComplexity => "Password is not complex enough",
        IssueCodes.GradeInvalid => "Grade is not valid",
        IssueCodes.GradeNotOffered => "Grade is not offered at the school",
        IssueCodes.SchoolUnknown => "School ID not in your district",
        IssueCodes.SchoolDuplicate => "School ID listed twice in a cell",
        IssueCodes.TeacherRoleInvalid => "Teacher Role is not Y or N",
        // A code added later without a title: its column and code still say what it is about.
        _ => column is null ? code : $"{column}: {code}",
    };

    private static string Name(string? column) => column ?? "A column";
}
