namespace Rostra.Core.Csv;

/// <summary>
/// How many data rows a text file has, about: its line breaks counted in one quick pass over its bytes, before the
/// rows are read one by one. A cell over several lines or a blank line makes the figure a little high, so it is only
/// ever shown as "about"; the rows read are the real count.
/// </summary>
public static class RowEstimate
{
    private const int ChunkSize = 1 << 16;

    /// <summary>
    /// Reads <paramref name="file"/> (seekable) from its start to its end, telling <paramref name="bytesRead"/> how far
    /// it is after every chunk, and returns the lines after the header; null for a workbook or an empty file, whose rows
    /// cannot be counted this way. Leaves the stream at its start.
    /// </summary>
    public static long? Count(Stream file, Action<long>? bytesRead, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var buffer = new byte[ChunkSize];
        long feeds = 0, returns = 0, total = 0;
        var first = true;
        var zip = false;
        byte last = 0;
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var span = buffer.AsSpan(0, read);
            if (first)
            {
                zip = Workbooks.WorkbookFile.IsZip(span) || Workbooks.WorkbookFile.IsCompoundFile(span);
                first = false;
            }
            if (!zip)
            {
                // Vectorised counts: LF for Windows and Unix files, CR for old Mac files (CRLF counts once, by the larger).
                feeds += span.Count((byte)'\n');
                returns += span.Count((byte)'\r');
                last = span[^1];
            }
            total += read;
            bytesRead?.Invoke(total);
        }
        file.Position = 0;
        if (zip || total == 0) return null;
        var lines = Math.Max(feeds, returns);
        // A last line without a line break is a line too; the header is not a data row.
        if (last is not (byte)'\n' and not (byte)'\r') lines++;
        return Math.Max(0, lines - 1);
    }
}
