namespace Rostra.Core.Validation;

/// <summary>How many errors of <see cref="Code"/> about <see cref="Column"/> (null: about no column) an import had.</summary>
public sealed record ErrorCount(string Code, string? Column, int Count);

/// <summary>
/// Gathers a file's errors within bounds: every error is counted by code and column, the first
/// <see cref="MaxDetailed"/> are kept in detail with their values cut to <see cref="ErrorLimits.MaxValueLength"/>.
/// Memory is bounded by <see cref="MaxDetailed"/>, not by the file.
/// </summary>
public sealed class ErrorCollector(int maxDetailed = ErrorLimits.DefaultMaxDetailedErrors)
{
    private readonly List<ImportIssue> kept = [];
    private readonly Dictionary<(string Code, string Column), int> counts = [];

    /// <summary>How many errors are kept in detail at most.</summary>
    public int MaxDetailed { get; } = Math.Max(0, maxDetailed);

    /// <summary>Every error added.</summary>
    public int Total { get; private set; }

    /// <summary>Every error added (as <see cref="Total"/>).</summary>
    public int Count => Total;

    /// <summary>The first <see cref="MaxDetailed"/> errors, in the order they were added.</summary>
    public IReadOnlyList<ImportIssue> Kept => kept;

    public void Add(ImportIssue error)
    {
        Total++;
        var key = (error.Code, error.Column ?? "");
        counts[key] = counts.GetValueOrDefault(key) + 1;
        if (kept.Count < MaxDetailed) kept.Add(Bounded(error));
    }

    public void AddRange(IEnumerable<ImportIssue> errors)
    {
        foreach (var error in errors) Add(error);
    }

    /// <summary>
    /// Adds errors found after the others (at the end of a file) in their place by <paramref name="order"/>: the kept
    /// ones stay the first <see cref="MaxDetailed"/> in that order.
    /// </summary>
    public void Merge(IReadOnlyList<ImportIssue> late, Func<ImportIssue, (int Row, int Column)> order)
    {
        var merged = kept.Concat(late.Select(Bounded)).Select((e, i) => (e, i)).OrderBy(x => order(x.e)).ThenBy(x => x.i).Select(x => x.e).Take(MaxDetailed).ToList();
        foreach (var error in late)
        {
            Total++;
            var key = (error.Code, error.Column ?? "");
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        kept.Clear();
        kept.AddRange(merged);
    }

    /// <summary>The count of every code and column, most frequent first.</summary>
    public IReadOnlyList<ErrorCount> Counts =>
        [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key.Code, StringComparer.Ordinal).ThenBy(c => c.Key.Column, StringComparer.Ordinal)
            .Select(c => new ErrorCount(c.Key.Code, c.Key.Column.Length == 0 ? null : c.Key.Column, c.Value))];

    /// <summary>The counts of a list of errors held whole (a failed confirm, the command line).</summary>
    public static IReadOnlyList<ErrorCount> CountAll(IEnumerable<ImportIssue> errors)
    {
        var collector = new ErrorCollector(0);
        collector.AddRange(errors);
        return collector.Counts;
    }

    /// <summary>An error as it is kept: value and message within bounds.</summary>
    public static ImportIssue Bounded(ImportIssue error) =>
        error.Value is { Length: > ErrorLimits.MaxValueLength } || error.Message.Length > ErrorLimits.MaxMessageLength
            ? error with { Value = ErrorLimits.Cut(error.Value), Message = ErrorLimits.CutMessage(error.Message) }
            : error;
}
