using Microsoft.Extensions.Logging;
using Rostra.Storage;

namespace Rostra.Imports;

/// <summary>
/// Reports the steps of one import as this process works through them: each figure goes to <see cref="ImportProgress"/>
/// at once, and to the store (for the other nodes) when a step begins and then at most every second while it moves.
/// While checking, the rows checked and the file's rows (about) go to the import's <c>processed_rows</c> and
/// <c>rows</c> too. Dispose it before the import's outcome is stored, so no late figure follows the outcome.
/// </summary>
internal sealed class StepWriter : IAsyncDisposable
{
    /// <summary>How often a moving figure reaches the store.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly IRostraStore store;
    private readonly ImportProgress progress;
    private readonly Guid importId;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Lock gate = new();

    /// <summary>One store write at a time, so a late figure of a step never lands after the next step began.</summary>
    private readonly SemaphoreSlim writing = new(1, 1);
    private ImportStepProgress? current;
    private bool dirty;
    private bool disposed;

    /// <summary>The file's rows, about, once read: the import's <c>rows</c> while it is checked.</summary>
    private long? estimatedRows;

    public StepWriter(IRostraStore store, ImportProgress progress, Guid importId, ILogger logger)
    {
        this.store = store;
        this.progress = progress;
        this.importId = importId;
        this.logger = logger;
        loop = Task.Run(LoopAsync);
    }

    /// <summary>Starts a step: stored first, for every node, then shown here, before the work of the step goes on.</summary>
    public async Task BeginAsync(string step, long? total, CancellationToken cancellationToken)
    {
        var begun = new ImportStepProgress(step, 0, total);
        await writing.WaitAsync(cancellationToken);
        try
        {
            await store.SaveStepAsync(importId, begun, cancellationToken);
            lock (gate)
            {
                current = begun;
                dirty = false;
            }
        }
        finally
        {
            writing.Release();
        }
        progress.Report(importId, begun);
    }

    /// <summary>How far the current step is; stored within a second.</summary>
    public void Report(long done, long? total = null)
    {
        ImportStepProgress next;
        lock (gate)
        {
            if (current is null) return;
            next = current with { Done = done, Total = total ?? current.Total };
            current = next;
            dirty = true;
        }
        progress.Report(importId, next);
    }

    /// <summary>The file's rows as counted by its line breaks, shown as the import's rows until the check knows them.</summary>
    public void EstimateRows(long? rows)
    {
        lock (gate) estimatedRows = rows;
    }

    private async Task LoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await SaveAsync(CancellationToken.None);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await writing.WaitAsync(cancellationToken);
        try
        {
            await SaveCurrentAsync(cancellationToken);
        }
        finally
        {
            writing.Release();
        }
    }

    private async Task SaveCurrentAsync(CancellationToken cancellationToken)
    {
        ImportStepProgress? step;
        long? estimate;
        lock (gate)
        {
            if (!dirty || current is null) return;
            dirty = false;
            step = current;
            estimate = estimatedRows;
        }
        try
        {
            await store.SaveStepAsync(importId, step, cancellationToken);
            if (step.Step == Rostra.Core.ImportSteps.Checking)
            {
                var checkedRows = (int)Math.Min(int.MaxValue, step.Done);
                var rows = (int)Math.Min(int.MaxValue, Math.Max(checkedRows, estimate ?? 0));
                await store.UpdateProgressAsync(importId, rows, checkedRows, cancellationToken);
            }
        }
        catch (Exception e)
        {
            // A figure missed is not worth stopping the import for; the next one follows within a second.
            logger.LogWarning(e, "Could not save the progress of import {ImportId}.", importId);
        }
    }

    /// <summary>Stops writing: the last figure reaches the store, and this process forgets the import's step.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        await stop.CancelAsync();
        await loop;
        await SaveAsync(CancellationToken.None);
        progress.Forget(importId);
        stop.Dispose();
        writing.Dispose();
    }
}
