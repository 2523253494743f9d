using Rostra.Core;
using Rostra.Core.Roster;

namespace Rostra.Storage;

/// <summary>
/// Update and sync imports (SPEC §10): the look-ups their validation makes, their plan, and revert. The plan itself is
/// applied by the final write of the import, in its transaction.
/// </summary>
public interface IRosterStore : IRosterLookup
{
    /// <summary>Appends a batch of planned changes of an import, numbered on from the last.</summary>
    Task AddPlanChangesAsync(Guid importId, IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken);

    /// <summary>Deletes the planned changes of an import (a validation that is run again, or ended with errors).</summary>
    Task ClearPlanAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>Records the plan's counts and the district's active users of the type on the import.</summary>
    Task SavePlanAsync(Guid importId, RosterPlan plan, CancellationToken cancellationToken);

    /// <summary>A page of an import's planned changes in row order (deactivations last), optionally of one action.</summary>
    Task<PlanChangePage> GetPlanChangesAsync(Guid importId, PlanAction? action, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Reverts a completed import of the district, all or nothing: its created users are removed, updated and
    /// reactivated users get their previous values (and password hash) back, deactivated users are reactivated. Refused
    /// when the import is older than <paramref name="window"/>, already reverted, or a later change touched its users.
    /// </summary>
    Task<RevertResult> RevertImportAsync(string districtId, Guid importId, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Whether the import can be reverted now (the same checks as <see cref="RevertImportAsync"/>, nothing written).</summary>
    Task<RevertResult> CanRevertImportAsync(string districtId, Guid importId, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>
    /// The district's active users of a type (a school admin who teaches is a school admin), by username, streamed a page
    /// at a time: what the round-trip export writes.
    /// </summary>
    IAsyncEnumerable<ExportedUser> ExportUsersAsync(string districtId, UserType type, CancellationToken cancellationToken);

    /// <summary>Deletes what revert keeps (before-values, previous password hashes) of imports completed before <paramref name="before"/>.</summary>
    Task<int> PurgeRevisionsAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>A page of planned changes and how many there are in all (of the action asked for).</summary>
public sealed record PlanChangePage(IReadOnlyList<PlannedChange> Items, int Total);

/// <summary>The outcome of a revert: done, or refused with the reason a person reads.</summary>
public sealed record RevertResult(bool Succeeded, string? Reason, int Users = 0)
{
    public static RevertResult Refused(string reason) => new(false, reason);
}
