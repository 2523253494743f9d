using Rostra.Core.Roster;

namespace Rostra.Core.Import;

/// <summary>
/// Size and row limits of one file (SPEC §9), and how many of its errors are kept in detail (every error is counted).
/// All are configuration.
/// </summary>
public sealed record ImportLimits(
    long MaxFileBytes = ImportLimits.DefaultMaxFileBytes,
    int MaxRows = ImportLimits.DefaultMaxRows,
    int MaxDetailedErrors = Validation.ErrorLimits.DefaultMaxDetailedErrors)
{
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;
    public const int DefaultMaxRows = 1_000_000;
}

/// <summary>
/// What a file is validated against: the district, its schools, the platform's users, the limits. An update or sync
/// (<see cref="Mode"/>) also needs <see cref="Roster"/> to compare rows with the users they name, the import's
/// <see cref="ProgramId"/>, and hands its plan to <see cref="Plan"/>.
/// </summary>
public sealed record ValidationContext(
    District District,
    UserType UserType,
    IReadOnlyList<School> Schools,
    IUserLookup Users,
    ImportLimits Limits,
    ImportMode Mode = ImportMode.Create,
    IRosterLookup? Roster = null,
    string? ProgramId = null,
    IPlanSink? Plan = null);

/// <summary>
/// The outcome of validating a file. <see cref="Rows"/> counts data records, blank rows excluded. <see cref="Errors"/>
/// are the errors kept in detail (the first ones, within <see cref="ImportLimits.MaxDetailedErrors"/>);
/// <see cref="Counts"/> counts every error by code and column (null: <see cref="Errors"/> are all of them).
/// </summary>
public sealed record ValidationResult(
    int Rows, IReadOnlyList<ImportIssue> Errors, IReadOnlyList<ImportIssue> Warnings, RosterPlan? Plan = null,
    IReadOnlyList<Validation.ErrorCount>? Counts = null)
{
    /// <summary>Every error of the file, kept in detail or not.</summary>
    public int ErrorCount => Counts?.Sum(c => c.Count) ?? Errors.Count;

    public bool IsValid => ErrorCount == 0;
}
