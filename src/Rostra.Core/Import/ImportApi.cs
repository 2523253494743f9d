namespace Rostra.Core.Import;

/// <summary>Size and row limits of one file (SPEC §9). Both are configuration.</summary>
public sealed record ImportLimits(long MaxFileBytes = ImportLimits.DefaultMaxFileBytes, int MaxRows = ImportLimits.DefaultMaxRows)
{
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;
    public const int DefaultMaxRows = 1_000_000;
}

/// <summary>What a file is validated against: the district, its schools, the platform's users, the limits.</summary>
public sealed record ValidationContext(
    District District,
    UserType UserType,
    IReadOnlyList<School> Schools,
    IUserLookup Users,
    ImportLimits Limits);

/// <summary>The outcome of validating a file. <see cref="Rows"/> counts data records, blank rows excluded.</summary>
public sealed record ValidationResult(int Rows, IReadOnlyList<ImportIssue> Errors, IReadOnlyList<ImportIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}
