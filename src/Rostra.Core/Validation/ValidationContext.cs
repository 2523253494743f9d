using Rostra.Core.Roster;

namespace Rostra.Core.Validation;

/// <summary>
/// What a file is validated against: the district, its schools, the platform's users, the limits. An update or sync
/// (<see cref="Mode"/>) also needs <see cref="Roster"/> to compare rows with the users they name (a create file uses it, when
/// given, only to tell the district's own users apart among taken usernames), the import's
/// <see cref="ProgramId"/>, and hands its plan to <see cref="Plan"/>; <see cref="Lookups"/> says how it finds the users (the same plan either way).
/// </summary>
public sealed record ValidationContext(
    District District,
    UserType UserType,
    IReadOnlyList<School> Schools,
    IUserLookup Users,
    ImportLimits Limits,
    ImportMode Mode = ImportMode.Create,
    IRosterLookup? Roster = null,
    string? ProgramId = null,
    IPlanSink? Plan = null,
    PlanLookups Lookups = PlanLookups.Auto);
