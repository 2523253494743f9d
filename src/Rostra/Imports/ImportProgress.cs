using System.Collections.Concurrent;
using Rostra.Storage;

namespace Rostra.Imports;

/// <summary>
/// What the imports running in this process are doing right now: the step of each one this process validates or
/// writes, and the passwords hashed so far of each chunk its workers hold. The API of this node reads it first, as it
/// moves; the store holds the same figures at most a second behind (<see cref="StepWriter"/>, chunk progress) for
/// every other node, except inside the final write, whose one transaction only this process can see into.
/// </summary>
public sealed class ImportProgress
{
    private readonly ConcurrentDictionary<Guid, ImportStepProgress> steps = new();
    private readonly ConcurrentDictionary<(Guid Import, int Chunk), int> chunks = new();

    public void Report(Guid importId, ImportStepProgress step) => steps[importId] = step;

    /// <summary>The step of an import this process is working on; null when it is not.</summary>
    public ImportStepProgress? Find(Guid importId) => steps.GetValueOrDefault(importId);

    public void Forget(Guid importId) => steps.TryRemove(importId, out _);

    public void ReportChunk(Guid importId, int chunkNo, int doneRows) => chunks[(importId, chunkNo)] = doneRows;

    /// <summary>
    /// The passwords hashed so far of each chunk of the import that a worker of this process holds. Read it before the
    /// chunks' state in the store: a chunk forgotten here was saved before, so the store then shows it hashed.
    /// </summary>
    public IReadOnlyDictionary<int, int> ChunksOf(Guid importId) =>
        chunks.Where(c => c.Key.Import == importId).ToDictionary(c => c.Key.Chunk, c => c.Value);

    public void ForgetChunk(Guid importId, int chunkNo) => chunks.TryRemove((importId, chunkNo), out _);
}
