namespace Rostra.Core;

/// <summary>A user read from a valid row, ready to be hashed and written.</summary>
public sealed record ImportedUser(
    int Row,
    string FirstName,
    string? LastName,
    string Username,
    string? Email,
    Grade? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> Roles,
    string? Password);
