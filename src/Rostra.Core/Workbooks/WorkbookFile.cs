using System.Globalization;
using System.IO.Compression;
using System.Text;
using ExcelDataReader;
using ExcelNumberFormat;
using Rostra.Core.Csv;
using Rostra.Core.Validation;

namespace Rostra.Core.Workbooks;

/// <summary>
/// Reads an Excel workbook (.xlsx) the way SPEC §11 says: the first worksheet, row by row as the sheet numbers them,
/// each cell as the text it shows. Recognises the workbooks it cannot read (macro-enabled, password-protected, .xls,
/// OpenDocument) so they get <c>file.not_csv</c> with words that say which.
/// </summary>
/// <remarks>
/// ExcelDataReader streams the worksheet XML (one row in memory) and keeps only the shared strings whole; it was
/// measured against the Open XML SDK's SAX reader on a 300,000-row LibreOffice workbook and read it in about half
/// the time with the same peak memory (docs of bench/). Zip bombs: the parts' declared unpacked sizes are checked
/// before anything is unpacked, and the shared strings, the one part held whole, have a bound of their own.
/// </remarks>
public static class WorkbookFile
{
    /// <summary>Unpacked size of all parts together, at most: a million rows of seven columns unpack to well under this.</summary>
    internal const long MaxUnpackedBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Unpacked size of the shared strings, at most: they are held in memory while the sheet is read.</summary>
    internal const long MaxSharedStringBytes = 256L * 1024 * 1024;

