using Rostra.Core.Roster;
using Rostra.Storage;

namespace Rostra.Roster;

/// <summary>Hands the planned changes of one import's validation to the store, a batch at a time.</summary>
internal sealed class StorePlanSink(IRostraStore store, Guid importId) : IPlanSink
{
    public Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken) =>
        store.AddPlanChangesAsync(importId, changes, cancellationToken);
}
