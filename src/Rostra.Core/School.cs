namespace Rostra.Core;

/// <summary>A school of one district. <see cref="SchoolId"/> is unique across the platform.</summary>
public sealed record School(string SchoolId, string DistrictId, string Name, GradeSet Grades);
