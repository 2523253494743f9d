using System.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Storage;
using Secret = Rostra.Core.Secret; // Data Protection has a Secret of its own.

namespace Rostra.Imports;

/// <summary>
/// The durable import engine of one node. Everything an import is lives in the database, so any node can show,
/// confirm or cancel it, and any node's workers run it:
/// <list type="number">
/// <item>The node that received the upload validates it (<see cref="ValidateAsync"/>) under a lease it renews, and stages
/// the valid rows (passwords as Data Protection ciphertext) split into chunks; the import becomes <c>valid</c>.</item>
/// <item>Every node's workers (<see cref="RunAsync"/>) claim chunks (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL) and
/// hash them, before CONFIRM already; each hashed chunk is committed with the node that hashed it, so a restart
/// loses at most the chunks in flight, and a dead node's claims are taken over when their lease lapses. Final writes
/// go first, then chunks of confirmed imports, then of unconfirmed ones, each shared fairly between districts and
/// imports; a chunk is about a second of hashing, so a worker busy before CONFIRM is soon free for confirmed work.</item>
/// <item>Once confirmed and fully hashed, one worker claims the final write: all users in one transaction, or none.</item>
/// </list>
/// Cancel is a status change: workers see it when they renew a lease or save a chunk, and housekeeping deletes the
/// staged rows (and so the protected passwords) of every import that ended.
/// </summary>
/// <remarks>
/// On a server the workers run on <see cref="BackgroundThreads"/> (below the priority of requests); without them, on the thread pool.
/// </remarks>
public sealed class ImportEngine(
    IRostraStore store, PasswordHasher hasher, PasswordVault vault, ImportEngineSettings settings, ILogger<ImportEngine> logger, ImportProgress? progress = null,
    BackgroundThreads? background = null)
{
    /// <summary>What this process's imports are doing now, for the API of this node.</summary>
    private readonly ImportProgress live = progress ?? new ImportProgress();

    /// <summary>Valid rows sent to the database at once while staging.</summary>
    private const int StageBatch = 2000;

    private static readonly string[] Hashable = [ImportStatus.Valid, ImportStatus.Importing];

    /// <summary>
    /// How often this process tries the final write of an import that keeps failing (a connection that drops each
    /// time, a bug) before the import ends failed; a full database ends it at the first failure.
    /// </summary>
    public const int FinalWriteAttempts = 3;

    /// <summary>The final writes that failed in this process, by import, since their last success or end.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> failedWrites = new();

    /// <summary>Sizes chunks to about <see cref="ImportEngineSettings.ChunkTime"/> of hashing when no size is configured.</summary>
    private readonly HashCost cost = new(hasher);

    /// <summary>Tells this process's claims apart from an earlier run of the same node (a restart does not inherit claims).</summary>
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    public ImportEngineSettings Settings => settings;

    /// <summary>The steps and chunks this process is working on right now.</summary>
    public ImportProgress Progress => live;

    /// <summary>The claim token of one worker slot: node, process run, slot.</summary>
    public string Worker(int slot) => $"{settings.NodeId}:{run}:{slot}";

    /// <summary>
    /// Validates the upload of a <c>validating</c> import held by this node and stages its valid rows. Returns the
    /// result, or null when the import was cancelled (or taken) meanwhile. A failure marks the import failed; a stop of
    /// this node marks it failed with <see cref="ImportMessages.StaleValidation"/>.
    /// </summary>
    public async Task<ValidationResult?> ValidateAsync(
        ImportRecord import, District district, Stream file, ImportLimits limits, IProgress<ValidationProgress>? progress, CancellationToken cancellationToken)
    {
        var worker = Worker(-1);
        if (!await store.RenewImportLeaseAsync(import.Id, worker, LeaseEnd(), cancellationToken)) return null;
        // Renewed only while the file is checked: a beat just after staging must not take the lease of a valid import,
        // which would hold a quick CONFIRM's final write back for a whole lease.
        await using var heartbeat = Heartbeat.Start(
            async ct => await store.RenewImportLeasesAsync([import.Id], worker, LeaseEnd(), ct) == 1, settings.HeartbeatTime, cancellationToken, logger);
        var token = heartbeat.Token;
        var steps = new StepWriter(store, live, import.Id, logger);
        try
        {
            // Reading: one quick pass over the bytes, which also counts the file's rows, about.
            await steps.BeginAsync(ImportSteps.Reading, file.Length, token);
            var estimate = RowEstimate.Count(file, read => steps.Report(read), token);
            steps.EstimateRows(estimate);
            var context = await ValidationContexts.CreateAsync(store, district, import.UserType, limits, token);
            // An update or sync compares every row with the district's users and keeps its plan (SPEC §10).
            if (import.Mode.HasPlan())
                context = context with { Mode = import.Mode, Roster = store, ProgramId = import.ProgramId, Plan = new Roster.StorePlanSink(store, import.Id) };
            // A row the plan leaves unchanged is not staged: nothing of it is hashed or written.
            Func<int, bool> skip = context.Plan is Roster.StorePlanSink sink ? sink.IsUnchanged : _ => false;
            await steps.BeginAsync(ImportSteps.Checking, estimate, token);
            var result = await FileValidator.ValidateAsync(file, context, new CheckingProgress(steps, progress), token);
            if (!result.IsValid)
            {
                if (import.Mode.HasPlan()) await store.ClearPlanAsync(import.Id, CancellationToken.None);
                var errorRows = result.Errors.Where(e => e.Row is > 1).Select(e => e.Row!.Value).ToHashSet();
                if (ErrorRowCells.Read(file, errorRows, token) is { } cells)
                    await store.SaveErrorRowsAsync(import.Id, cells.Header, cells.Rows, token);
                token.ThrowIfCancellationRequested();
                await steps.DisposeAsync();
                await store.CompleteValidationAsync(import.Id, ImportStatus.Invalid, result.Rows, result.Errors, result.Warnings, CancellationToken.None, result.Counts);
                return result;
            }

            // The real count now: what the import's rows say from here on, and what a cancel leaves in the history.
            await store.UpdateProgressAsync(import.Id, result.Rows, result.Rows, token);
            // Of the rows to stage: a row the plan leaves unchanged is skipped, so the step still ends at its whole.
            await steps.BeginAsync(ImportSteps.Preparing, result.RowsToWrite, token);
            if (ErrorRowCells.Read(file, new HashSet<int>(), token) is { } header)
                await store.SaveErrorRowsAsync(import.Id, header.Header, [], token);
            file.Position = 0;
            await StageAsync(import, context, file, skip, steps, token);
            if (result.Plan is { } plan) await store.SavePlanAsync(import.Id, plan, token);
            await store.SaveStepAsync(import.Id, null, token);
            await steps.DisposeAsync();
            if (!await store.CompleteStagingAsync(import.Id, result.Rows, result.Warnings, CancellationToken.None))
            {
                await store.PurgeStagedRowsAsync(import.Id, CancellationToken.None);
                return null;
            }
            logger.LogInformation("Import {ImportId}: {Rows} valid rows staged on {Node}; hashing can start.", import.Id, result.Rows, settings.NodeId);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // This node is stopping (or the command line was interrupted): the file is only here, so the import cannot go on elsewhere.
            if (settings.IsCommandLine)
                await EndAsync(import.Id, [ImportStatus.Validating], ImportStatus.Cancelled, ImportMessages.CancelledOnCommandLine);
            else
                await EndAsync(import.Id, [ImportStatus.Validating], ImportStatus.Failed, ImportMessages.StaleValidation);
            throw;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The lease was lost: cancelled (or, after a long stall, failed by another node).
            await store.PurgeStagedRowsAsync(import.Id, CancellationToken.None);
            return null;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Import {ImportId} failed while validating.", import.Id);
            await EndAsync(import.Id, [ImportStatus.Validating], ImportStatus.Failed, ImportMessages.For(e));
            throw;
        }
        finally
        {
            await steps.DisposeAsync();
        }
    }

    /// <summary>Rows checked: to the step (and so the page), and to the caller's progress (the command line's bar).</summary>
    private sealed class CheckingProgress(StepWriter steps, IProgress<ValidationProgress>? caller) : IProgress<ValidationProgress>
    {
        public void Report(ValidationProgress value)
        {
            steps.Report(value.Rows);
            caller?.Report(value);
        }
    }

    private async Task StageAsync(ImportRecord import, ValidationContext context, Stream file, Func<int, bool> skip, StepWriter steps, CancellationToken cancellationToken)
    {
        var protector = vault.For(import.Id);
        // Short chunks: a worker is free again within about a chunk's time, for confirmed work that waits (see ClaimChunkAsync).
        var chunkRows = settings.ChunkRows ?? cost.RowsFor(settings.ChunkTime);
        var batch = new List<(int ChunkNo, NewUser User)>(StageBatch);
        var index = 0;
        await foreach (var user in FileValidator.ReadUsersAsync(file, context, cancellationToken))
        {
            if (skip(user.Row!.Value)) continue;
            // The plaintext goes no further than this line: what is staged is ciphertext for this import alone.
            var password = user.Password is Secret.Plain plain ? new Secret.Protected(protector.Protect(plain.Text)) : null;
            batch.Add((index++ / chunkRows, user with { Password = password }));
            if (batch.Count < StageBatch) continue;
            await store.StageRowsAsync(import.Id, import.DistrictId, batch, cancellationToken);
            batch.Clear();
            steps.Report(index);
        }
        await store.StageRowsAsync(import.Id, import.DistrictId, batch, cancellationToken);
        steps.Report(index);
    }

    /// <summary>
    /// Runs this node's workers and housekeeping until <paramref name="stoppingToken"/> fires. A stop leaves claims to
    /// lapse: another node (or this one, restarted) takes them over.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, settings.Workers).Select(slot => background is null
            ? Task.Run(() => WorkAsync(slot, stoppingToken), CancellationToken.None)
            : background.Run(() => WorkAsync(slot, stoppingToken)));
        return Task.WhenAll([.. workers, Task.Run(() => HousekeepAsync(stoppingToken), CancellationToken.None)]);
    }

    private async Task WorkAsync(int slot, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                worked = await RunOnceAsync(slot, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database was unreachable or busy: try again after a pause, like any idle worker.
                logger.LogWarning(e, "Import worker {Worker} failed; it will look for work again.", Worker(slot));
            }
            if (worked) continue;
            try
            {
                // A little jitter, so the workers of many nodes do not poll in step.
                await Task.Delay(settings.PollTime + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100)), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and does one piece of work: a chunk to hash, else a final write. False when there was none.</summary>
    public async Task<bool> RunOnceAsync(int slot, CancellationToken cancellationToken)
    {
        // A confirmed import whose hashing is done goes first: its users are one write away.
        if (await store.ClaimFinalWriteAsync(Worker(slot), settings.LeaseTime, cancellationToken) is { } import)
        {
            await FinalWriteAsync(slot, import, cancellationToken);
            return true;
        }
        if (await store.ClaimChunkAsync(Worker(slot), settings.LeaseTime, cancellationToken) is { } chunk)
        {
            await HashChunkAsync(slot, chunk, cancellationToken);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The rest of an import that this process validated, run here to its end, as <c>rostra import</c> does: CONFIRM, hash
    /// the import's own chunks on this process's workers (never another import's), then the final write. The import is
    /// held from start to end under a lease this process renews, so if the process dies, the next one fails it
    /// (<see cref="ImportMessages.CommandLineStopped"/>). <paramref name="hashedRows"/> hears the rows hashed so far.
    /// Returns the import as it ended (or as it is, when it was cancelled elsewhere meanwhile).
    /// </summary>
    public async Task<ImportRecord> RunToEndAsync(ImportRecord import, IProgress<int>? hashedRows, CancellationToken cancellationToken)
    {
        var holder = Worker(-1);
        if (await store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, cancellationToken)
            && await store.RenewImportLeaseAsync(import.Id, holder, LeaseEnd(), cancellationToken))
        {
            await using var heartbeat = Heartbeat.Start(
                ct => store.RenewImportLeaseAsync(import.Id, holder, LeaseEnd(), ct), settings.HeartbeatTime, cancellationToken, logger);
            var token = heartbeat.Token;
            var hashed = 0;
            try
            {
                await Task.WhenAll(Enumerable.Range(0, settings.Workers).Select(slot => Task.Run(async () =>
                {
                    while (await store.ClaimChunkOfAsync(import.Id, Worker(slot), settings.LeaseTime, token) is { } chunk)
                    {
                        await HashChunkAsync(slot, chunk, token);
                        hashedRows?.Report(Interlocked.Add(ref hashed, chunk.Rows));
                    }
                }, CancellationToken.None)));
                while (!token.IsCancellationRequested)
                {
                    if (await store.ClaimFinalWriteOfAsync(import.Id, holder, settings.LeaseTime, token) is { } claimed)
                    {
                        await FinalWriteAsync(-1, claimed, token);
                        break;
                    }
                    // Chunks another node claimed (a server's workers may help): wait until they are hashed, or the import ends.
                    var now = await store.GetImportAsync(import.DistrictId, import.Id, token);
                    if (now is null || ImportStatus.IsFinal(now.Status)) break;
                    hashedRows?.Report(now.HashedRows);
                    await Task.Delay(settings.PollTime, token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The import was taken from this process: cancelled on the web, or failed as stopped after a long stall.
            }
        }
        return await store.GetImportAsync(import.DistrictId, import.Id, CancellationToken.None) ?? import;
    }

    private async Task HashChunkAsync(int slot, ChunkClaim chunk, CancellationToken cancellationToken)
    {
        var worker = Worker(slot);
        var started = Stopwatch.GetTimestamp();
        await using var heartbeat = Heartbeat.Start(
            ct => store.RenewChunkLeaseAsync(chunk.ImportId, chunk.ChunkNo, worker, LeaseEnd(), ct), settings.HeartbeatTime, cancellationToken, logger);
        var token = heartbeat.Token;
        try
        {
            var passwords = await store.GetChunkPasswordsAsync(chunk.ImportId, chunk.ChunkNo, token);
            var protector = vault.For(chunk.ImportId);
            var hashes = new List<RowHash>(passwords.Count);
            var hashing = Stopwatch.GetTimestamp();
            var hashed = 0;
            var saved = Stopwatch.GetTimestamp();
            var saving = Task.CompletedTask;
            foreach (var password in passwords)
            {
                token.ThrowIfCancellationRequested();
                if (password.PasswordProtected is not null) hashed++;
                hashes.Add(new RowHash(password.Row, password.PasswordProtected is null ? null : hasher.Hash(protector.Unprotect(password.PasswordProtected))));
                live.ReportChunk(chunk.ImportId, chunk.ChunkNo, hashes.Count);
                // The other nodes see the chunk move too, a second behind at most; the hashing never waits for it.
                if (saving.IsCompleted && Stopwatch.GetElapsedTime(saved) >= StepWriter.Interval)
                {
                    saved = Stopwatch.GetTimestamp();
                    saving = SaveChunkProgressAsync(chunk, worker, hashes.Count, token);
                }
            }
            cost.Observe(hashed, Stopwatch.GetElapsedTime(hashing));
            await saving;
            if (await store.SaveChunkHashesAsync(chunk.ImportId, chunk.ChunkNo, worker, settings.NodeId, hashes, token))
            {
                logger.LogInformation("Import {ImportId}: chunk {Chunk} ({Rows} rows) hashed by {Node} in {Ms} ms.",
                    chunk.ImportId, chunk.ChunkNo, hashes.Count, settings.NodeId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The import was cancelled, or the lease went to another worker: the work is not ours any more.
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // A password this node cannot open (a key ring not shared): retrying elsewhere would not help either.
            logger.LogError(e, "Import {ImportId}: chunk {Chunk} could not be decrypted.", chunk.ImportId, chunk.ChunkNo);
            await EndAsync(chunk.ImportId, Hashable, ImportStatus.Failed, ImportMessages.Failed);
        }
        catch (Exception e) when (Storage.StoreErrors.IsOutOfSpace(e))
        {
            // The hashes could not be saved: a full database stays full, and hashing the chunk again would only end here
            // again. Anything else (a dropped connection) hands the chunk back, below, and another worker hashes it.
            logger.LogError(e, "Import {ImportId}: the hashes of chunk {Chunk} could not be saved; the database is out of space.", chunk.ImportId, chunk.ChunkNo);
            await EndAsync(chunk.ImportId, Hashable, ImportStatus.Failed, ImportMessages.OutOfSpace);
        }
        catch (Exception) when (!token.IsCancellationRequested)
        {
            // Anything else (a busy or dropped database): the chunk goes back at once, for any worker to hash again,
            // instead of waiting for its lease to lapse; when even that cannot be saved, the lease lapses as before.
            try
            {
                await store.RenewChunkLeaseAsync(chunk.ImportId, chunk.ChunkNo, worker, DateTimeOffset.UnixEpoch, CancellationToken.None);
            }
            catch (Exception)
            {
                // The lease lapses instead.
            }
            throw;
        }
        finally
        {
            live.ForgetChunk(chunk.ImportId, chunk.ChunkNo);
        }
    }

    private async Task SaveChunkProgressAsync(ChunkClaim chunk, string worker, int doneRows, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveChunkProgressAsync(chunk.ImportId, chunk.ChunkNo, worker, doneRows, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not save the progress of chunk {Chunk} of import {ImportId}.", chunk.ChunkNo, chunk.ImportId);
        }
        catch (OperationCanceledException)
        {
            // The chunk is no longer ours, or the node is stopping: the figure does not matter any more.
        }
    }

    private async Task FinalWriteAsync(int slot, ImportRecord import, CancellationToken cancellationToken)
    {
        // No heartbeat here: on PostgreSQL the write holds the import's row lock, which claimers skip; on SQLite it holds
        // the database's write lock. If this node dies, the transaction rolls back and the lease lapses.
        // Saving: stored before the write, for every node; the rows written so far only this process can see.
        var saving = new ImportStepProgress(ImportSteps.Saving, 0, import.RowsToWrite);
        live.Report(import.Id, saving);
        try
        {
            await store.SaveStepAsync(import.Id, saving, cancellationToken);
            var write = new ImportWrite(import.Id, import.DistrictId, import.ProgramId)
            {
                Written = new ActionProgress<int>(rows => live.Report(import.Id, saving with { Done = rows })),
            };
            var started = Stopwatch.GetTimestamp();
            var result = await store.WriteStagedImportAsync(write, Worker(slot), beforeCommit: null, cancellationToken);
            if (result.Succeeded)
            {
                logger.LogInformation("Import {ImportId}: {Imported} users written by {Node} in {Ms} ms.",
                    import.Id, result.Imported, settings.NodeId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else if (result.Errors.Count > 0)
            {
                await RecordConflictsAsync(import, result.Errors);
            }
            failedWrites.TryRemove(import.Id, out _);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The transaction rolled back: nothing was written. A full database stays full, so the import ends now, saying
            // so; anything else (a dropped connection) is tried again by the next claim, a few times, then the import ends.
            var attempts = failedWrites.AddOrUpdate(import.Id, 1, (_, n) => n + 1);
            var full = StoreErrors.IsOutOfSpace(e);
            if (!full && attempts < FinalWriteAttempts) throw;
            failedWrites.TryRemove(import.Id, out _);
            logger.LogError(e, "Import {ImportId}: the final write failed ({Attempts} attempts); nothing was written.", import.Id, attempts);
            await EndAsync(import.Id, [ImportStatus.Importing], ImportStatus.Failed, ImportMessages.For(e));
        }
        finally
        {
            live.Forget(import.Id);
        }
    }

    /// <summary>
    /// Another import took names, or someone changed a planned user, since validation: the same error list as validation,
    /// the rows for the report, nothing written, and a message that says which of the two it was.
    /// </summary>
    private async Task RecordConflictsAsync(ImportRecord import, IReadOnlyList<ImportIssue> errors)
    {
        var none = CancellationToken.None;
        if (await store.GetImportHeaderAsync(import.Id, none) is { } header)
        {
            var rows = await store.GetStagedRowsAsync(import.Id, errors.Where(e => e.Row is not null).Select(e => e.Row!.Value).ToHashSet(), none);
            await store.SaveErrorRowsAsync(import.Id, header, rows.Select(r => ErrorRowCells.FromStaged(header, r)).ToList(), none);
        }
        var warnings = await store.GetImportWarningsAsync(import.Id, none);
        await store.CompleteValidationAsync(import.Id, ImportStatus.Failed, import.Rows, errors, warnings, none);
        var message = errors.Any(e => e.Code == IssueCodes.UserChanged) ? ImportMessages.Changed : ImportMessages.Taken;
        await store.TryTransitionAsync(import.Id, [ImportStatus.Failed], ImportStatus.Failed, message, none);
        await store.PurgeStagedRowsAsync(import.Id, none);
        logger.LogInformation("Import {ImportId}: {Errors} usernames or emails taken meanwhile; nothing written.", import.Id, errors.Count);
    }

    private async Task HousekeepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var done = await store.HousekeepAsync(ImportMessages.StaleValidation, settings.ValidExpiryTime, ImportMessages.Expired, stoppingToken);
                var abandoned = await store.FailAbandonedImportsAsync(ImportEngineSettings.CommandLinePrefix, ImportMessages.CommandLineStopped, stoppingToken);
                if (abandoned > 0) logger.LogWarning("{Count} command-line import(s) whose process stopped were marked as failed.", abandoned);
                if (done.FailedValidations + done.ExpiredImports + done.PurgedRows > 0)
                {
                    logger.LogInformation("Housekeeping: {Failed} stale validations failed, {Expired} imports expired, {Purged} staged rows deleted.",
                        done.FailedValidations, done.ExpiredImports, done.PurgedRows);
                }
                var aged = await store.DeleteOldErrorsAsync(DateTimeOffset.UtcNow - settings.ErrorRetention, stoppingToken);
                if (aged > 0)
                {
                    logger.LogInformation("Housekeeping: the errors of {Imports} imports older than {Days} days deleted.", aged, settings.ErrorRetention.TotalDays);
                }
                var revisions = await store.PurgeRevisionsAsync(DateTimeOffset.UtcNow - settings.RevertRetention, stoppingToken);
                if (revisions > 0)
                {
                    logger.LogInformation("Housekeeping: what revert needs of {Users} users changed more than {Days} days ago deleted.", revisions, settings.RevertRetention.TotalDays);
                }
                await Task.Delay(settings.HousekeepingTime, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Housekeeping failed; it runs again shortly.");
                try
                {
                    await Task.Delay(settings.HousekeepingTime, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Ends an import that is in one of <paramref name="from"/> and deletes its staged rows.</summary>
    private async Task EndAsync(Guid importId, IReadOnlyCollection<string> from, string status, string message)
    {
        try
        {
            await store.TryTransitionAsync(importId, from, status, message, CancellationToken.None);
            await store.PurgeStagedRowsAsync(importId, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Housekeeping finishes the job once the database answers again.
            logger.LogWarning(e, "Could not end import {ImportId}.", importId);
        }
    }

    /// <summary>Reports on the caller's thread, at once (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class ActionProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }

    private DateTimeOffset LeaseEnd() => DateTimeOffset.UtcNow + settings.LeaseTime;

    /// <summary>Renews a lease in the background; its <see cref="Token"/> fires when the lease is lost (or the caller stops).</summary>
    private sealed class Heartbeat : IAsyncDisposable
    {
        private readonly CancellationTokenSource lost;
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;

        private Heartbeat(Func<CancellationToken, Task<bool>> renew, TimeSpan every, CancellationToken outer, ILogger logger)
        {
            lost = CancellationTokenSource.CreateLinkedTokenSource(outer);
            loop = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(every, stop.Token);
                        if (!await renew(stop.Token))
                        {
                            await lost.CancelAsync();
                            return;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        // The lease may well still hold; the next beat tries again.
                        logger.LogWarning(e, "Could not renew a lease.");
                    }
                }
            });
        }

        public CancellationToken Token => lost.Token;

        public static Heartbeat Start(Func<CancellationToken, Task<bool>> renew, TimeSpan every, CancellationToken outer, ILogger logger) =>
            new(renew, every, outer, logger);

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
            lost.Dispose();
        }
    }
}
