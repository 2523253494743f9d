using Rostra.Core.Csv;

namespace Rostra.Core.Roster;

/// <summary>A user as the round-trip export writes it.</summary>
public sealed record ExportedUser(
    string Username, string FirstName, string? LastName, string? Email, IReadOnlyList<string> Roles, string? Grade, IReadOnlyList<string> SchoolIds);

/// <summary>
/// The district's users of one type in that type's template columns (SPEC §10): Password blank, several School IDs in
/// one cell, Teacher Role as Y/N, every cell formula-safe. Uploaded again unchanged in update or sync, it plans no change.
/// </summary>
public static class RosterExport
{
    /// <summary>The download file name, e.g. <c>rostra-students.csv</c>.</summary>
    public static string FileName(UserType type, string extension = "csv") => type switch
    {
        UserType.Student => $"rostra-students.{extension}",
        UserType.Teacher => $"rostra-teachers.{extension}",
        _ => $"rostra-school-admins.{extension}",
    };

    /// <summary>The header cells: the template's.</summary>
    public static IReadOnlyList<string> Header(UserType type) => [.. Templates.Columns(type).Select(c => c.HeaderName())];

    /// <summary>One user's cells in template order, not yet neutralised.</summary>
    public static IReadOnlyList<string?> Cells(UserType type, ExportedUser user) =>
        [.. Templates.Columns(type).Select(column => column switch
        {
            Column.FirstName => user.FirstName,
            Column.LastName => user.LastName,
            Column.Username => user.Username,
            Column.Password => null,
            Column.Email => user.Email,
            Column.Grade => user.Grade,
            Column.SchoolId => string.Join(',', user.SchoolIds),
            Column.TeacherRole => user.Roles.Contains(Roles.Teacher, StringComparer.Ordinal) ? "Y" : "N",
            _ => null,
        })];

    /// <summary>Writes the CSV: UTF-8 with BOM (the caller's writer), CRLF, header first, cells formula-safe.</summary>
    public static async Task WriteCsvAsync(TextWriter writer, UserType type, IAsyncEnumerable<ExportedUser> users, CancellationToken cancellationToken)
    {
        CsvExport.WriteRecord(writer, Header(type));
        await foreach (var user in users.WithCancellation(cancellationToken))
        {
            CsvExport.WriteRecord(writer, Cells(type, user));
        }
        await writer.FlushAsync(cancellationToken);
    }
}
