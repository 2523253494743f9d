using System.Globalization;
using Rostra.Core.Roster;

namespace Rostra.Cli;

/// <summary>
/// The plan's most common change in the words of the plan line, as the Import Users page writes it (import.js,
/// <c>topChangeWords</c>): "grade 4 → 5 for 310 of them", "school ID 1001 → 1002 for all of them", "email (blank) → …".
/// </summary>
internal static class TopChangeWords
{
    /// <param name="updated">The plan's count of updated users, the "them" of the phrase.</param>
    /// <returns>Null when no two updated users share the change: one change of several picked out would only mislead.</returns>
    public static string? Describe(TopChange change, int updated)
    {
        if (change.Count < 2 && updated > 1) return null;
        var field = string.Join(' ', change.Field.Split(' ').Select(w => w.Length > 1 && w.All(char.IsUpper) ? w : w.ToLowerInvariant()));
        var what = $"{field} {Value(change.From)} → {Value(change.To)}";
        if (change.Count >= updated) return updated == 1 ? what : $"{what} for all of them";
        return $"{what} for {change.Count.ToString("N0", CultureInfo.InvariantCulture)} of them";
    }

    private static string Value(string? value) => string.IsNullOrEmpty(value) ? "(blank)" : value;
}
