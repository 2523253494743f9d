using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Validations;
using SpreadCheetah.Worksheets;

namespace Rostra.Core.Workbooks;

/// <summary>
/// The Excel template of a user type (SPEC §11): the header row bold and frozen; Username, Password, School ID and
/// Email formatted as text so leading zeros and long digits stay as typed; drop-downs of the grades and of Teacher
/// Role; for a district, a second sheet of its schools with their grades. Written streaming with SpreadCheetah.
/// </summary>
public static class TemplateWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The drop-down values of Grade, in SPEC order.</summary>
    public static IReadOnlyList<string> GradeChoices { get; } = [.. Grade.All.Select(g => g.ToString())];

    /// <summary>The drop-down values of Teacher Role.</summary>
    public static IReadOnlyList<string> TeacherRoleChoices { get; } = ["Y", "N"];

    /// <summary>The columns formatted as text.</summary>
    public static IReadOnlyList<Column> TextColumns { get; } = [Column.Username, Column.Password, Column.SchoolId, Column.Email];

    /// <summary>The name of the schools sheet of a district's template.</summary>
    public const string SchoolsSheet = "Schools";

    /// <summary>The download file name, e.g. <c>rostra-student-template.xlsx</c>.</summary>
    public static string FileName(UserType type) => $"rostra-{type.Slug()}-template.xlsx";

    /// <summary>The name of the first sheet, e.g. "Students".</summary>
    public static string SheetName(UserType type) => type.DisplayName() + "s";

    /// <summary>Writes the template of <paramref name="type"/>; with <paramref name="schools"/>, a second sheet lists them.</summary>
    public static async Task WriteAsync(Stream output, UserType type, IReadOnlyList<School>? schools, CancellationToken cancellationToken)
    {
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(output, cancellationToken: cancellationToken);
        var header = spreadsheet.AddStyle(new Style { Font = { Bold = true } });
        var textStyle = new Style { Format = NumberFormat.Standard(StandardNumberFormat.Text) };
        var text = spreadsheet.AddStyle(textStyle);
        var columns = Templates.Columns(type);

        var options = new WorksheetOptions { FrozenRows = 1 };
        for (var i = 0; i < columns.Count; i++)
        {
            var column = options.Column(i + 1);
            column.Width = columns[i] == Column.Email ? 30 : 18;
            if (TextColumns.Contains(columns[i])) column.DefaultStyle = textStyle;
        }
        await spreadsheet.StartWorksheetAsync(SheetName(type), options, cancellationToken);
        await spreadsheet.AddHeaderRowAsync([.. columns.Select(c => c.HeaderName())], header, cancellationToken);
        for (var i = 0; i < columns.Count; i++)
        {
            var choices = columns[i] switch
            {
                Column.Grade => GradeChoices,
                Column.TeacherRole => TeacherRoleChoices,
                _ => null,
            };
            if (choices is null) continue;
            var validation = DataValidation.ListValues(choices);
            // A warning, not a block: Rostra also reads "k", "01", "Yes" and a blank Teacher Role.
            validation.ErrorType = ValidationErrorType.Warning;
            validation.ErrorTitle = columns[i].HeaderName();
            validation.ErrorMessage = columns[i] == Column.Grade
                ? "Grade is PK, TK, K or a number from 1 to 13."
                : "Teacher Role is Y or N (blank means N).";
            var letter = ColumnLetter(i + 1);
            spreadsheet.AddDataValidation($"{letter}2:{letter}1048576", validation);
        }

        if (schools is not null)
        {
            var schoolOptions = new WorksheetOptions { FrozenRows = 1 };
            schoolOptions.Column(1).Width = 14;
            schoolOptions.Column(1).DefaultStyle = textStyle;
            schoolOptions.Column(2).Width = 36;
            schoolOptions.Column(3).Width = 18;
            schoolOptions.Column(3).DefaultStyle = textStyle;
            await spreadsheet.StartWorksheetAsync(SchoolsSheet, schoolOptions, cancellationToken);
            await spreadsheet.AddHeaderRowAsync(["School ID", "Name", "Grades"], header, cancellationToken);
            foreach (var school in schools.OrderBy(s => s.SchoolId, StringComparer.OrdinalIgnoreCase))
            {
                await spreadsheet.AddRowAsync(
                    [new Cell(school.SchoolId, text), new Cell(school.Name), new Cell(school.Grades.ToString(), text)], cancellationToken);
            }
        }
        await spreadsheet.FinishAsync(cancellationToken);
    }

    /// <summary>The letters of a 1-based column number: 1 is A, 27 is AA.</summary>
    internal static string ColumnLetter(int column)
    {
        var letters = "";
        for (; column > 0; column = (column - 1) / 26) letters = (char)('A' + (column - 1) % 26) + letters;
        return letters;
    }
}
