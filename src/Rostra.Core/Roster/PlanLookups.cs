namespace Rostra.Core.Roster;

/// <summary>
/// How an update or sync validation finds the users its rows name. Both give the same plan; they differ in what they
/// cost: a batch of look-ups costs about as much per row as reading the whole district costs per user.
/// </summary>
public enum PlanLookups
{
    /// <summary>
    /// The district is read once when the file names about as many users as it has (<see cref="RosterSnapshot"/>), a batch
    /// read meanwhile waiting for it up to 0.75 s before it is looked up; else a batch at a time.
    /// </summary>
    Auto,

    /// <summary>The users a batch of rows names, looked up a batch at a time.</summary>
    Batched,

    /// <summary>The district's users read once, as fingerprints; only the rows that change something are looked up.</summary>
    WholeDistrict,
}
