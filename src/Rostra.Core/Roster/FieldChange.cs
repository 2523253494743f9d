namespace Rostra.Core.Roster;

/// <summary>
/// One field a plan changes, by its template column name (plus <c>Program</c>), with its old and new value.
/// A password is only ever <c>{Password, null, null}</c>: that it changes, never what to.
/// </summary>
public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>
/// What an update or sync does to one user. <see cref="Row"/> is null for a deactivation; <see cref="UserId"/> and
/// <see cref="Version"/> are null for a create. <see cref="Changes"/> is empty for unchanged rows and deactivations.
/// </summary>
public sealed record PlannedChange(int? Row, string Username, PlanAction Action, long? UserId, long? Version, IReadOnlyList<FieldChange> Changes);

/// <summary>The counts of a plan (SPEC §10).</summary>
public sealed record PlanCounts(int Create, int Update, int Unchanged, int Deactivate, int Reactivate)
{
    public static PlanCounts Empty { get; } = new(0, 0, 0, 0, 0);

    public PlanCounts Add(PlanAction action) => action switch
    {
        PlanAction.Create => this with { Create = Create + 1 },
        PlanAction.Update => this with { Update = Update + 1 },
        PlanAction.Unchanged => this with { Unchanged = Unchanged + 1 },
        PlanAction.Deactivate => this with { Deactivate = Deactivate + 1 },
        PlanAction.Reactivate => this with { Reactivate = Reactivate + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>True when applying the plan writes nothing. Not part of the plan as printed or served (SPEC §10).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Create + Update + Deactivate + Reactivate == 0;
}
