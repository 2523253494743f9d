using System.Collections.Concurrent;
using System.Threading.Channels;
using Rostra.Core;

namespace Rostra.Web.Imports;

internal enum ImportStep
{
    Validate,
    Import,
}

/// <summary>One piece of background work: validate an upload, or write a confirmed import.</summary>
internal sealed record ImportWork(ImportJob Job, ImportStep Step, District District, UserType UserType, string? ProgramId);

/// <summary>
/// An import being validated or written in this process: its cancellation and its live progress
/// (the store keeps rows; the percentage of bytes read or users hashed lives here).
/// </summary>
internal sealed class ImportJob(Guid id) : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int percent = -1;

    public Guid Id { get; } = id;

    public CancellationToken Token => cancellation.Token;

    /// <summary>True when a person pressed CANCEL, as opposed to the server stopping.</summary>
    public bool CancelRequested { get; private set; }

    /// <summary>Completes when the work has ended and its final state is stored.</summary>
    public Task Completion => done.Task;

    /// <summary>0–100 while the work runs; null before it reports anything.</summary>
    public int? Percent => Volatile.Read(ref percent) is var p and >= 0 ? p : null;

    public void ReportPercent(int value) => Volatile.Write(ref percent, Math.Clamp(value, 0, 100));

    public void RequestCancel()
    {
        CancelRequested = true;
        Stop();
    }

    public void Stop()
    {
        try
        {
            cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    public void MarkDone() => done.TrySetResult();

    public void Dispose() => cancellation.Dispose();
}

/// <summary>The imports this process is working on, and the queue the workers take them from.</summary>
internal sealed class ImportJobs
{
    private readonly ConcurrentDictionary<Guid, ImportJob> jobs = new();
    private readonly Channel<ImportWork> queue = Channel.CreateUnbounded<ImportWork>();

    /// <summary>Confirm and cancel decide one at a time, so a double click or two tabs cannot interleave.</summary>
    public SemaphoreSlim Decisions { get; } = new(1, 1);

    public ChannelReader<ImportWork> Reader => queue.Reader;

    public ImportJob Register(Guid id)
    {
        var job = new ImportJob(id);
        jobs[id] = job;
        return job;
    }

    public void Enqueue(ImportWork work)
    {
        if (!queue.Writer.TryWrite(work))
        {
            throw new InvalidOperationException("The import queue is closed: the server is stopping.");
        }
    }

    public ImportJob? Find(Guid id) => jobs.GetValueOrDefault(id);

    /// <summary>Forgets a job whose work has ended (only that job: a newer one for the same import stays).</summary>
    public void Finish(ImportJob job)
    {
        jobs.TryRemove(new KeyValuePair<Guid, ImportJob>(job.Id, job));
        job.MarkDone();
    }

    /// <summary>The server is stopping: stop all work; what is left is recorded as interrupted.</summary>
    public IReadOnlyCollection<ImportJob> StopAll()
    {
        queue.Writer.TryComplete();
        var all = jobs.Values.ToList();
        foreach (var job in all)
        {
            job.Stop();
        }
        return all;
    }
}
