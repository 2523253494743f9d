using Rostra.Core;

namespace Rostra.Storage;

/// <summary>A stored user as sign-in and the pages need it.</summary>
public sealed record UserAccount(
    long Id,
    string DistrictId,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? PasswordHash,
    int FailedLogins,
    DateTimeOffset? LockedUntil,
    bool Active = true)
{
    public bool IsDistrictAdmin => Roles.Contains(Core.Roles.DistrictAdmin);
}
