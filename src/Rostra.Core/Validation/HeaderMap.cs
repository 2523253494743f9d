namespace Rostra.Core.Validation;

/// <summary>Where each template column sits in a file's header, and what was wrong with the header.</summary>
internal sealed class HeaderMap
{
    private readonly int[] _index;

    private HeaderMap(int[] index, int fieldCount, string[] header, List<ImportIssue> errors, List<ImportIssue> warnings)
    {
        _index = index;
        FieldCount = fieldCount;
        Header = header;
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>How many fields every record must have.</summary>
    public int FieldCount { get; }

    /// <summary>The header cells as written in the file.</summary>
    public string[] Header { get; }

    public List<ImportIssue> Errors { get; }

    public List<ImportIssue> Warnings { get; }

    /// <summary>The field index of a column, or -1 when the file does not have it.</summary>
    public int IndexOf(Column column) => _index[(int)column];

    public static HeaderMap Analyze(string[] header, UserType type)
    {
        var template = Templates.Columns(type);
        var index = new int[Templates.AllColumns.Count];
        Array.Fill(index, -1);
        var errors = new List<ImportIssue>();
        var warnings = new List<ImportIssue>();
        var duplicates = new HashSet<Column>();
        var foreign = new List<(int Position, string Text)>();
        var unknown = new List<(int Position, string Text)>();

        for (var i = 0; i < header.Length; i++)
        {
            // A second byte order mark (a BOM file re-saved with a BOM) reads as an invisible U+FEFF before the first name.
            var text = header[i].Trim().TrimStart('\uFEFF').TrimStart();
            if (text.Length == 0)
            {
                // Excel leaves empty header cells when a column to the right was once used.
                if (i < header.Length - 1 || header.Length == 1) warnings.Add(Issues.HeaderBlankColumn(i + 1));
                continue;
            }
            if (!Templates.TryParseHeader(text, out var column))
            {
                unknown.Add((i, text));
                continue;
            }
            if (index[(int)column] >= 0)
            {
                duplicates.Add(column);
                continue;
            }
            index[(int)column] = i;
            if (!template.Contains(column)) foreign.Add((i, text));
        }

        var found = Templates.AllColumns.Where(c => index[(int)c] >= 0).ToHashSet();
        if (!found.SetEquals(template) && unknown.Count == 0)
        {
            foreach (var other in UserTypes.All)
            {
                // A file with exactly another template's columns is that template, unless those columns are only
                // the chosen template's minus one (a Student file whose Grade column was deleted looks like the
                // Teacher template): then the columns' order, as the template writes them, decides.
                if (other != type && found.SetEquals(Templates.Columns(other))
                    && (!found.IsProperSubsetOf(template) || InTemplateOrder(index, Templates.Columns(other))))
                {
                    errors.Add(Issues.HeaderWrongTemplate(type, other));
                    return new HeaderMap(index, header.Length, header, errors, warnings);
                }
            }
        }

        foreach (var column in template)
        {
            if (index[(int)column] < 0) errors.Add(Issues.HeaderMissingColumn(type, column));
            else if (duplicates.Contains(column)) errors.Add(Issues.HeaderDuplicateColumn(column));
        }
        foreach (var column in duplicates.Where(c => !template.Contains(c)))
            errors.Add(Issues.HeaderDuplicateColumn(column));

        var missing = template.Where(c => index[(int)c] < 0).Select(c => c.HeaderName()).ToList();
        foreach (var (position, text) in foreign.Concat(unknown).OrderBy(u => u.Position))
        {
            var suggestion = Closest(text, missing.Count > 0 ? missing : template.Select(c => c.HeaderName()));
            errors.Add(Issues.HeaderUnknownColumn(type, text, suggestion));
        }
        return new HeaderMap(index, header.Length, header, errors, warnings);
    }

    private static bool InTemplateOrder(int[] index, IReadOnlyList<Column> columns)
    {
        for (var i = 1; i < columns.Count; i++)
        {
            if (index[(int)columns[i]] < index[(int)columns[i - 1]]) return false;
        }
        return true;
    }

    /// <summary>The candidate nearest to <paramref name="text"/>, when it is near enough to be a likely typo.</summary>
    internal static string? Closest(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var normalized = Normalize(text);
        foreach (var candidate in candidates)
        {
            var distance = Distance(normalized, Normalize(candidate));
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }
        var allowed = Math.Max(2, normalized.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    private static string Normalize(string s) =>
        new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
