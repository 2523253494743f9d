using System.Text;

namespace Rostra.Core;

/// <summary>A column of an import template, in no particular template's order.</summary>
public enum Column
{
    FirstName,
    LastName,
    Username,
    Password,
    Grade,
    SchoolId,
    Email,
    TeacherRole,
}

/// <summary>The CSV templates of SPEC.md §2: which columns each user type has, in order.</summary>
public static class Templates
{
    private static readonly Column[] StudentColumns =
        [Column.FirstName, Column.LastName, Column.Username, Column.Password, Column.Grade, Column.SchoolId, Column.Email];

    private static readonly Column[] TeacherColumns =
        [Column.FirstName, Column.LastName, Column.Username, Column.Password, Column.Email, Column.SchoolId];

    private static readonly Column[] SchoolAdminColumns =
        [Column.FirstName, Column.LastName, Column.Username, Column.Password, Column.Email, Column.SchoolId, Column.TeacherRole];

    /// <summary>Every column that appears in some template.</summary>
    public static IReadOnlyList<Column> AllColumns { get; } = Enum.GetValues<Column>();

    /// <summary>The template's columns in the template's order.</summary>
    public static IReadOnlyList<Column> Columns(UserType type) => type switch
    {
        UserType.Student => StudentColumns,
        UserType.Teacher => TeacherColumns,
        UserType.SchoolAdmin => SchoolAdminColumns,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The header text of a column, exactly as in the template.</summary>
    public static string HeaderName(this Column column) => column switch
    {
        Column.FirstName => "First Name",
        Column.LastName => "Last Name",
        Column.Username => "Username",
        Column.Password => "Password",
        Column.Grade => "Grade",
        Column.SchoolId => "School ID",
        Column.Email => "Email",
        Column.TeacherRole => "Teacher Role",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    /// <summary>Matches a header cell to a column: case-insensitive, surrounding spaces ignored.</summary>
    public static bool TryParseHeader(string? text, out Column column)
    {
        var trimmed = text?.Trim();
        foreach (var c in AllColumns)
        {
            if (string.Equals(c.HeaderName(), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <summary>The header row, comma-separated, without line end.</summary>
    public static string HeaderLine(UserType type) => string.Join(',', Columns(type).Select(c => c.HeaderName()));

    /// <summary>The template file: UTF-8 with BOM, header row only, CRLF.</summary>
    public static byte[] FileBytes(UserType type)
    {
        var text = HeaderLine(type) + "\r\n";
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];
    }

    /// <summary>The download file name, e.g. <c>rostra-student-template.csv</c>.</summary>
    public static string FileName(UserType type) => $"rostra-{type.Slug()}-template.csv";
}
