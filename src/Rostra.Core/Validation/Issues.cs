using System.Globalization;

namespace Rostra.Core.Validation;

/// <summary>
/// Every error and warning code of SPEC.md §4, with the message a school secretary reads.
/// Messages say what is wrong and how to fix it; the value is never given for Password.
/// </summary>
public static class Issues
{
    private static string Num(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string MiB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";

    // District and file.

    public static ImportIssue DistrictRosterSynced(District district) => new(null, null, IssueCodes.DistrictRosterSynced,
        $"{district.Name} gets its users from {RosterSyncName(district.RosterSync)} roster sync, so users cannot be imported from a file. " +
        "Add or change users in your student information system; they will arrive with the next sync.");

    private static string RosterSyncName(string rosterSync) => rosterSync switch
    {
        "clever" => "Clever",
        "classlink" => "ClassLink",
        "oneroster" => "OneRoster",
        _ => rosterSync,
    };

    public static ImportIssue FileEmpty() => new(null, null, IssueCodes.FileEmpty,
        "The file is empty. Download the template, fill in one row per user below the header row, and upload it again.");

    public static ImportIssue FileNotCsv(string? kind) => new(null, null, IssueCodes.FileNotCsv, kind switch
    {
        null => "This file is not a CSV file or an Excel workbook (.xlsx). In Excel choose File > Save As, pick " +
            "\"CSV UTF-8 (Comma delimited) (*.csv)\" or \"Excel Workbook (*.xlsx)\", and upload the saved file.",
        Workbooks.WorkbookFile.Kind.Encrypted => "This file is a password-protected Excel workbook, which Rostra cannot open. " +
            "In Excel remove the password (File > Info > Protect Workbook > Encrypt with Password, and clear it), save, and upload the workbook again; " +
            "or choose File > Save As, pick \"CSV UTF-8 (Comma delimited) (*.csv)\", and upload the saved file.",
        _ => $"This file is {kind}, which Rostra does not read: it reads Excel workbooks (.xlsx) and CSV files. " +
            "In Excel choose File > Save As, pick \"Excel Workbook (*.xlsx)\" or \"CSV UTF-8 (Comma delimited) (*.csv)\", and upload the saved file.",
    });

    /// <summary>A record longer than a reader holds (16 Mi characters): a quote left open swallows the rest of the file.</summary>
    public static ImportIssue FileRecordTooLong(int row) => new(null, null, IssueCodes.FileNotCsv,
        $"Row {Num(row)} is too long to be a row of users (over 16 million characters): usually a quote (\") opens a value and is never closed, " +
        "so the rest of the file reads as one value. Check that row for a stray quote, or in Excel choose File > Save As, pick " +
        "\"CSV UTF-8 (Comma delimited) (*.csv)\", and upload the saved .csv file.");

    public static ImportIssue WorkbookTooLarge() => new(null, null, IssueCodes.FileTooLarge,
        "The workbook unpacks to more than Rostra reads in one file. Split it into several workbooks and upload them one after another.");

    public static ImportIssue FileTooLarge(long size, long limit) => new(null, null, IssueCodes.FileTooLarge,
        $"The file is {MiB(size)}; the largest file you can upload is {MiB(limit)}. Split it into several files and upload them one after another.");

    public static ImportIssue FileTooManyRows(int limit) => new(null, null, IssueCodes.FileTooManyRows,
        $"The file has more than {Num(limit)} rows, the most one file may have. Split it into several files and upload them one after another.");

    public static ImportIssue FileNoRows() => new(null, null, IssueCodes.FileNoRows,
        "The file has a header row but no users. Fill in one row per user below the header row and upload it again.");

    public static ImportIssue FileEncodingFallback() => FileEncodingFallback(1252);

    /// <summary>The file was not UTF-8 and was read in the 8-bit character set of <paramref name="codePage"/>.</summary>
    public static ImportIssue FileEncodingFallback(int codePage) => new(null, null, IssueCodes.FileEncodingFallback,
        $"The file is not in UTF-8, so it was read as {EncodingName(codePage)}. " +
        "Check that names with accents (such as José or Zoë) came out right; if they did not, save the file as \"CSV UTF-8\" in Excel and use that file.",
        EncodingLabel(codePage));

    /// <summary>The character set's name for browsers (WHATWG label), the value of the fallback warning; null when browsers have none.</summary>
    public static string? EncodingLabel(int codePage) => codePage switch
    {
        10000 => "macintosh",
        850 => null,
        _ => "windows-1252",
    };

    /// <summary>How a spreadsheet user knows an 8-bit character set: by the Save As choice that writes it.</summary>
    public static string EncodingName(int codePage) => codePage switch
    {
        10000 => "Mac text (Mac Roman), the way Excel saves \"CSV (Macintosh)\" and Mac Excel saves \"Comma Separated Values\"",
        850 => "MS-DOS text (code page 850), the way Excel saves \"CSV (MS-DOS)\"",
        _ => "Windows (Western European) text, the way Excel saves \"CSV (Comma delimited)\"",
    };

    public static ImportIssue FileEncodingUnknown() => new(null, null, IssueCodes.FileEncodingUnknown,
        "The file is not in UTF-8, and its accented letters do not read as names in any character set Excel saves " +
        "(Windows, Mac or MS-DOS), so it was not read rather than risk misspelling a name. " +
        "Open it in Excel, check the names, choose File > Save As, pick \"CSV UTF-8 (Comma delimited) (*.csv)\", and upload the saved file; " +
        "or upload the workbook (.xlsx) itself.");

    /// <summary>The file is not UTF-8 as a whole, yet part of it is written in UTF-8: two character sets in one file.</summary>
    public static ImportIssue FileEncodingMixed() => new(null, null, IssueCodes.FileEncodingUnknown,
        "Part of the file is written in UTF-8 and part in another character set (as when rows from different files are " +
        "pasted together), so the accented letters of some names cannot be read for sure, and the file was not read rather " +
        "than risk misspelling a name. Put the rows together in Excel from their original files, check the names, choose " +
        "File > Save As, pick \"CSV UTF-8 (Comma delimited) (*.csv)\", and upload the saved file; or upload the workbook (.xlsx) itself.");

    // Header (row 1).

    public static ImportIssue HeaderWrongTemplate(UserType chosen, UserType detected) => new(1, null, IssueCodes.HeaderWrongTemplate,
        $"This file is a {detected.DisplayName()} template, but you chose {chosen.DisplayName()}. " +
        $"Import it as {detected.DisplayName()} users, or fill in the {chosen.DisplayName()} template.");

    public static ImportIssue HeaderMissingColumn(UserType type, Column column) => new(1, column.HeaderName(), IssueCodes.HeaderMissingColumn,
        $"The column \"{column.HeaderName()}\" is missing. Add it to the header row (row 1) exactly as in the {type.DisplayName()} template.");

    public static ImportIssue HeaderUnknownColumn(UserType type, string header, string? suggestion) => new(1, header, IssueCodes.HeaderUnknownColumn,
        suggestion is null
            ? $"\"{ErrorLimits.Cut(header)}\" is not a column of the {type.DisplayName()} template. Rename or delete this column."
            : $"\"{ErrorLimits.Cut(header)}\" is not a column of the {type.DisplayName()} template. Did you mean \"{suggestion}\"? Rename or delete this column.",
        header);

    public static ImportIssue HeaderDuplicateColumn(Column column) => new(1, column.HeaderName(), IssueCodes.HeaderDuplicateColumn,
        $"The column \"{column.HeaderName()}\" appears more than once. Keep one of them and delete the others.");

    public static ImportIssue HeaderBlankColumn(int position) => new(1, null, IssueCodes.HeaderBlankColumn,
        $"Column {Num(position)} of the header row has no name, so its values were ignored.");

    // Rows.

    public static ImportIssue RowFieldCount(int row, int fields, int expected) => new(row, null, IssueCodes.RowFieldCount,
        fields > expected
            ? $"This row has {Num(fields)} values but the header has {Num(expected)} columns. " +
              "If a cell lists several School IDs, put the cell in double quotes (\"1001,1002\"); Excel does this when you save as CSV."
            : $"This row has {Num(fields)} values but the header has {Num(expected)} columns. Fill in the missing cells (leave optional ones blank) so the row lines up with the header.");

    public static ImportIssue FieldRequired(int row, Column column) => new(row, column.HeaderName(), IssueCodes.FieldRequired,
        $"{column.HeaderName()} is required. Fill it in.");

    public static int MaxLength(Column column) => column switch
    {
        Column.FirstName or Column.LastName => 100,
        Column.Username => 64,
        Column.Email => 254,
        Column.Password => 128,
        _ => 100,
    };

    public static ImportIssue FieldTooLong(int row, Column column, string value) => new(row, column.HeaderName(), IssueCodes.FieldTooLong,
        $"{column.HeaderName()} is {Num(value.Length)} characters long; it may have at most {Num(MaxLength(column))}. Shorten it.",
        column == Column.Password ? null : value);

    public static ImportIssue FieldInvalidCharacters(int row, Column column, string value) => new(row, column.HeaderName(), IssueCodes.FieldInvalidCharacters,
        $"{column.HeaderName()} contains a hidden control character (such as a line break or tab inside the cell). Retype the value.",
        column == Column.Password ? null : value);

    /// <summary>
    /// A cell that holds a line break: with a stray double quote, the rows after it were read into this cell, so neither
    /// its value nor any other cell of the record is shown (one of them could be a password).
    /// </summary>
    public static ImportIssue FieldLineBreak(int row, string column) => new(row, column, IssueCodes.FieldInvalidCharacters,
        $"{ErrorLimits.Cut(column)} holds a line break, so this row may have swallowed the rows below it (a stray double quote?). " +
        "Its cells are not shown. Remove the line break or the stray quote.");

    public static ImportIssue UsernameInvalid(int row, string value) => new(row, Column.Username.HeaderName(), IssueCodes.UsernameInvalid,
        "A username must be 3 to 64 characters long and use only letters, digits, and . _ - @ (no spaces). Change it.", value);

    public static ImportIssue UsernameDuplicate(int row, string value, int firstRow) => new(row, Column.Username.HeaderName(), IssueCodes.UsernameDuplicate,
        $"This username is already used in row {Num(firstRow)} of this file. Every user needs a different username.", value);

    public static ImportIssue UsernameTaken(int row, string value) => new(row, Column.Username.HeaderName(), IssueCodes.UsernameTaken,
        "This username already belongs to a user on the platform. Choose a different username.", value);

    /// <summary>A file adding new users names one the district already has, of the same type: it was meant to update them.</summary>
    public static ImportIssue UsernameTakenInDistrict(int row, string value, UserType type) => new(row, Column.Username.HeaderName(), IssueCodes.UsernameTaken,
        $"This username already belongs to a {type.DisplayName().ToLowerInvariant()} of your district, and this file only adds new users. " +
        "To change the users you already have, upload the file again and choose “Add new and update existing users” (on the command line, --mode update).",
        value);

    public static ImportIssue EmailInvalid(int row, string value) => new(row, Column.Email.HeaderName(), IssueCodes.EmailInvalid,
        "This is not a valid email address. Write it like name@school.org, without spaces.", value);

    public static ImportIssue EmailDuplicate(int row, string value, int firstRow) => new(row, Column.Email.HeaderName(), IssueCodes.EmailDuplicate,
        $"This email is already used in row {Num(firstRow)} of this file. Every user needs a different email address.", value);

    public static ImportIssue EmailTaken(int row, string value) => new(row, Column.Email.HeaderName(), IssueCodes.EmailTaken,
        "This email already belongs to a user on the platform. Use a different email address.", value);

    public static ImportIssue EmailRequiredForSso(int row) => new(row, Column.Email.HeaderName(), IssueCodes.EmailRequiredForSso,
        "Your district signs in with Google, so every student needs an email address. Fill in the student's Google email.");

    public static ImportIssue PasswordTooShort(int row, UserType type, int minimum) => new(row, Column.Password.HeaderName(), IssueCodes.PasswordTooShort,
        $"A {type.DisplayName().ToLowerInvariant()} password must be at least {minimum} characters long. Make it longer.");

    public static ImportIssue PasswordComplexity(int row, IReadOnlyList<string> lacking) => new(row, Column.Password.HeaderName(), IssueCodes.PasswordComplexity,
        $"The password needs {JoinAnd(lacking)}. Add {(lacking.Count == 1 ? "it" : "them")} to the password.");

    public static ImportIssue FieldReplacedCharacters(int row, Column column, string value) => new(row, column.HeaderName(), IssueCodes.FieldReplacedCharacters,
        $"{column.HeaderName()} \"{value}\" has a question mark where a letter probably was: a spreadsheet writes \"?\" for a letter " +
        "(such as ễ or ł) that the file's character set cannot hold, and the letter is lost. Check the name; to keep every letter, " +
        "save the file as \"CSV UTF-8\" in Excel (File > Save As) or upload the workbook (.xlsx) itself.",
        value);

    public static ImportIssue FieldDate(int row, Column column, string shown) => new(row, column.HeaderName(), IssueCodes.FieldDate,
        $"{column.HeaderName()} holds a date ({(column == Column.Password ? "not shown" : shown)}), not the text typed: Excel turns values such as 3-4 or 1/2 into dates. " +
        $"Format the {column.HeaderName()} column as Text (Home > Number Format > Text), type the value again, and upload the workbook again.",
        column == Column.Password ? null : shown);

    public static ImportIssue GradeInvalid(int row, string value) => new(row, Column.Grade.HeaderName(), IssueCodes.GradeInvalid,
        "Grade must be PK, TK, K, or a number from 1 to 13. Change it.", value);

    public static ImportIssue GradeNotOffered(int row, Grade grade, School school) => new(row, Column.Grade.HeaderName(), IssueCodes.GradeNotOffered,
        $"Grade {grade} is not offered at school {school.SchoolId} ({school.Name}), which has grades {school.Grades}. Check the grade or the School ID.",
        grade.ToString());

    public static ImportIssue SchoolUnknown(int row, string value, string? leadingZeroMatch) => new(row, Column.SchoolId.HeaderName(), IssueCodes.SchoolUnknown,
        leadingZeroMatch is null
            ? $"There is no school with School ID {ErrorLimits.Cut(value)} in your district. Check the School ID on the Schools page."
            : leadingZeroMatch.Length < value.Length
                ? $"There is no school with School ID {ErrorLimits.Cut(value)} in your district, but there is {leadingZeroMatch}. " +
                  $"Remove the extra {(value.Length - leadingZeroMatch.Length == 1 ? "zero" : "zeros")} at the start of the School ID."
                : $"There is no school with School ID {ErrorLimits.Cut(value)} in your district, but there is {leadingZeroMatch}. " +
                  "Excel may have removed the leading zeros: format the School ID column as Text and type the ID again.",
        value);

    public static ImportIssue SchoolDuplicate(int row, string value) => new(row, Column.SchoolId.HeaderName(), IssueCodes.SchoolDuplicate,
        $"School ID {ErrorLimits.Cut(value)} is listed twice in this cell. List each school once.", value);

    public static ImportIssue TeacherRoleInvalid(int row, string value) => new(row, Column.TeacherRole.HeaderName(), IssueCodes.TeacherRoleInvalid,
        "Teacher Role must be Y or N (or Yes or No); leave it blank for N.", value);

    // Update and sync (SPEC §10).

    public static ImportIssue UsernameOtherType(int row, string value, UserType? existingType) => new(row, Column.Username.HeaderName(), IssueCodes.UsernameOtherType,
        (existingType is { } t ? $"This username belongs to a {t.DisplayName().ToLowerInvariant()} of your district" : "This username belongs to a district admin of your district") +
        ", not to a user of the type you are importing. Import this row with the right user type, or choose a different username.", value);

    public static ImportIssue UserChanged(int? row, string username) => new(row, Column.Username.HeaderName(), IssueCodes.UserChanged,
        "This user was changed by someone else after the file was checked, so nothing was imported. Upload the file again to see the changes it makes now.",
        username);

    public static ImportIssue DeactivationThreshold(int deactivations, int limit) => new(null, null, IssueCodes.ImportDeactivationThreshold,
        $"This file would deactivate {Num(deactivations)} users, more than the {Num(limit)} that can be deactivated without a check. " +
        $"If the file is really the full roster, confirm again and allow exactly {Num(deactivations)} deactivations.");

    public static ImportIssue RevertConflict(string reason) => new(null, null, IssueCodes.ImportRevertConflict, reason);

    private static string JoinAnd(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        2 => $"{items[0]} and {items[1]}",
        _ => string.Join(", ", items.Take(items.Count - 1)) + ", and " + items[^1],
    };
}
