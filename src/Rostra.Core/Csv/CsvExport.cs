using System.Text;

namespace Rostra.Core.Csv;

/// <summary>Writing CSV that people open in Excel: RFC 4180 quoting and formula-injection neutralising.</summary>
public static class CsvExport
{
    /// <summary>
    /// A cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return would run as a formula
    /// in a spreadsheet; it gets a leading apostrophe so it is shown as text.
    /// </summary>
    public static string Neutralize(string? value)
    {
        if (string.IsNullOrEmpty(value)) return value ?? "";
        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }

    /// <summary>
    /// The value of a cell as <see cref="Neutralize"/> wrote it: the leading apostrophe before <c>=</c>, <c>+</c>,
    /// <c>-</c>, <c>@</c>, tab or carriage return dropped, so a file Rostra exported reads back as the values it held.
    /// Any other apostrophe (<c>'Ava</c>, <c>O'Brien</c>) is part of the value.
    /// </summary>
    public static string Restore(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;

    /// <summary>Quotes a cell when it holds a comma, quote or line break (RFC 4180).</summary>
    public static string Quote(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0) return value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Writes one record: each cell neutralised, quoted as needed, comma-separated, CRLF-terminated.</summary>
    public static void WriteRecord(TextWriter writer, IEnumerable<string?> cells)
    {
        var first = true;
        foreach (var cell in cells)
        {
            if (!first) writer.Write(',');
            writer.Write(Quote(Neutralize(cell)));
            first = false;
        }
        writer.Write("\r\n");
    }

    /// <summary>UTF-8 with a BOM, so Excel reads accented names right.</summary>
    public static Encoding Utf8WithBom { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
}
