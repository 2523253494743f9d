namespace Rostra.Core;

/// <summary>
/// A user about to be created: read from a valid row (<see cref="Password"/> plain), staged for an import's final
/// write (protected), or added at once (hashed). In an update or sync, a row's values for the existing user it names.
/// <see cref="Row"/> is the file's row, null for a user not read from a file. The rows of an import are given the
/// import's program at its final write; their <see cref="ProgramIds"/> are empty until then.
/// </summary>
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
    Secret? Password,
    int? Row = null);
