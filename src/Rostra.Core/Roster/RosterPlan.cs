namespace Rostra.Core.Roster;

/// <summary>The plan of a valid update or sync file: its counts, and how many active users of the type the district had.</summary>
public sealed record RosterPlan(PlanCounts Counts, int ActiveUsers);
