using System.Text;
using System.Text.Unicode;
using nietras.SeparatedValues;

namespace Rostra.Core.Csv;

/// <summary>
/// How a file's bytes were read: its encoding, whether that was an 8-bit fallback for a file that is not UTF-8
/// (Windows-1252, Mac Roman or code page 850), and its delimiter.
/// </summary>
public sealed record CsvFormat(Encoding Encoding, bool IsFallback, char Delimiter, int PreambleLength)
{
    /// <summary>The format of an Excel workbook (.xlsx): read by <see cref="Workbooks.WorkbookFile"/>, not as text.</summary>
    public static CsvFormat Workbook { get; } = new(new UTF8Encoding(false), false, ',', 0) { IsWorkbook = true };

    /// <summary>True for an Excel workbook (.xlsx), whose rows <see cref="CsvFile.ReadRecords"/> reads from its first sheet.</summary>
    public bool IsWorkbook { get; private init; }
}

/// <summary>
/// One record of a file: its spreadsheet row number (header = 1) and its fields as written (unquoted). For a
/// workbook, <paramref name="DateFields"/> lists the fields that are cells holding a date (given as they show).
/// </summary>
public readonly record struct CsvRecord(int Row, string[] Fields, int[]? DateFields = null)
{
    /// <summary>True when every field is empty or white space, like Excel's trailing <c>,,,,</c>.</summary>
    public bool IsBlank => Array.TrueForAll(Fields, string.IsNullOrWhiteSpace);
}

/// <summary>Thrown when a file cannot be read as text; carries the issue to report.</summary>
public sealed class CsvFileException(ImportIssue issue) : Exception(issue.Message)
{
    public ImportIssue Issue { get; } = issue;
}

/// <summary>
/// Reads an uploaded CSV file the way SPEC.md §3 describes: BOM-honouring encoding detection with a Windows-1252
/// fallback, comma / semicolon / tab delimiters, RFC 4180 quoting, spreadsheet row numbers. Streams with Sep.
/// </summary>
public static class CsvFile
{
    private const int ChunkSize = 1 << 16;

    static CsvFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The Windows-1252 encoding Excel's plain "CSV (Comma delimited)" writes.</summary>
    public static Encoding Windows1252 { get; } = CreateWindows1252();

