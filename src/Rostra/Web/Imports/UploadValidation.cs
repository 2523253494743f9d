namespace Rostra.Web.Imports;

/// <summary>An upload being validated in this process: its cancellation and its end (its progress is the engine's).</summary>
internal sealed class UploadValidation(Guid id) : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid Id { get; } = id;

    public CancellationToken Token => cancellation.Token;

    /// <summary>True when a person pressed CANCEL, as opposed to the server stopping.</summary>
    public bool CancelRequested { get; private set; }

    /// <summary>Completes when the work has ended and its final state is stored.</summary>
    public Task Completion => done.Task;

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
