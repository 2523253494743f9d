namespace Rostra.Core.Roster;

/// <summary>
/// Counts the field changes of a plan's updated users, as (field, old value, new value), to name the most common one
/// (<see cref="TopChange"/>). Memory is bounded: once <see cref="MaxKeys"/> different changes are counted, a change not
/// seen before is no longer counted, and those already counted keep counting. A change shared by many users is
/// almost always among the first seen; one that first appears after the cap is missed, never miscounted.
/// Passwords are never counted (their values are never known to the plan).
/// </summary>
public sealed class ChangeTally
{
    /// <summary>The most different changes counted.</summary>
    public const int DefaultMaxKeys = 10_000;

    private readonly Dictionary<(string Field, string? From, string? To), int> _counts = [];

    public ChangeTally(int maxKeys = DefaultMaxKeys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        MaxKeys = maxKeys;
    }

    public int MaxKeys { get; }

    /// <summary>Counts the changes of <paramref name="change"/> when it is an update; other actions are left out.</summary>
    public void Add(PlannedChange change)
    {
        if (change.Action != PlanAction.Update) return;
        foreach (var field in change.Changes)
        {
            if (string.Equals(field.Field, Column.Password.HeaderName(), StringComparison.Ordinal)) continue;
            var key = (field.Field, field.From, field.To);
            if (_counts.TryGetValue(key, out var n)) _counts[key] = n + 1;
            else if (_counts.Count < MaxKeys) _counts[key] = 1;
        }
    }

    /// <summary>
    /// The change counted most often; ties go to the first by field, then old value, then new value (ordinal, blank
    /// first), so the same plan always names the same change. Null when nothing was counted.
    /// </summary>
    public TopChange? Top
    {
        get
        {
            TopChange? best = null;
            foreach (var ((name, from, to), count) in _counts)
            {
                var candidate = new TopChange(name, from, to, count);
                if (best is null || IsBefore(candidate, best)) best = candidate;
            }
            return best;
        }
    }

    private static bool IsBefore(TopChange a, TopChange b)
    {
        if (a.Count != b.Count) return a.Count > b.Count;
        var order = string.CompareOrdinal(a.Field, b.Field);
        if (order == 0) order = string.CompareOrdinal(a.From, b.From);
        if (order == 0) order = string.CompareOrdinal(a.To, b.To);
        return order < 0;
    }
}
