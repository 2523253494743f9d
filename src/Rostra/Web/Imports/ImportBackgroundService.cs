using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Web.Imports;

/// <summary>
/// The background work of one node. Uploads received here are validated here, a few at a time
/// (<see cref="WebRuntime.ConcurrentImports"/>), taken from the <see cref="UploadQueue"/> fairly between districts, and
/// their valid rows staged in the database by the durable engine (<see cref="ImportEngine"/>); the upload file is
/// deleted as soon as that is done. While an upload waits for a slot this node keeps its lease renewed, so no node
/// takes waiting for a dead node. Everything after staging — hashing before and after CONFIRM, the final
/// all-or-nothing write — is claimed from the database by the workers of every node, this one's included
/// (<see cref="ImportEngine.RunAsync"/>). A restart loses no hashing, and any node can show, confirm or cancel any import.
/// </summary>
internal sealed class ImportBackgroundService(
    UploadQueue queue,
    IRostraStore store,
    ImportEngine runner,
    UploadFiles uploads,
    WebRuntime runtime,
    ValidationSlotHook hook,
    ILogger<ImportBackgroundService> logger) : BackgroundService
{
    private static readonly string[] Running = [ImportStatus.Validating];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, runtime.ConcurrentImports)
            .Select(_ => Task.Run(() => ConsumeAsync(stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => KeepWaitingLeasesAsync(stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => runner.RunAsync(stoppingToken), CancellationToken.None)));

    /// <summary>
    /// Housekeeping now: cancels valid imports not confirmed for <paramref name="olderThan"/> (by default
    /// <see cref="WebRuntime.UnconfirmedExpiry"/>) and deletes their staged passwords. The engine also does this on its own, every few seconds.
    /// </summary>
    internal Task<HousekeepingResult> ExpireOnceAsync(CancellationToken cancellationToken, TimeSpan? olderThan = null) =>
        store.HousekeepAsync(ImportMessages.StaleValidation, olderThan ?? runtime.UnconfirmedExpiry, ImportMessages.Expired, cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var left = queue.StopAll();
        await base.StopAsync(cancellationToken);
        // Validations queued here never started, and their upload is only on this node: record it now.
        foreach (var validation in left.Where(j => !j.Completion.IsCompleted))
        {
            await store.TryTransitionAsync(validation.Id, Running, ImportStatus.Failed, ImportMessages.StaleValidation, CancellationToken.None);
            uploads.DeleteUpload(validation.Id);
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var work = await queue.TakeAsync(stoppingToken);
                await RunAsync(work, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    /// <summary>
    /// One heartbeat for every upload this node holds, most of all those waiting for a validation slot (a running
    /// validation renews its own lease too): their leases stay renewed while this node lives, so housekeeping (on any
    /// node) fails an upload only when the node that holds its file is gone.
    /// </summary>
    private async Task KeepWaitingLeasesAsync(CancellationToken stoppingToken)
    {
        var settings = runner.Settings;
        using var timer = new PeriodicTimer(settings.HeartbeatTime);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var waiting = queue.Held();
                if (waiting.Count == 0) continue;
                try
                {
                    await store.RenewImportLeasesAsync(waiting, runner.Worker(-1), DateTimeOffset.UtcNow + settings.LeaseTime, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The leases may well still hold; the next beat tries again.
                    logger.LogWarning(e, "Could not renew the leases of {Count} uploads waiting for validation.", waiting.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    private async Task RunAsync(QueuedUpload work, CancellationToken stoppingToken)
    {
        var validation = work.Validation;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(validation.Token, stoppingToken);
        var cancellationToken = linked.Token;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (hook.Run is { } beforeValidation) await beforeValidation(validation.Id, cancellationToken);
            await ValidateAsync(work, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var (status, message) = validation.CancelRequested
                ? (ImportStatus.Cancelled, ImportMessages.Cancelled)
                : (ImportStatus.Failed, ImportMessages.StaleValidation);
            await store.TryTransitionAsync(validation.Id, Running, status, message, CancellationToken.None);
            await store.PurgeStagedRowsAsync(validation.Id, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Import {ImportId} failed during validation.", validation.Id);
            await store.TryTransitionAsync(validation.Id, Running, ImportStatus.Failed, ImportMessages.Failed, CancellationToken.None);
            await store.PurgeStagedRowsAsync(validation.Id, CancellationToken.None);
        }
        finally
        {
            // The upload held passwords in plaintext: it goes as soon as validation and staging end, whatever the outcome.
            uploads.DeleteUpload(validation.Id);
            queue.Finish(work);
            validation.Dispose();
        }
    }

    private async Task ValidateAsync(QueuedUpload work, CancellationToken cancellationToken)
    {
        var id = work.Validation.Id;
        var record = await store.GetImportAsync(work.District.Id, id, cancellationToken)
            ?? throw new InvalidOperationException($"Import {id} is gone.");
        ValidationResult? result;
        await using (var file = UploadFiles.OpenRead(uploads.Upload(id)))
        {
            var progress = new ProgressReporter(store, id, work.Validation, logger);
            result = await runner.ValidateAsync(record, work.District, file, runtime.Limits, progress, cancellationToken);
            await progress.FlushAsync();
        }
        // Null: cancelled meanwhile (the engine saw it on its lease).
        cancellationToken.ThrowIfCancellationRequested();
        if (result is not null)
        {
            logger.LogInformation("Import {ImportId}: {Rows} rows, {Errors} errors.", id, result.Rows, result.ErrorCount);
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class ActionProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }

    /// <summary>Validation progress: the percentage of bytes read lives in the validation; rows reach the store every second.</summary>
    private sealed class ProgressReporter(IRostraStore store, Guid id, UploadValidation validation, ILogger logger) : IProgress<ValidationProgress>
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
        private long lastSaved = Environment.TickCount64;
        private int saving;
        private Task pending = Task.CompletedTask;

        public void Report(ValidationProgress value)
        {
            if (value.TotalBytes > 0)
            {
                validation.ReportPercent((int)(value.BytesRead * 100 / value.TotalBytes));
            }
            var now = Environment.TickCount64;
            if (now - Volatile.Read(ref lastSaved) >= Interval.TotalMilliseconds && Interlocked.Exchange(ref saving, 1) == 0)
            {
                Volatile.Write(ref lastSaved, now);
                pending = SaveAsync(value.Rows);
            }
        }

        public async Task FlushAsync() => await pending;

        private async Task SaveAsync(int count)
        {
            try
            {
                await store.UpdateProgressAsync(id, count, count, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not save the progress of import {ImportId}.", id);
            }
            finally
            {
                Volatile.Write(ref saving, 0);
            }
        }
    }
}
