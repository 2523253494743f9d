using Rostra.Core;
using Rostra.Core.Import;
using Rostra.Core.Passwords;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Web.Imports;

/// <summary>
/// Validates uploads and writes confirmed imports off the request thread, a few at a time
/// (<see cref="WebRuntime.ConcurrentImports"/>). State moves validating → invalid | valid → importing →
/// completed | failed, or to cancelled; every change goes through the store, so a closed tab changes nothing
/// and a restarted server finds a clear status.
/// </summary>
internal sealed class ImportWorker(
    ImportJobs jobs,
    IRostraStore store,
    PasswordHasher hasher,
    UploadFiles uploads,
    WebRuntime runtime,
    ILogger<ImportWorker> logger) : BackgroundService
{
    public const string CancelledMessage = "Cancelled. Nothing was imported.";

    public const string FailedMessage =
        "Something went wrong on the server while working on this file. Nothing was imported: upload the file again, " +
        "and if it happens again, tell your technical contact.";

    private static readonly string[] Running = [ImportStatus.Validating, ImportStatus.Importing];

    public const string ExpiredMessage = "Not confirmed in time, so nothing was imported. Upload the file again to import it.";

    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, runtime.ConcurrentImports)
            .Select(_ => Task.Run(() => ConsumeAsync(stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => ExpireUnconfirmedAsync(stoppingToken), CancellationToken.None)));

    /// <summary>
    /// A valid import nobody confirms keeps a file with passwords on disk: after <see cref="WebRuntime.UnconfirmedExpiry"/>
    /// it is cancelled and its file deleted.
    /// </summary>
    private async Task ExpireUnconfirmedAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepEvery);
        try
        {
            do
            {
                try
                {
                    await ExpireOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not expire unconfirmed imports.");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    internal async Task ExpireOnceAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(uploads.Directory))
        {
            return;
        }
        var cutoff = DateTime.UtcNow - runtime.UnconfirmedExpiry;
        foreach (var path in Directory.EnumerateFiles(uploads.Directory, "*.csv"))
        {
            if (!Guid.TryParse(Path.GetFileNameWithoutExtension(path), out var id) || jobs.Find(id) is not null
                || File.GetLastWriteTimeUtc(path) > cutoff)
            {
                continue;
            }
            if (await store.TryTransitionAsync(id, [ImportStatus.Valid], ImportStatus.Cancelled, ExpiredMessage, cancellationToken))
            {
                uploads.Delete(path);
                logger.LogInformation("Import {ImportId} was not confirmed in time and was cancelled.", id);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var left = jobs.StopAll();
        await base.StopAsync(cancellationToken);
        // Work still queued never started: record it now rather than at the next start.
        foreach (var job in left.Where(j => !j.Completion.IsCompleted))
        {
            await store.TryTransitionAsync(job.Id, Running, ImportStatus.Failed, StartupTasks.InterruptedMessage, CancellationToken.None);
            uploads.DeleteUpload(job.Id);
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in jobs.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(work, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    private async Task RunAsync(ImportWork work, CancellationToken stoppingToken)
    {
        var job = work.Job;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.Token, stoppingToken);
        var cancellationToken = linked.Token;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (work.Step == ImportStep.Validate)
            {
                await ValidateAsync(work, cancellationToken);
            }
            else
            {
                await ImportAsync(work, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var (status, message) = job.CancelRequested
                ? (ImportStatus.Cancelled, CancelledMessage)
                : (ImportStatus.Failed, StartupTasks.InterruptedMessage);
            await store.TryTransitionAsync(job.Id, Running, status, message, CancellationToken.None);
            uploads.DeleteUpload(job.Id);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Import {ImportId} failed during {Step}.", job.Id, work.Step);
            await store.TryTransitionAsync(job.Id, Running, ImportStatus.Failed, FailedMessage, CancellationToken.None);
            uploads.DeleteUpload(job.Id);
        }
        finally
        {
            jobs.Finish(job);
            job.Dispose();
        }
    }

    private async Task ValidateAsync(ImportWork work, CancellationToken cancellationToken)
    {
        var id = work.Job.Id;
        var context = await ValidationContexts.CreateAsync(store, work.District, work.UserType, runtime.Limits, cancellationToken);
        ValidationResult result;
        await using (var file = UploadFiles.OpenRead(uploads.Upload(id)))
        {
            var progress = new ProgressReporter(store, id, work.Job, logger);
            result = await FileValidator.ValidateAsync(file, context, progress, cancellationToken);
            await progress.FlushAsync();
            // CANCEL pressed as validation ended still wins.
            cancellationToken.ThrowIfCancellationRequested();
            if (!result.IsValid)
            {
                file.Position = 0;
                await ErrorReport.WriteFileAsync(file, result.Errors, uploads.Report(id), cancellationToken);
            }
        }
        var status = result.IsValid ? ImportStatus.Valid : ImportStatus.Invalid;
        await store.CompleteValidationAsync(id, status, result.Rows, result.Errors, result.Warnings, CancellationToken.None);
        if (!result.IsValid)
        {
            uploads.DeleteUpload(id);
        }
        logger.LogInformation("Import {ImportId}: {Rows} rows, {Errors} errors, {Status}.", id, result.Rows, result.Errors.Count, status);
    }

    private async Task ImportAsync(ImportWork work, CancellationToken cancellationToken)
    {
        var id = work.Job.Id;
        var record = await store.GetImportAsync(work.District.Id, id, cancellationToken)
            ?? throw new InvalidOperationException($"Import {id} is gone.");
        var context = await ValidationContexts.CreateAsync(store, work.District, work.UserType, runtime.Limits, cancellationToken);
        var importer = new UserImporter(store, hasher);
        // Hashing is most of the work; the last percent is the database write.
        var hashed = new ActionProgress<int>(users =>
            work.Job.ReportPercent(record.Rows == 0 ? 99 : (int)Math.Min(99, users * 99L / record.Rows)));
        WriteResult result;
        await using (var file = UploadFiles.OpenRead(uploads.Upload(id)))
        {
            result = await importer.ImportAsync(new ImportWrite(id, work.District.Id, work.ProgramId), file, context, hashed, cancellationToken);
            if (!result.Succeeded)
            {
                // Another import took some usernames or emails since validation: same error list, nothing written.
                file.Position = 0;
                await ErrorReport.WriteFileAsync(file, result.Errors, uploads.Report(id), CancellationToken.None);
                var warnings = await store.GetImportWarningsAsync(id, CancellationToken.None);
                await store.CompleteValidationAsync(id, ImportStatus.Failed, record.Rows, result.Errors, warnings, CancellationToken.None);
            }
        }
        uploads.DeleteUpload(id);
        logger.LogInformation("Import {ImportId}: {Imported} users imported, {Errors} conflicts.", id, result.Imported, result.Errors.Count);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class ActionProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }

    /// <summary>Validation progress: the percentage of bytes read lives in the job; rows reach the store every second.</summary>
    private sealed class ProgressReporter(IRostraStore store, Guid id, ImportJob job, ILogger logger) : IProgress<ValidationProgress>
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
        private long lastSaved = Environment.TickCount64;
        private int saving;
        private Task pending = Task.CompletedTask;

        public void Report(ValidationProgress value)
        {
            if (value.TotalBytes > 0)
            {
                job.ReportPercent((int)(value.BytesRead * 100 / value.TotalBytes));
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
