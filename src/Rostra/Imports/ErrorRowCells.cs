using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Imports;

/// <summary>
/// The cells the error report gives back: the file's header as written, and each row with errors as written,
/// with Password blanked. Read from the upload on the node that received it, kept in the database.
/// </summary>
/// <remarks>
/// A password is only known by its column in a row that lines up with the header. A row with more or fewer fields
/// than the header (an unquoted comma, a short row, a semicolon row under a comma header, an unterminated quote) may
/// hold the password in any of its cells, so none of its cells is kept: the report shows that row blank with a note.
/// Kept cells are cut to <see cref="ErrorLimits.MaxValueLength"/> characters.
/// </remarks>
public static class ErrorRowCells
{
    /// <summary>
    /// The header and the cells of <paramref name="rows"/>; null when the file is not text (no columns to give back).
    /// Rewinds <paramref name="file"/> first.
    /// </summary>
    public static (IReadOnlyList<string> Header, List<ErrorRow> Rows)? Read(Stream file, IReadOnlySet<int> rows, CancellationToken cancellationToken)
    {
        file.Position = 0;
        CsvFormat format;
        try
        {
            format = CsvFile.Detect(file, cancellationToken);
        }
        catch (CsvFileException)
        {
            return null;
        }
        using var records = CsvFile.ReadRecords(file, format, cancellationToken).GetEnumerator();
        string[] header = [];
        while (MoveNext(records))
        {
            if (records.Current.IsBlank) continue;
            header = [.. records.Current.Fields.Select(cell => ErrorLimits.Cut(cell)!)];
            break;
        }
        var password = PasswordIndex(header);
        var result = new List<ErrorRow>();
        var left = rows.Count(r => r > 1);
        while (left > 0 && MoveNext(records))
        {
            var record = records.Current;
            if (!rows.Contains(record.Row)) continue;
            left--;
            if (!LinesUp(record.Fields, header.Length)) continue;
            result.Add(new ErrorRow(record.Row, record.Fields.Select((cell, i) => i == password ? null : ErrorLimits.Cut(cell)).ToArray()));
        }
        return (header, result);
    }

    /// <summary>
    /// Cells for rows that validated clean and failed later (a username taken before the final write), rebuilt from
    /// the staged row in the file's column order: what the admin wrote, trimmed, Password blank.
    /// </summary>
    public static ErrorRow FromStaged(IReadOnlyList<string> header, NewUser row) =>
        new(row.Row!.Value, header.Select(cell => Templates.TryParseHeader(cell, out var column) ? Cell(column, row) : null).ToArray());

    private static string? Cell(Column column, NewUser row) => column switch
    {
        Column.FirstName => row.FirstName,
        Column.LastName => row.LastName,
        Column.Username => row.Username,
        Column.Grade => row.Grade?.ToString(),
        Column.SchoolId => string.Join(",", row.SchoolIds),
        Column.Email => row.Email,
        Column.TeacherRole => row.Roles.Contains(Roles.Teacher) ? "Y" : "N",
        _ => null,
    };

    /// <summary>
    /// The rule of the password cell: only the cells of a record that lines up may be kept or shown — as many fields as
    /// the header has cells, and none holding a line break (a record over several lines may have swallowed other rows,
    /// their passwords with them, through a stray quote).
    /// </summary>
    public static bool LinesUp(string[] fields, int headerCells) => fields.Length == headerCells && !FileValidator.SpansLines(fields);

    /// <summary>The next record; false at the end, or at a record too long to read (validation reported it).</summary>
    private static bool MoveNext(IEnumerator<CsvRecord> records)
    {
        try
        {
            return records.MoveNext();
        }
        catch (CsvFileException)
        {
            return false;
        }
    }

    private static int PasswordIndex(string[] header) =>
        Array.FindIndex(header, cell => Templates.TryParseHeader(cell, out var column) && column == Column.Password);
}
