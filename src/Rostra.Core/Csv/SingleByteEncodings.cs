using System.Buffers;
using System.Text;
using nietras.SeparatedValues;

namespace Rostra.Core.Csv;

/// <summary>
/// Tells which 8-bit character set a file that is not UTF-8 was saved in, among those spreadsheets still write:
/// Windows-1252 (Excel's "CSV (Comma delimited)" on Western Windows), Mac Roman (Excel's "CSV (Macintosh)" and Mac
/// Excel's "Comma Separated Values") and code page 850 (Excel's "CSV (MS-DOS)"; it holds every letter of code page
/// 437 at the same byte). Returns null when it cannot tell with confidence, so the caller refuses rather than guess.
/// </summary>
/// <remarks>
/// Every byte above 127 of every value except Password (where any character is ordinary) is read in each character
/// set and judged by its neighbours: a letter after a lower-case letter should be lower-case, a symbol such as ‰, ¤
/// or ∑ does not stand inside a word, a control character is never text. The set with no misfit is the file's; the
/// Windows-1252 reading wins whenever it has none (SPEC §3: it is the fallback, and a plain Windows-1252 file is never
/// refused). The bytes are read as Latin-1 first, where each character is its byte, so delimiters and quotes (ASCII
/// in all three sets) split the fields the same way whichever set is right.
/// </remarks>
internal static class SingleByteEncodings
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>The character sets judged, in order of preference when two fit equally well.</summary>
    internal static IReadOnlyList<Encoding> Candidates { get; } = CreateCandidates();

    private static readonly char[][] Tables = [.. Candidates.Select(Table)];

    private static Encoding[] CreateCandidates()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return [CsvFile.Windows1252, Encoding.GetEncoding(10000), Encoding.GetEncoding(850)];
    }

    private static char[] Table(Encoding encoding)
    {
        var table = new char[256];
        for (var b = 0; b < 256; b++) table[b] = encoding.GetString([(byte)b])[0];
        return table;
    }

    /// <summary>
    /// How one file reads in one candidate: characters that cannot be what was typed, characters that could be but
    /// seldom are (a no-break space inside a word, an apostrophe between small letters), and letters that read as letters.
    /// </summary>
    internal readonly record struct Score(int Misfits, int Doubts, int Fits);

    /// <summary>How one character reads where it stands.</summary>
    internal enum Reading { Misfit = -1, Neutral = 0, Fit = 1, Doubt = 2 }

    /// <summary>
    /// Reads the whole file (after its preamble) once and returns the character set it was saved in, or null when
    /// the bytes fit none of them, or more than one as well (then no reading is safe for names).
    /// </summary>
    public static Encoding? Detect(Stream stream, int preamble, char delimiter, CancellationToken cancellationToken)
    {
        var scores = Measure(stream, preamble, delimiter, cancellationToken, out var utf8Letters);
        if (utf8Letters) throw new CsvFileException(Validation.Issues.FileEncodingMixed());
        return Choose(scores);
    }

    /// <summary>
    /// Whether a value read as Latin-1 (each character its byte) holds a letter written in UTF-8: a two-byte sequence of
    /// Latin-1 or Latin Extended-A (U+00A0 to U+017F: "é" is C3 A9, "ł" is C5 82) or the three bytes of typographic
    /// punctuation (U+2010 to U+203A: ’ “ ” – — …), the euro sign or ™. In a file that is not UTF-8 as a whole, that is
    /// two character sets in one file, and no single reading spells every name as typed.
    /// </summary>
    /// <remarks>
    /// In the 8-bit sets these bytes would be a capital Â-Å (Windows), ¬ √ ƒ ≈ (Mac) or a box-drawing piece (MS-DOS)
    /// followed by a symbol or a Mac small letter, or "â€" and the like: never how a name is typed. Passwords are not
    /// looked at, as in the rest of the detector: any character is ordinary there, "Å©" included.
    /// </remarks>
    internal static bool HasUtf8Letters(ReadOnlySpan<char> latin1)
    {
        for (var i = 0; i + 1 < latin1.Length; i++)
        {
            var (b, c) = (latin1[i], latin1[i + 1]);
            if (b is >= '\xC2' and <= '\xC5' && c is >= '\x80' and <= '\xBF' && (b > '\xC2' || c >= '\xA0')) return true;
            if (b == '\xE2' && i + 2 < latin1.Length)
            {
                var d = latin1[i + 2];
                if ((c == '\x80' && d is >= '\x90' and <= '\xBA') || (c == '\x82' && d == '\xAC') || (c == '\x84' && d == '\xA2')) return true;
            }
        }
        return false;
    }

    internal static Encoding? Choose(IReadOnlyList<Score> scores)
    {
        var windows = scores[0];
        var clean = Enumerable.Range(1, scores.Count - 1).Where(i => scores[i] is { Misfits: 0, Doubts: 0 }).ToList();
        if (windows.Misfits == 0)
        {
            // Windows-1252 is the fallback (SPEC §3): only another set that reads every byte without a doubt, where
            // Windows-1252 had some, takes its place ("S\u00A0nchez" is "Sánchez" in MS-DOS text).
            return windows.Doubts > 0 && clean.Count == 1 ? Candidates[clean[0]] : Candidates[0];
        }
        var fitting = Enumerable.Range(1, scores.Count - 1).Where(i => scores[i].Misfits == 0).ToList();
        if (fitting.Count == 1) return Candidates[fitting[0]];
        if (clean.Count == 1) return Candidates[clean[0]];
        if (fitting.Count > 1)
        {
            // Several sets read every byte as a plausible letter: only one with clearly more letters in words is safe.
            var best = fitting.MaxBy(i => scores[i].Fits);
            if (fitting.All(i => i == best || scores[i].Fits * 2 < scores[best].Fits)) return Candidates[best];
        }
        return null;
    }

    internal static Score[] Measure(Stream stream, int preamble, char delimiter, CancellationToken cancellationToken, out bool utf8Letters)
    {
        utf8Letters = false;
        var misfits = new int[Candidates.Count];
        var doubts = new int[Candidates.Count];
        var fits = new int[Candidates.Count];
        stream.Position = preamble;
        using (var text = new StreamReader(stream, Latin1, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true))
        using (var reader = Sep.New(delimiter).Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true, DisableFastFloat = true }).From(text))
        {
            var password = -1;
            var headerSeen = false;
            var rows = 0;
            using var records = reader.GetEnumerator();
            while (true)
            {
                if ((++rows & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    if (!records.MoveNext()) break;
                }
                catch (NotSupportedException)
                {
                    // As CsvFile reads: a record over Sep's 16 Mi characters is almost always a quote never closed.
                    throw new CsvFileException(Validation.Issues.FileRecordTooLong(rows));
                }
                var row = records.Current;
                if (!headerSeen)
                {
                    for (var i = 0; i < row.ColCount; i++)
                    {
                        var name = row[i].Span.Trim();
                        if (name.Length > 0) headerSeen = true;
                        if (name.Equals("Password", StringComparison.OrdinalIgnoreCase)) password = i;
                    }
                }
                for (var i = 0; i < row.ColCount; i++)
                {
                    if (i == password) continue;
                    var span = row[i].Span;
                    if (!span.ContainsAnyExceptInRange('\0', '\x7F')) continue;
                    Judge(span, misfits, doubts, fits);
                    utf8Letters |= HasUtf8Letters(span);
                }
            }
        }
        stream.Position = 0;
        return [.. Enumerable.Range(0, Candidates.Count).Select(i => new Score(misfits[i], doubts[i], fits[i]))];
    }

    /// <summary>Judges every byte above 127 of one value (Latin-1 characters, so each is its byte) in every candidate.</summary>
    private static void Judge(ReadOnlySpan<char> value, int[] misfits, int[] doubts, int[] fits)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] < 0x80) continue;
            for (var c = 0; c < Tables.Length; c++)
            {
                var table = Tables[c];
                var before = i > 1 ? At(table, value[i - 2]) : ' ';
                var previous = i > 0 ? At(table, value[i - 1]) : ' ';
                var next = i + 1 < value.Length ? At(table, value[i + 1]) : ' ';
                switch (Read(previous, table[value[i] & 0xFF], next, before))
                {
                    case Reading.Misfit: misfits[c]++; break;
                    case Reading.Doubt: doubts[c]++; break;
                    case Reading.Fit: fits[c]++; break;
                }
            }
        }
    }

    /// <summary>A neighbour as read in one set; a "?" (a letter the spreadsheet lost) stands for a small letter.</summary>
    private static char At(char[] table, char latin1) => latin1 == '?' ? 'x' : table[latin1 & 0xFF];

    /// <summary>How a character reads between its neighbours (in the same character set); <paramref name="before"/> precedes <paramref name="previous"/>.</summary>
    internal static Reading Read(char previous, char ch, char next, char before = ' ')
    {
        if (char.IsControl(ch) || ch == '\uFFFD' || char.IsSurrogate(ch) || char.GetUnicodeCategory(ch) == System.Globalization.UnicodeCategory.PrivateUse)
            return Reading.Misfit;
        if (char.IsLetter(ch))
        {
            if (RareLetters.Contains(ch)) return Reading.Misfit;
            // A capital right after a small letter ("JosŽ", "MaryáAnn") is a misreading; small after small, or any at a
            // word start, is text.
            if (char.IsLower(previous) && char.IsUpper(ch)) return Reading.Misfit;
            if (char.IsLower(ch) && char.IsUpper(next) && char.IsLetter(previous)) return Reading.Misfit;
            // A small letter after two capitals ("ZOè") is a misread capital: in a capitalised name it comes second.
            if (char.IsLower(ch) && char.IsUpper(previous) && char.IsUpper(before)) return Reading.Misfit;
            // A small letter starting a word ("çngel"): names start with capitals, but one typed in small letters is text.
            if (char.IsLower(ch) && !char.IsLetter(previous) && char.IsLetter(next)) return Reading.Doubt;
            // A second capital followed by small letters ("JŸrgen"): text, but not how names are written.
            if (char.IsUpper(ch) && char.IsUpper(previous) && !char.IsLetter(before) && char.IsLower(next)) return Reading.Doubt;
            return Reading.Fit;
        }
        if (char.IsLetter(previous) && !AfterLetter.Contains(ch)) return Reading.Misfit;
        if (char.IsLetter(next) && !BeforeLetter.Contains(ch)) return Reading.Misfit;
        // A no-break space inside a word, an apostrophe before a small letter: text, but seldom in a name ("Ru’z", "D’az");
        if (ch == '\u00A0' && char.IsLetter(previous) && char.IsLetter(next)) return Reading.Doubt;
        if (ch == '’' && char.IsLetter(previous) && char.IsLower(next)) return Reading.Doubt;
        // A dash between small letters ("Pe–a"), an opening quote before a small letter ("„andœ").
        if (ch is '–' or '—' && char.IsLower(previous) && char.IsLower(next)) return Reading.Doubt;
        if (ch is '‘' or '“' or '„' or '«' && char.IsLower(next)) return Reading.Doubt;
        return Reading.Neutral;
    }

    /// <summary>Letters no name holds, which a misread byte often becomes (ƒ, ª, º, µ, ı, ﬁ, ﬂ, π, Ω, and the Greek of code page 437/850).</summary>
    private static readonly SearchValues<char> RareLetters = SearchValues.Create("ƒªºµıﬁﬂπΩΣΦΘδαΓστ");

    /// <summary>Marks that may follow a letter: closing quotes and apostrophes, dashes, the ellipsis, the middle dot, no-break space.</summary>
    private static readonly SearchValues<char> AfterLetter = SearchValues.Create("’”»–—…·\u00A0™®©°");

    /// <summary>Marks that may come before a letter: opening quotes, apostrophes, ¿ ¡, dashes, the middle dot, no-break space.</summary>
    private static readonly SearchValues<char> BeforeLetter = SearchValues.Create("‘’“„«¿¡–—·\u00A0");
}
