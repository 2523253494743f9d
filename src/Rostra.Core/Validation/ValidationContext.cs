namespace Rostra.Core.Validation;

/// <summary>What a file is validated against: the district, its schools, the platform's users, the limits.</summary>
public sealed record ValidationContext(
    District District,
    UserType UserType,
    IReadOnlyList<School> Schools,
    IUserLookup Users,
    ImportLimits Limits);
