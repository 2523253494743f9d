using System.Collections;
using Rostra.Core.Roster;
using Rostra.Storage;

namespace Rostra.Roster;

/// <summary>
/// Hands the planned changes of one import's validation to the store, and remembers which rows change nothing (one bit
/// a row), so staging can leave them out: only rows that change are staged and written. Changes are stored
/// <see cref="WriteBatch"/> at a time, while validation reads on; the next write waits for the one before, so they
/// are stored one at a time, in order.
/// </summary>
internal sealed class StorePlanSink(IRostraStore store, Guid importId) : IPlanSink
{
    /// <summary>
    /// Changes stored in one transaction. Few and large: every commit costs a sync of the database's log, and on SQLite
    /// it makes the look-ups' connections drop their page caches.
    /// </summary>
    internal const int WriteBatch = 32_768;

    private readonly BitArray unchanged = new(0);

    private List<PlannedChange> buffer = [];

    /// <summary>The store's write of the last batch.</summary>
    private Task storing = Task.CompletedTask;

    public async Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            if (change.Action != PlanAction.Unchanged || change.Row is not { } row) continue;
            if (row >= unchanged.Length) unchanged.Length = Math.Max(row + 1, unchanged.Length * 2);
            unchanged[row] = true;
        }
        buffer.AddRange(changes);
        if (buffer.Count >= WriteBatch) await WriteAsync(cancellationToken);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (buffer.Count > 0) await WriteAsync(cancellationToken);
        await storing;
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        await storing;
        var batch = buffer;
        buffer = new List<PlannedChange>(WriteBatch + FileValidatorBatch);
        // On the thread pool: a provider whose calls do their work before returning (SQLite's) still runs beside validation.
        storing = Task.Run(() => store.AddPlanChangesAsync(importId, batch, cancellationToken), cancellationToken);
    }

    /// <summary>About how many changes validation hands on at once.</summary>
    private const int FileValidatorBatch = 4_096;

    /// <summary>Whether the file's row <paramref name="row"/> was planned as unchanged.</summary>
    public bool IsUnchanged(int row) => row < unchanged.Length && unchanged[row];
}
