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
    BackgroundThreads background,
    ILogger<ImportBackgroundService> logger) : BackgroundService
{
    private static readonly string[] Running = [ImportStatus.Validating];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, runtime.ConcurrentImports)
            // Checking a file is CPU work: on the background threads, below the priority of requests.
            .Select(_ => background.Run(() => ConsumeAsync(stoppingToken)))
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
            // The name goes at once (the open stream still reads the file): the plaintext passwords are never on disk
            // once the import's outcome can be seen, however long this thread waits for its turn after it.
            uploads.DeleteUpload(id);
            // The engine reports each step and its figures, here and in the store.
            result = await runner.ValidateAsync(record, work.District, file, runtime.Limits, progress: null, cancellationToken);
        }
        // Null: cancelled meanwhile (the engine saw it on its lease).
        cancellationToken.ThrowIfCancellationRequested();
        if (result is not null)
        {
            logger.LogInformation("Import {ImportId}: {Rows} rows, {Errors} errors.", id, result.Rows, result.ErrorCount);
        }
    }
}
