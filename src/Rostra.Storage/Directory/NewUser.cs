using Rostra.Core;

namespace Rostra.Storage;

/// <summary>A user to create. <see cref="PasswordHash"/> is an encoded Argon2id hash, or null (SSO users).</summary>
public sealed record NewUser(
    string DistrictId,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    Grade? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> ProgramIds,
    string? PasswordHash,
    int? Row = null);
