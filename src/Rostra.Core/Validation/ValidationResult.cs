using Rostra.Core.Roster;

namespace Rostra.Core.Validation;

/// <summary>
/// The outcome of validating a file. <see cref="Rows"/> counts data records, blank rows excluded. <see cref="Errors"/>
/// are the errors kept in detail (the first ones, within <see cref="ImportLimits.MaxDetailedErrors"/>);
/// <see cref="Counts"/> counts every error by code and column (null: <see cref="Errors"/> are all of them).
/// </summary>
public sealed record ValidationResult(
    int Rows, IReadOnlyList<ImportIssue> Errors, IReadOnlyList<ImportIssue> Warnings, RosterPlan? Plan = null,
    IReadOnlyList<ErrorCount>? Counts = null)
{
    /// <summary>Every error of the file, kept in detail or not.</summary>
    public int ErrorCount => Counts?.Sum(c => c.Count) ?? Errors.Count;

    public bool IsValid => ErrorCount == 0;

    /// <summary>
    /// The rows to stage, hash and write: every valid row but those an update or sync's plan leaves unchanged, which are
    /// never staged. The whole of the preparing, hashing and saving steps.
    /// </summary>
    public int RowsToWrite => Rows - (Plan?.Counts.Unchanged ?? 0);
}
