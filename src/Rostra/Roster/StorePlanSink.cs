using System.Collections;
using Rostra.Core.Roster;
using Rostra.Storage;

namespace Rostra.Roster;

/// <summary>
/// Hands the planned changes of one import's validation to the store, a batch at a time, and remembers which rows
/// change nothing (one bit a row), so staging can leave them out: only rows that change are staged and written.
/// </summary>
internal sealed class StorePlanSink(IRostraStore store, Guid importId) : IPlanSink
{
    private readonly BitArray unchanged = new(0);

    public Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            if (change.Action != PlanAction.Unchanged || change.Row is not { } row) continue;
            if (row >= unchanged.Length) unchanged.Length = Math.Max(row + 1, unchanged.Length * 2);
            unchanged[row] = true;
        }
        return store.AddPlanChangesAsync(importId, changes, cancellationToken);
    }

    /// <summary>Whether the file's row <paramref name="row"/> was planned as unchanged.</summary>
    public bool IsUnchanged(int row) => row < unchanged.Length && unchanged[row];
}
