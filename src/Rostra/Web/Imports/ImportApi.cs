using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;
using Rostra.Web.Api;
using Rostra.Web.Auth;

namespace Rostra.Web.Imports;

/// <summary>
/// What the API does with imports: receive an upload, confirm, cancel. The work itself runs in
/// <see cref="ImportBackgroundService"/>; this class only moves state, through the store, one decision at a time.
/// </summary>
internal sealed class ImportApi(
    IRostraStore store,
    UploadQueue queue,
    UploadFiles uploads,
    WebRuntime runtime,
    ImportEngine runner,
    global::Rostra.Roster.RosterSettings roster,
    TimeProvider time)
{
    private static readonly string[] FromValid = [ImportStatus.Valid];

    private static readonly string[] Cancellable = [ImportStatus.Validating, ImportStatus.Valid, ImportStatus.Importing];

    /// <summary>How long CANCEL waits for running work to stop before answering with the state it has.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(10);

    public async Task<ImportView> ViewAsync(ImportRecord record, CancellationToken cancellationToken)
    {
        var warnings = await store.GetImportWarningsAsync(record.Id, cancellationToken);
        // This node's hashing first, then the chunks: a chunk it saved meanwhile then shows as hashed, never as less.
        var hashing = runner.Progress.ChunksOf(record.Id);
        var chunks = record.Chunks is null ? [] : await store.GetImportChunksAsync(record.Id, cancellationToken);
        // The step as this node sees it now (it may be the one doing the work), else as the working node last stored it.
        var step = StepFigures.For(record, chunks, hashing, runner.Progress);
        var percent = ImportStatus.IsFinal(record.Status) ? null : step?.Percent ?? (record.Status == ImportStatus.Validating ? 0 : null);
        // Rows checked move with the step on the node that checks; elsewhere they are the stored figure, a second behind.
        var processed = step is { Step: ImportSteps.Checking } ? Math.Max(record.ProcessedRows, (int)Math.Min(int.MaxValue, step.Done)) : record.ProcessedRows;
        return ImportView.From(record with { ProcessedRows = processed }, warnings, percent) with
        {
            Step = step?.Step,
            StepDone = step?.Done,
            StepTotal = step?.Total,
            HashedRows = record.Chunks is null ? null : record.HashedRows,
            DeactivationLimit = record.Mode == Core.Roster.ImportMode.Sync && record.Plan is { } plan ? roster.Threshold.Limit(plan.ActiveUsers) : null,
            HashedBy = chunks.Count == 0 ? null : HashedByNode(chunks),
        };
    }

    /// <summary>
    /// Rows hashed per node, the nodes named <c>node 1</c>, <c>node 2</c>… in the order they took their first chunk:
    /// a district admin sees the work was shared without learning host names or process ids (operators find those in
    /// the database's <c>hashed_by</c> and in the logs).
    /// </summary>
    internal static Dictionary<string, int> HashedByNode(IReadOnlyList<ChunkInfo> chunks) =>
        chunks.Where(c => c.HashedBy is not null)
            .GroupBy(c => c.HashedBy!, StringComparer.Ordinal)
            .OrderBy(g => g.Min(c => c.ChunkNo))
            .Select((g, i) => (Name: $"node {i + 1}", Rows: g.Sum(c => c.Rows)))
            .ToDictionary(n => n.Name, n => n.Rows, StringComparer.Ordinal);

    /// <summary>
    /// <c>POST /api/imports</c>: streams the multipart file to <c>uploads/{id}.csv</c> (hashing it on the way,
    /// never holding it in memory), records the import and queues its validation.
    /// </summary>
    public async Task<IResult> UploadAsync(HttpRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var district = await store.GetDistrictAsync(user.DistrictId, cancellationToken);
        if (district is null)
        {
            return TypedResults.NotFound(new ApiError("district.unknown", "Your district no longer exists."));
        }
        if (district.IsRosterSynced)
        {
            return TypedResults.Conflict(new ApiError("district.roster_synced", WebMessages.RosterSynced(district)));
        }
        if (request.ContentLength > runtime.MaxRequestBytes)
        {
            return TooLarge();
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return TypedResults.BadRequest(new ApiError("request.not_multipart", "Send the file as multipart/form-data with the fields 'type', 'program' (optional) and 'file'."));
        }

        var id = Guid.NewGuid();
        uploads.EnsureDirectory();
        var partial = uploads.Partial(id);
        string? typeText = null, programText = null, modeText = null, fileName = null, sha256 = null;
        try
        {
            try
            {
                var reader = new MultipartReader(boundary, request.Body);
                while (await CutOffAsInvalid(() => reader.ReadNextSectionAsync(cancellationToken)) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    {
                        continue;
                    }
                    var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                    if (disposition.IsFileDisposition() && name == "file" && fileName is null)
                    {
                        fileName = CleanFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                        sha256 = await SaveAsync(section.Body, partial, cancellationToken);
                        if (sha256 is null)
                        {
                            return TooLarge();
                        }
                    }
                    else if (disposition.IsFormDisposition() && name is "type" or "program" or "mode")
                    {
                        var value = await ReadFieldAsync(section.Body, cancellationToken);
                        if (name == "type")
                        {
                            typeText = value;
                        }
                        else if (name == "mode")
                        {
                            modeText = value;
                        }
                        else
                        {
                            programText = value;
                        }
                    }
                }
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge();
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
            {
                // A body that ends before its closing boundary (a dropped connection, a cut-off request) is the request's fault.
                return TypedResults.BadRequest(new ApiError("request.malformed", "The upload was cut off or malformed. Try again."));
            }

            if (!UserTypes.TryParse(typeText, out var userType))
            {
                return TypedResults.BadRequest(new ApiError("type.invalid", "Choose a user type: student, teacher or school-admin."));
            }
            var mode = Core.Roster.ImportMode.Create;
            if (!string.IsNullOrWhiteSpace(modeText) && !Core.Roster.ImportModes.TryParse(modeText, out mode))
            {
                return TypedResults.BadRequest(new ApiError("mode.invalid", "The mode is create (add new users), update (add new and update existing users) or sync (the file is the full roster)."));
            }
            if (fileName is null || sha256 is null)
            {
                return TypedResults.BadRequest(new ApiError("file.missing", "Choose a CSV file to upload (form field 'file')."));
            }
            var programs = await store.ListProgramsAsync(district.Id, cancellationToken);
            string? programId;
            if (!string.IsNullOrWhiteSpace(programText))
            {
                programId = programs.FirstOrDefault(p => p.Id.Equals(programText.Trim(), StringComparison.OrdinalIgnoreCase))?.Id;
                if (programId is null)
                {
                    return TypedResults.BadRequest(new ApiError("program.unknown", $"'{programText.Trim()}' is not a program of your district."));
                }
            }
            else if (programs.Count > 1)
            {
                return TypedResults.BadRequest(new ApiError("program.required", "Your district has several programs: say which one the users get (form field 'program')."));
            }
            else if (programs.Count == 0)
            {
                // As on the command line: users are imported into a program (SPEC §2), so a district needs one first.
                return TypedResults.BadRequest(new ApiError("program.required", "Your district has no program yet, so there is nothing to import the users into. Ask your platform contact to add one."));
            }
            else
            {
                programId = programs[0].Id;
            }

            File.Move(partial, uploads.Upload(id));
            var now = time.GetUtcNow();
            var record = new ImportRecord(id, district.Id, programId, userType, fileName, sha256, ImportStatus.Validating,
                Rows: 0, ProcessedRows: 0, ErrorCount: 0, Imported: 0, now, user.Username, now, Mode: mode);
            await store.CreateImportAsync(record, cancellationToken);
            // Held by this node from the start: if it dies before validating, another node sees the lease lapse.
            await store.RenewImportLeaseAsync(id, runner.Worker(-1), now + runner.Settings.LeaseTime, cancellationToken);
            var validation = queue.Register(id);
            queue.Enqueue(new QueuedUpload(validation, district, userType, programId));
            return TypedResults.Accepted($"/api/imports/{id}", ImportView.From(record, [], 0));
        }
        finally
        {
            uploads.Delete(partial);
        }
    }

    /// <summary>
    /// <c>POST /api/imports/{id}/confirm</c>: valid → importing, once. Repeats (a double click, a second tab) answer
    /// the current state; an import that cannot be confirmed is a 409.
    /// </summary>
    public async Task<IResult> ConfirmAsync(CurrentUser user, Guid id, int? allowDeactivations, CancellationToken cancellationToken)
    {
        var district = await store.GetDistrictAsync(user.DistrictId, cancellationToken);
        var record = await store.GetImportAsync(user.DistrictId, id, cancellationToken);
        if (district is null || record is null)
        {
            return NotFound();
        }
        await queue.Decisions.WaitAsync(cancellationToken);
        try
        {
            record = await store.GetImportAsync(user.DistrictId, id, cancellationToken) ?? record;
            if (record.Status is ImportStatus.Importing or ImportStatus.Completed)
            {
                return TypedResults.Ok(await ViewAsync(record, cancellationToken));
            }
            if (record.Status != ImportStatus.Valid)
            {
                return TypedResults.Conflict(new ImportConflict("import.not_valid", WebMessages.CannotConfirm(record.Status), await ViewAsync(record, cancellationToken)));
            }
            if (district.IsRosterSynced)
            {
                return TypedResults.Conflict(new ImportConflict("district.roster_synced", WebMessages.RosterSynced(district), await ViewAsync(record, cancellationToken)));
            }
            // A sync that deactivates more than the threshold needs the confirm to name the number (SPEC §10).
            if (roster.CheckThreshold(record.Plan, allowDeactivations) is { } threshold)
            {
                return TypedResults.Conflict(new ImportConflict(threshold.Code, threshold.Message, await ViewAsync(record, cancellationToken)));
            }
            // A status change is all CONFIRM is: the workers of every node see it, finish hashing and write the users.
            if (!await store.TryTransitionAsync(id, FromValid, ImportStatus.Importing, null, cancellationToken))
            {
                // Another request (a second tab, another node) took it first.
                record = await store.GetImportAsync(user.DistrictId, id, cancellationToken) ?? record;
                return record.Status is ImportStatus.Importing or ImportStatus.Completed
                    ? TypedResults.Ok(await ViewAsync(record, cancellationToken))
                    : TypedResults.Conflict(new ImportConflict("import.not_valid", WebMessages.CannotConfirm(record.Status), await ViewAsync(record, cancellationToken)));
            }
            record = record with { Status = ImportStatus.Importing };
            return TypedResults.Accepted($"/api/imports/{id}", await ViewAsync(record, cancellationToken));
        }
        finally
        {
            queue.Decisions.Release();
        }
    }

    /// <summary>
    /// <c>POST /api/imports/{id}/cancel</c>: stops validation or writing, or drops a valid import; nothing is written.
    /// Cancelling a cancelled import is a no-op; one that already ended otherwise is a 409.
    /// </summary>
    public async Task<IResult> CancelAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        var record = await store.GetImportAsync(user.DistrictId, id, cancellationToken);
        if (record is null)
        {
            return NotFound();
        }
        UploadValidation? running = null;
        await queue.Decisions.WaitAsync(cancellationToken);
        try
        {
            // The status first, in the database, where every node's workers see it: they stop at their next
            // lease renewal or chunk save, and the final write (which holds the import's row) refuses a cancelled import.
            // While a final write is committing, this waits for it, and then the import is completed, not cancelled.
            if (await store.TryTransitionAsync(id, Cancellable, ImportStatus.Cancelled, ImportMessages.Cancelled, cancellationToken))
            {
                await store.PurgeStagedRowsAsync(id, cancellationToken);
                running = queue.Find(id);
                if (running is null)
                {
                    uploads.DeleteUpload(id);
                }
                else
                {
                    // Validation is running on this node: stop reading the file.
                    running.RequestCancel();
                }
            }
        }
        finally
        {
            queue.Decisions.Release();
        }

        if (running is not null)
        {
            // Wait for the validation to stop, so its upload is gone when we answer.
            await Task.WhenAny(running.Completion, Task.Delay(CancelWait, cancellationToken));
        }
        record = await store.GetImportAsync(user.DistrictId, id, cancellationToken) ?? record;
        var view = await ViewAsync(record, cancellationToken);
        return record.Status is ImportStatus.Cancelled
            ? TypedResults.Ok(view)
            : TypedResults.Conflict(new ImportConflict("import.not_cancellable", WebMessages.CannotCancel(record.Status), view));
    }

    public static NotFound<ApiError> NotFound() =>
        TypedResults.NotFound(new ApiError("import.not_found", "There is no such import in your district."));

    private IResult TooLarge() =>
        TypedResults.Json(new ApiError("file.too_large", WebMessages.TooLarge(runtime.Limits.MaxFileBytes)), statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>Copies the file part to disk and returns its SHA-256, or null when it is over the size limit.</summary>
    private async Task<string?> SaveAsync(Stream body, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            long total = 0;
            int read;
            while ((read = await CutOffAsInvalid(() => body.ReadAsync(buffer, cancellationToken).AsTask())) > 0)
            {
                total += read;
                if (total > runtime.Limits.MaxFileBytes)
                {
                    return null;
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        const int MaxFieldBytes = 1024;
        var buffer = new byte[MaxFieldBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await CutOffAsInvalid(() => body.ReadAsync(buffer.AsMemory(total), cancellationToken).AsTask())) > 0)
        {
            total += read;
        }
        if (total > MaxFieldBytes)
        {
            throw new InvalidDataException("A form field is too long.");
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>
    /// A read of the request body: a body that ends before its closing boundary (the multipart reader's
    /// <see cref="IOException"/>) becomes <see cref="InvalidDataException"/>, answered 400, while a failure to write the
    /// upload to disk stays a server error.
    /// </summary>
    private static async Task<T> CutOffAsInvalid<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (IOException e)
        {
            throw new InvalidDataException("The upload was cut off.", e);
        }
    }

    /// <summary>The file's name without any folder, control characters or excess length.</summary>
    internal static string CleanFileName(string? name)
    {
        var file = Path.GetFileName((name ?? "").Replace('\\', '/'));
        var clean = new string([.. file.Where(c => !char.IsControl(c))]).Trim();
        if (clean.Length == 0)
        {
            return "upload.csv";
        }
        return clean.Length > 200 ? clean[..200] : clean;
    }
}
