namespace Rostra.Storage;

/// <summary>Filters of a user listing. <see cref="Type"/> is a role (student, teacher, school-admin, district-admin).
/// <see cref="Active"/>: only active (true) or only deactivated (false) users; null for both.</summary>
public sealed record UserQuery(string DistrictId, string? Type = null, string? SchoolId = null, string? Search = null, int Offset = 0, int Limit = 100, bool? Active = null);
