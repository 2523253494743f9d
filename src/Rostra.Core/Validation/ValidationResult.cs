using Rostra.Core.Roster;

namespace Rostra.Core.Validation;

/// <summary>The outcome of validating a file. <see cref="Rows"/> counts data records, blank rows excluded.</summary>
public sealed record ValidationResult(int Rows, IReadOnlyList<ImportIssue> Errors, IReadOnlyList<ImportIssue> Warnings, RosterPlan? Plan = null)
{
    public bool IsValid => Errors.Count == 0;
}