    static WorkbookFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>True when the file starts as a zip archive does (.xlsx, .xlsm, .ods and other zips).</summary>
    public static bool IsZip(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 0x03 && head[3] == 0x04;

    /// <summary>True when the file starts as an OLE compound file does (.xls, and password-protected workbooks).</summary>
    public static bool IsCompoundFile(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0xD0 && head[1] == 0xCF && head[2] == 0x11 && head[3] == 0xE0;

    /// <summary>
    /// Checks that a zip file is a plain .xlsx workbook this reader may open; otherwise the issue to report.
    /// Leaves the stream at its start.
    /// </summary>
    public static ImportIssue? Check(Stream stream)
    {
        stream.Position = 0;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            long unpacked = 0;
            ZipArchiveEntry? contentTypes = null, workbook = null;
            foreach (var entry in zip.Entries)
            {
                unpacked += entry.Length;
                var name = entry.FullName;
                if (name.Equals("[Content_Types].xml", StringComparison.OrdinalIgnoreCase)) contentTypes = entry;
                else if (name.Equals("xl/workbook.xml", StringComparison.OrdinalIgnoreCase)) workbook = entry;
                else if (name.Equals("xl/workbook.bin", StringComparison.OrdinalIgnoreCase)) return Issues.FileNotCsv(Kind.Binary);
                else if (name.Equals("xl/vbaProject.bin", StringComparison.OrdinalIgnoreCase)) return Issues.FileNotCsv(Kind.MacroEnabled);
                else if (name.Equals("mimetype", StringComparison.Ordinal)) return Issues.FileNotCsv(Kind.OpenDocument);
                else if (name.Equals("xl/sharedStrings.xml", StringComparison.OrdinalIgnoreCase) && entry.Length > MaxSharedStringBytes)
                    return Issues.WorkbookTooLarge();
            }
            if (workbook is null || contentTypes is null) return Issues.FileNotCsv(null);
            if (unpacked > MaxUnpackedBytes) return Issues.WorkbookTooLarge();
            if (contentTypes.Length > 1024 * 1024) return Issues.FileNotCsv(null);
            using var reader = new StreamReader(contentTypes.Open(), Encoding.UTF8);
            var types = reader.ReadToEnd();
            if (types.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase)) return Issues.FileNotCsv(Kind.MacroEnabled);
            if (types.Contains("sheet.binary", StringComparison.OrdinalIgnoreCase)) return Issues.FileNotCsv(Kind.Binary);
            return null;
        }
        catch (InvalidDataException)
        {
            return Issues.FileNotCsv(null);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    /// <summary>
    /// The issue for an OLE compound file: a password-protected workbook (its package is stored encrypted in a
    /// stream named <c>EncryptedPackage</c>) or an Excel 97-2003 workbook.
    /// </summary>
    public static ImportIssue CompoundFileIssue(Stream stream, CancellationToken cancellationToken)
    {
        var name = Encoding.Unicode.GetBytes("EncryptedPackage");
        stream.Position = 0;
        var buffer = new byte[1 << 16];
        var carry = 0;
        int read;
        try
        {
            while ((read = stream.Read(buffer, carry, buffer.Length - carry)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var length = carry + read;
                if (buffer.AsSpan(0, length).IndexOf(name) >= 0) return Issues.FileNotCsv(Kind.Encrypted);
                carry = Math.Min(name.Length - 1, length);
                buffer.AsSpan(length - carry, carry).CopyTo(buffer);
            }
            return Issues.FileNotCsv(Kind.Xls);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    /// <summary>How the messages of <c>file.not_csv</c> name a file.</summary>
    public static class Kind
    {
        public const string MacroEnabled = "a macro-enabled Excel workbook (.xlsm)";
        public const string Binary = "an Excel binary workbook (.xlsb)";
        public const string Encrypted = "a password-protected Excel workbook";
        public const string Xls = "an Excel 97-2003 workbook (.xls)";
        public const string OpenDocument = "an OpenDocument spreadsheet (.ods)";
    }

    /// <summary>
    /// The rows of the first worksheet, numbered as the sheet numbers them (blank rows included, so numbering stays
    /// right; callers skip them), each cell as the text it shows. A cell holding a date is given as it shows and
    /// flagged in <see cref="CsvRecord.DateFields"/>: no template column holds a date.
    /// </summary>
    public static IEnumerable<CsvRecord> ReadRecords(Stream stream, CancellationToken cancellationToken = default)
    {
        stream.Position = 0;
        using var reader = Unreadable(() => ExcelReaderFactory.CreateOpenXmlReader(stream, new ExcelReaderConfiguration { LeaveOpen = true }));
        var formats = new Dictionary<string, NumberFormat>(StringComparer.Ordinal);
        var rows = 0;
        var width = 0;
        while (Unreadable(reader.Read))
        {
            if ((++rows & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            var count = reader.FieldCount;
            // A row is as wide as the header (the first row with something in it): a sheet has no field count, and its
            // used range often reaches past the header. A value right of the header is kept, so the row is reported.
            while (count > 0 && (reader.IsDBNull(count - 1) || reader.GetValue(count - 1) is string { Length: 0 })) count--;
            if (width == 0) width = count;
            else count = Math.Max(count, width);
            var fields = new string[count];
            List<int>? dates = null;
            for (var i = 0; i < count; i++)
            {
                var value = reader.GetValue(i);
                fields[i] = value switch
                {
                    null => "",
                    string text => text,
                    double number => Display(number, reader.GetNumberFormatString(i), formats),
                    DateTime date => DisplayDate(date, reader.GetNumberFormatString(i), formats),
                    bool flag => flag ? "TRUE" : "FALSE",
                    TimeSpan time => time.ToString("c", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
                };
                if (value is DateTime) (dates ??= []).Add(i);
            }
            yield return new CsvRecord(reader.Depth + 1, fields, dates?.ToArray());
        }
    }

    /// <summary>A workbook whose parts do not read as a workbook's (damaged, or not made by a spreadsheet) is no workbook.</summary>
    private static T Unreadable<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is System.Xml.XmlException or InvalidDataException or FormatException or ExcelDataReader.Exceptions.ExcelReaderException
            or InvalidOperationException or NotSupportedException or IndexOutOfRangeException or ArgumentException or KeyNotFoundException)
        {
            throw new CsvFileException(Issues.FileNotCsv(null));
        }
    }

    /// <summary>
    /// A number as the cell shows it. "General" shows the number itself in plain digits, whatever its length
    /// (Excel shows 123456789012345 as 1.23457E+14 in a narrow column, but it was typed as digits); a format such as
    /// <c>00000</c> shows it as formatted (417 as 00417).
    /// </summary>
    internal static string Display(double number, string? format, Dictionary<string, NumberFormat> formats)
    {
        if (!string.IsNullOrEmpty(format) && !format.Equals("General", StringComparison.OrdinalIgnoreCase) && format != "@")
        {
            var parsed = Parsed(format, formats);
            if (parsed.IsValid) return parsed.Format(number, CultureInfo.InvariantCulture);
        }
        return Plain(number);
    }

    /// <summary>Digits without exponent, at most 15 significant as Excel keeps them: 1 not 1.0, 123456789012345 as is.</summary>
    internal static string Plain(double number)
    {
        if (double.IsNaN(number) || double.IsInfinity(number)) return number.ToString(CultureInfo.InvariantCulture);
        if (Math.Abs(number) < 7.9e27) return ((decimal)number).ToString(CultureInfo.InvariantCulture);
        return number.ToString("F0", CultureInfo.InvariantCulture);
    }

    private static string DisplayDate(DateTime date, string? format, Dictionary<string, NumberFormat> formats)
    {
        if (!string.IsNullOrEmpty(format))
        {
            var parsed = Parsed(format, formats);
            if (parsed.IsValid) return parsed.Format(date, CultureInfo.InvariantCulture);
        }
        return date.ToString(date.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    private static NumberFormat Parsed(string format, Dictionary<string, NumberFormat> formats)
    {
        if (!formats.TryGetValue(format, out var parsed)) formats[format] = parsed = new NumberFormat(format);
        return parsed;
    }
}
