using Rostra.Core;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Web.Imports;

/// <summary>
/// The step of an import as <c>GET /api/imports/{id}</c> shows it: what this node is doing right now
/// (<see cref="ImportProgress"/>) first, else what the node doing the work last stored; hashing is counted from the
/// chunks (hashed, plus the passwords of chunks being hashed, on any node). Null when the import ended, waits for
/// CONFIRM, or has not started.
/// </summary>
/// <param name="Percent">The whole of the work so far, 0–99 while it runs: a share of each step in turn.</param>
internal sealed record StepFigures(string Step, long Done, long? Total, int Percent)
{
    // The share of the whole each step takes, about as long as each takes on a real file: checking is the long part of
    // validating, hashing the long part of importing.
    private const int ReadingEnd = 5, CheckingEnd = 70;
    private const int HashingEnd = 95;

    /// <param name="hashing">Passwords hashed so far per chunk held here, read before <paramref name="chunks"/>.</param>
    public static StepFigures? For(ImportRecord record, IReadOnlyList<ChunkInfo> chunks, IReadOnlyDictionary<int, int> hashing, ImportProgress live)
    {
        if (record.Status == ImportStatus.Validating)
        {
            if ((live.Find(record.Id) ?? record.Step) is not { } step) return null;
            var share = Share(step.Done, step.Total);
            var percent = step.Step switch
            {
                ImportSteps.Reading => share * ReadingEnd,
                ImportSteps.Checking => ReadingEnd + share * (CheckingEnd - ReadingEnd),
                _ => CheckingEnd + share * (100 - CheckingEnd),
            };
            return new StepFigures(step.Step, step.Done, step.Total, Whole(percent));
        }
        if (record.Status != ImportStatus.Importing) return null;
        if ((live.Find(record.Id) ?? record.Step) is { Step: ImportSteps.Saving } saving)
        {
            return new StepFigures(saving.Step, saving.Done, saving.Total, Whole(HashingEnd + Share(saving.Done, saving.Total) * (100 - HashingEnd)));
        }
        // Hashing: every hashed chunk, and what the workers holding the others have hashed so far (here, live; elsewhere,
        // stored), all from one read of the chunks, so a chunk saved meanwhile is never counted twice or not at all.
        long hashed = 0;
        foreach (var chunk in chunks)
        {
            hashed += chunk.HashedBy is not null ? chunk.Rows : Math.Min(chunk.Rows, Math.Max(chunk.DoneRows, hashing.GetValueOrDefault(chunk.ChunkNo)));
        }
        // Of the rows staged: the rows a plan leaves unchanged are never hashed.
        var total = record.RowsToWrite;
        hashed = Math.Min(hashed, total);
        return new StepFigures(ImportSteps.Hashing, hashed, total, Whole(Share(hashed, total) * HashingEnd));
    }

    /// <summary>How much of a step is done, 0–1; 0 while its total is unknown.</summary>
    private static double Share(long done, long? total) => total is > 0 ? Math.Clamp((double)done / total.Value, 0, 1) : 0;

    /// <summary>Never 100 while the work runs: 100 is the end.</summary>
    private static int Whole(double value) => (int)Math.Clamp(Math.Floor(value), 0, 99);
}
