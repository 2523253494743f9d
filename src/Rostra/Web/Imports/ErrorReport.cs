using System.Text;
using Rostra.Core;

namespace Rostra.Web.Imports;

/// <summary>
/// The error report of an import (<c>GET /api/imports/{id}/errors.csv</c>): the uploaded file's own columns,
/// header as written, with Password blanked, then <c>Row</c> and <c>Errors</c> (every message of the row),
/// only for rows with errors, so the admin can fix the file in Excel. UTF-8 with BOM, CRLF.
/// Cells that a spreadsheet would run as a formula are neutralised.
/// </summary>
internal static class ErrorReport
{
    public const string RowColumn = "Row";
    public const string ErrorsColumn = "Errors";

    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>Writes the report of <paramref name="upload"/> to <paramref name="path"/>, replacing it whole.</summary>
    public static async Task WriteFileAsync(Stream upload, IReadOnlyList<ImportIssue> errors, string path, CancellationToken cancellationToken)
    {
        var partial = path + ".part";
        await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await WriteAsync(upload, errors, output, cancellationToken);
        }
        File.Move(partial, path, overwrite: true);
    }

    public static async Task WriteAsync(Stream upload, IReadOnlyList<ImportIssue> errors, Stream output, CancellationToken cancellationToken)
    {
        var byRow = new Dictionary<int, List<ImportIssue>>();
        var fileLevel = new List<ImportIssue>();
        foreach (var error in errors)
        {
            if (error.Row is { } row)
            {
                if (!byRow.TryGetValue(row, out var list))
                {
                    byRow[row] = list = [];
                }
                list.Add(error);
            }
            else
            {
                fileLevel.Add(error);
            }
        }

        await using var writer = new StreamWriter(output, Utf8WithBom, 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await using var records = await UploadReader.OpenAsync(upload, cancellationToken);
        var header = records.Header;
        var password = -1;
        for (var i = 0; i < header.Count; i++)
        {
            if (Templates.TryParseHeader(header[i], out var column) && column == Column.Password)
            {
                password = i;
            }
        }
        var width = header.Count;
        var cells = new string?[width + 2];

        WriteLine(writer, [.. header, RowColumn, ErrorsColumn]);
        if (fileLevel.Count > 0)
        {
            Array.Clear(cells);
            cells[width + 1] = Join(fileLevel);
            WriteLine(writer, cells);
        }
        if (byRow.Count == 0)
        {
            return;
        }
        while (await records.ReadAsync(cancellationToken) is { } record)
        {
            if (!byRow.TryGetValue(record.Row, out var rowErrors))
            {
                continue;
            }
            Array.Clear(cells);
            for (var i = 0; i < width && i < record.Fields.Count; i++)
            {
                cells[i] = i == password ? null : record.Fields[i];
            }
            cells[width] = record.Row.ToString(System.Globalization.CultureInfo.InvariantCulture);
            cells[width + 1] = Join(rowErrors);
            WriteLine(writer, cells);
        }
    }

    /// <summary>All messages of a row in one cell, each led by its column.</summary>
    private static string Join(IEnumerable<ImportIssue> errors) =>
        string.Join(" | ", errors.Select(e => e.Column is null ? e.Message : $"{e.Column}: {e.Message}"));

    private static void WriteLine(TextWriter writer, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }
            writer.Write(Cell(cells[i]));
        }
        writer.WriteLine();
    }

    /// <summary>
    /// One CSV cell: a value a spreadsheet would treat as a formula (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>,
    /// tab or carriage return first) gets a leading <c>'</c>; quoted when it holds a comma, quote or line break.
    /// </summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
