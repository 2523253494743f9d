using Rostra.Core;

namespace Rostra.Storage;

/// <summary>A user as listed by <c>users list</c> and <c>GET /api/users</c>.</summary>
public sealed record UserSummary(
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> Programs,
    bool Active = true);