    private static Encoding CreateWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    /// <summary>
    /// Looks at the whole file once (it must be seekable): recognises workbooks and binary content, picks the encoding,
    /// then the delimiter from the header line. Leaves the stream at its start.
    /// </summary>
    /// <exception cref="CsvFileException">with <c>file.empty</c> or <c>file.not_csv</c>.</exception>
    public static CsvFormat Detect(Stream stream, CancellationToken cancellationToken = default)
    {
        if (!stream.CanSeek) throw new ArgumentException("The file must be seekable; save uploads to a file first.", nameof(stream));
        stream.Position = 0;
        var buffer = new byte[ChunkSize + 4];
        var head = new byte[4];
        var headLength = ReadAtLeast(stream, head);
        if (headLength == 0) throw new CsvFileException(Validation.Issues.FileEmpty());

        Encoding encoding;
        var preamble = 0;
        var isFallback = false;
        if (headLength >= 2 && head[0] == 0xFF && head[1] == 0xFE) { encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: false); preamble = 2; }
        else if (headLength >= 2 && head[0] == 0xFE && head[1] == 0xFF) { encoding = new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: false); preamble = 2; }
        else
        {
            if (headLength >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) preamble = 3;
            if (preamble == 0 && Workbooks.WorkbookFile.IsZip(head.AsSpan(0, headLength)))
            {
                var issue = Workbooks.WorkbookFile.Check(stream);
                if (issue is not null) throw new CsvFileException(issue);
                return CsvFormat.Workbook;
            }
            if (preamble == 0 && Workbooks.WorkbookFile.IsCompoundFile(head.AsSpan(0, headLength)))
                throw new CsvFileException(Workbooks.WorkbookFile.CompoundFileIssue(stream, cancellationToken));

            // One pass over the bytes: NUL means binary; invalid UTF-8 means Windows-1252.
            stream.Position = preamble;
            var valid = true;
            var carry = 0;
            int read;
            while ((read = stream.Read(buffer, carry, ChunkSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var length = carry + read;
                var span = buffer.AsSpan(0, length);
                if (span.Contains((byte)0)) throw new CsvFileException(Validation.Issues.FileNotCsv(null));
                if (!valid) { carry = 0; continue; }
                var cut = CompleteLength(span);
                if (!Utf8.IsValid(span[..cut])) { valid = false; carry = 0; continue; }
                carry = length - cut;
                span[cut..].CopyTo(buffer);
            }
            if (valid && carry > 0 && !Utf8.IsValid(buffer.AsSpan(0, carry))) valid = false;
            // A UTF-8 byte order mark before bytes that are not UTF-8: the letters after it cannot be read as typed.
            if (preamble == 3 && !valid) throw new CsvFileException(Validation.Issues.FileEncodingMixed());
            if (valid)
            {
                encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
            }
            else
            {
                // Not UTF-8: one of the 8-bit sets spreadsheets write, told apart by how the names read in each
                // (refused when names are partly written in UTF-8: rows from two sources). The header is ASCII in all of them, so its delimiter is known before the set is.
                stream.Position = preamble;
                char headerDelimiter;
                using (var latin = new StreamReader(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true))
                    headerDelimiter = DetectDelimiter(ReadHeaderLine(latin));
                encoding = SingleByteEncodings.Detect(stream, preamble, headerDelimiter, cancellationToken)
                    ?? throw new CsvFileException(Validation.Issues.FileEncodingUnknown());
                isFallback = true;
            }
        }

        stream.Position = preamble;
        char delimiter;
        using (var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true))
        {
            var first = ReadHeaderLine(reader);
            if (encoding is UnicodeEncoding && first.Contains('\0', StringComparison.Ordinal))
                throw new CsvFileException(Validation.Issues.FileNotCsv(null));
            delimiter = DetectDelimiter(first);
        }
        stream.Position = 0;
        return new CsvFormat(encoding, isFallback, delimiter, preamble);
    }

    /// <summary>
    /// Reads every record of the file after the header, in order, with spreadsheet row numbers. The first record
    /// returned is the header itself (row 1). Blank records are returned too (callers skip them) so numbering stays right.
    /// </summary>
    /// <exception cref="CsvFileException">with <c>file.not_csv</c> when a record is longer than the reader can hold.</exception>
    public static IEnumerable<CsvRecord> ReadRecords(Stream stream, CsvFormat format, CancellationToken cancellationToken = default) =>
        format.IsWorkbook ? Workbooks.WorkbookFile.ReadRecords(stream, cancellationToken) : ReadText(stream, format, cancellationToken);

    private static IEnumerable<CsvRecord> ReadText(Stream stream, CsvFormat format, CancellationToken cancellationToken)
    {
        stream.Position = format.PreambleLength;
        using var text = new StreamReader(stream, format.Encoding, detectEncodingFromByteOrderMarks: false, bufferSize: ChunkSize, leaveOpen: true);
        using var reader = Sep.New(format.Delimiter).Reader(o => o with
        {
            HasHeader = false,
            Unescape = true,
            DisableColCountCheck = true,
            DisableFastFloat = true,
        }).From(text);
        var row = 0;
        using var rows = reader.GetEnumerator();
        while (true)
        {
            if ((row & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (!rows.MoveNext()) break;
            }
            catch (NotSupportedException)
            {
                // Sep holds a record in a buffer of at most 16 Mi chars: a longer one is almost always a quote never closed.
                throw new CsvFileException(Validation.Issues.FileRecordTooLong(row + 1));
            }
            row++;
            var r = rows.Current;
            var fields = new string[r.ColCount];
            for (var i = 0; i < fields.Length; i++) fields[i] = r[i].ToString();
            yield return new CsvRecord(row, fields);
        }
    }

    /// <summary>The delimiter used by a header line: the most frequent of comma, semicolon and tab; comma when none.</summary>
    public static char DetectDelimiter(string headerLine)
    {
        int commas = 0, semicolons = 0, tabs = 0;
        var inQuotes = false;
        foreach (var ch in headerLine)
        {
            if (ch == '"') inQuotes = !inQuotes;
            else if (!inQuotes)
            {
                if (ch == ',') commas++;
                else if (ch == ';') semicolons++;
                else if (ch == '\t') tabs++;
            }
        }
        if (tabs > commas && tabs >= semicolons) return '\t';
        if (semicolons > commas) return ';';
        return ',';
    }

    private static string ReadHeaderLine(StreamReader reader)
    {
        // The header is row 1 (SPEC §3): the first line as written, blank or not; a blank one is reported as file.empty.
        var sb = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0 && sb.Length < ChunkSize)
        {
            if (c is '\r' or '\n') break;
            sb.Append((char)c);
        }
        return sb.ToString();
    }

    private static int ReadAtLeast(Stream stream, byte[] head)
    {
        stream.Position = 0;
        var total = 0;
        int n;
        while (total < head.Length && (n = stream.Read(head, total, head.Length - total)) > 0) total += n;
        return total;
    }

    /// <summary>The length of the span without a UTF-8 sequence cut off at its end.</summary>
    private static int CompleteLength(ReadOnlySpan<byte> span)
    {
        var end = span.Length;
        for (var i = end - 1; i >= 0 && i >= end - 3; i--)
        {
            var b = span[i];
            if ((b & 0xC0) == 0x80) continue; // continuation byte
            var need = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return i + need > end ? i : end;
        }
        return end;
    }
}
