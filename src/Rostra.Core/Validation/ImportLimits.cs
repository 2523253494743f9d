namespace Rostra.Core.Validation;

/// <summary>
/// Size and row limits of one file (SPEC §9), and how many of its errors are kept in detail (every error is counted).
/// All are configuration.
/// </summary>
public sealed record ImportLimits(
    long MaxFileBytes = ImportLimits.DefaultMaxFileBytes,
    int MaxRows = ImportLimits.DefaultMaxRows,
    int MaxDetailedErrors = ErrorLimits.DefaultMaxDetailedErrors)
{
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;
    public const int DefaultMaxRows = 1_000_000;
}
