using Rostra.Core;

namespace Rostra.Storage;

/// <summary>
/// A stored user as sign-in and the pages need it. <see cref="SecurityStamp"/> changes when the user signs out: a
/// session signed in with another stamp has ended. A user who is not <see cref="Active"/> cannot sign in.
/// </summary>
public sealed record UserAccount(
    long Id,
    string DistrictId,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? PasswordHash,
    string SecurityStamp,
    bool Active = true)
{
    public bool IsDistrictAdmin => Roles.Contains(Core.Roles.DistrictAdmin);
}
