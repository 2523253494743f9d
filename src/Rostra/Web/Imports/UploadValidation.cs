namespace Rostra.Web.Imports;

/// <summary>
/// An upload being validated in this process: its cancellation and its live progress
/// (the store keeps rows; the percentage of bytes read lives here).
/// </summary>
internal sealed class UploadValidation(Guid id) : IDisposable
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
