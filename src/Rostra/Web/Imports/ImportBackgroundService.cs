using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Web.Imports;

/// <summary>
/// The background work of one node. Uploads received here are validated here, a few at a time
/// (<see cref="WebRuntime.ConcurrentImports"/>), and their valid rows staged in the database by the durable engine
/// (<see cref="ImportEngine"/>); the upload file is deleted as soon as that is done. Everything after that —
/// hashing before and after CONFIRM, the final all-or-nothing write — is claimed from the database by the workers of
/// every node, this one's included (<see cref="ImportEngine.RunAsync"/>). A restart loses no hashing, and
/// any node can show, confirm or cancel any import.
/// </summary>
internal sealed class ImportBackgroundService(
    UploadQueue queue,
    IRostraStore store,
    ImportEngine runner,
    UploadFiles uploads,
    WebRuntime runtime,
    ILogger<ImportBackgroundService> logger) : BackgroundService
{
    private static readonly string[] Running = [ImportStatus.Validating];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, runtime.ConcurrentImports)
            .Select(_ => Task.Run(() => ConsumeAsync(stoppingToken), CancellationToken.None))
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
            await foreach (var work in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(work, stoppingToken);
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
            queue.Finish(validation);
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
