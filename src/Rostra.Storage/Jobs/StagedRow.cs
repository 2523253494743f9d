using Rostra.Core;

namespace Rostra.Storage;

/// <summary>
/// A valid row waiting for the final write. <see cref="PasswordProtected"/> is Data Protection ciphertext (null for SSO
/// users and once hashed); <see cref="Roles"/> and <see cref="SchoolIds"/> as on the user.
/// </summary>
public sealed record StagedRow(
    int Row,
    int ChunkNo,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    Grade? Grade,
    IReadOnlyList<string> SchoolIds,
    string? PasswordProtected);
