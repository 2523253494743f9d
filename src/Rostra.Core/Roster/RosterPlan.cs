namespace Rostra.Core.Roster;

/// <summary>
/// The plan of a valid update or sync file: its counts, how many active users of the type the district had, and the
/// most common single field change among its updated users (null when no updated user changes a field but Password).
/// </summary>
public sealed record RosterPlan(PlanCounts Counts, int ActiveUsers, TopChange? TopChange = null);

/// <summary>
/// The field change that most updated users of a plan share: <see cref="Field"/> from <see cref="From"/> to
/// <see cref="To"/> (null for blank) for <see cref="Count"/> of them, e.g. Grade 4 → 5 for 310. Never a password.
/// </summary>
public sealed record TopChange(string Field, string? From, string? To, int Count);
