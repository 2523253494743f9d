using System.Diagnostics;
using System.Runtime.CompilerServices;
using Rostra.Core.Csv;
using Rostra.Core;
using Rostra.Core.Roster;

namespace Rostra.Core.Validation;

/// <summary>How far validation is: data rows checked, bytes read of the file.</summary>
public readonly record struct ValidationProgress(int Rows, long BytesRead, long TotalBytes);

/// <summary>
/// Validates an import file end to end (SPEC.md §3–§4) and reads the users of a valid one.
/// Streams the file row by row; keeps only the usernames and emails seen so far, and the errors.
/// </summary>
public static class FileValidator
{
    /// <summary>Rows per set-based look-up of taken usernames and emails.</summary>
    internal const int LookupBatch = 4096;

    /// <summary>Rows between two progress reports: often enough that the figure moves every second on a slow look-up.</summary>
    private const int ProgressEvery = 500;

    /// <summary>
    /// The most <c>field.replaced_characters</c> warnings one file gets: warnings are kept whole in memory and in the
    /// import record, and a file with lost letters in every row says so well enough in its first ten thousand.
    /// </summary>
    internal const int MaxReplacedWarnings = 10_000;

    /// <summary>
    /// Validates <paramref name="file"/> (seekable: it is read twice, once to detect the encoding) and returns every
    /// error at once, sorted by row then template column: the first <see cref="ImportLimits.MaxDetailedErrors"/> in
    /// detail, all of them counted by code and column, so memory stays bounded whatever the file.
    /// </summary>
    public static async Task<ValidationResult> ValidateAsync(
        Stream file, ValidationContext context, IProgress<ValidationProgress>? progress, CancellationToken cancellationToken)
    {
        var warnings = new List<ImportIssue>();
        if (context.District.IsRosterSynced) return Fail(Issues.DistrictRosterSynced(context.District));
        if (file.Length > context.Limits.MaxFileBytes) return Fail(Issues.FileTooLarge(file.Length, context.Limits.MaxFileBytes));

        CsvFormat format;
        try
        {
            format = CsvFile.Detect(file, cancellationToken);
        }
        catch (CsvFileException e)
        {
            return Fail(e.Issue);
        }
        if (format.IsFallback) warnings.Add(Issues.FileEncodingFallback(format.Encoding.CodePage));

        try
        {
            return await ValidateRecordsAsync(file, format, context, warnings, progress, cancellationToken);
        }
        catch (CsvFileException e)
        {
            // A record the reader cannot hold: the file's error alone, not the rows read before it.
            return Fail(e.Issue, warnings);
        }
    }

    private static async Task<ValidationResult> ValidateRecordsAsync(
        Stream file, CsvFormat format, ValidationContext context, List<ImportIssue> warnings, IProgress<ValidationProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var records = CsvFile.ReadRecords(file, format, cancellationToken).GetEnumerator();
        // Blank lines above the header are passed over; the header is the first row with something in it.
        if (!MoveToHeader(records)) return Fail(Issues.FileEmpty(), warnings);

        var header = HeaderMap.Analyze(records.Current.Fields, context.UserType);
        warnings.AddRange(header.Warnings);
        if (header.Errors.Count > 0) return new ValidationResult(0, header.Errors, warnings);

        var checker = new RowChecker(header, context);
        var errors = new ErrorCollector(context.Limits.MaxDetailedErrors);
        var planner = context.Mode.HasPlan() ? new PlanState(context) : null;
        try
        {
            return await ValidateRowsAsync(file, records, header, checker, errors, planner, context, warnings, progress, cancellationToken);
        }
        finally
        {
            // Whatever ended the validation, nothing of it is still running against the database.
            if (planner is not null) await planner.SettleAsync();
        }
    }

    private static async Task<ValidationResult> ValidateRowsAsync(
        Stream file, IEnumerator<CsvRecord> records, HeaderMap header, RowChecker checker, ErrorCollector errors, PlanState? planner,
        ValidationContext context, List<ImportIssue> warnings, IProgress<ValidationProgress>? progress, CancellationToken cancellationToken)
    {
        var batch = new List<PendingRow>(LookupBatch);
        var rows = 0;
        var rowErrors = new List<ImportIssue>();
        var replacedWarnings = 0;
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.IsBlank) continue;
            rows++;
            if (rows > context.Limits.MaxRows) return Fail(Issues.FileTooManyRows(context.Limits.MaxRows), warnings);

            rowErrors.Clear();
            string? username = null, email = null;
            if (record.Fields.Length != header.FieldCount)
                rowErrors.Add(Issues.RowFieldCount(record.Row, record.Fields.Length, header.FieldCount));
            else if (SpansLines(record.Fields))
                // A record over several lines may have swallowed other rows through a stray quote: nothing of it is checked
                // or quoted back, each cell with a line break is reported.
                rowErrors.AddRange(record.Fields.Select((f, i) => (f, i)).Where(x => HasLineBreak(x.f))
                    .Select(x => Issues.FieldLineBreak(record.Row, header.Header[x.i] is { Length: > 0 } name ? name.Trim() : $"Column {x.i + 1}")));
            else
            {
                (username, email) = checker.Check(record, rowErrors);
                if (replacedWarnings < MaxReplacedWarnings)
                {
                    var before = warnings.Count;
                    checker.CheckReplacedCharacters(record, warnings);
                    replacedWarnings += warnings.Count - before;
                }
            }

            // An update or sync compares every valid row with the user it names, so each one waits for the look-up.
            var user = planner is not null && rowErrors.Count == 0 && username is not null ? checker.ReadUser(record) : null;
            if (rowErrors.Count > 0 || username is not null || email is not null)
                batch.Add(new PendingRow(record.Row, rowErrors.Count == 0 ? null : [.. rowErrors], username, username is null ? null : checker.Value(record, Column.Username),
                    email, email is null ? null : checker.Value(record, Column.Email), user));
            if (batch.Count >= LookupBatch) await FlushAsync(batch, checker, context, planner, errors, EstimateRows(rows, file), cancellationToken);
            if (rows % ProgressEvery == 0) progress?.Report(new ValidationProgress(rows, file.Position, file.Length));
        }
        await FlushAsync(batch, checker, context, planner, errors, rows, cancellationToken);
        if (planner is not null) await planner.CompleteBatchesAsync(checker, errors, cancellationToken);
        progress?.Report(new ValidationProgress(rows, file.Length, file.Length));

        if (rows == 0) return Fail(Issues.FileNoRows(), warnings);
        if (planner is null) return new ValidationResult(rows, errors.Kept, warnings, Counts: errors.Counts);
        var late = planner.ResolveEmails(checker);
        // Stable: the errors found late take their place by row, then template column.
        if (late.Count > 0) errors.Merge(late, e => (e.Row ?? 0, checker.Order(e.Column)));
        if (errors.Count > 0) return new ValidationResult(rows, errors.Kept, warnings, Counts: errors.Counts);
        var plan = await planner.FinishAsync(cancellationToken);
        return new ValidationResult(rows, errors.Kept, warnings, plan, errors.Counts);
    }

    /// <summary>
    /// Reads the users of a file that validated clean against the same context, in row order.
    /// Passwords are handed on exactly as written (null when blank); nothing else is kept.
    /// </summary>
    public static async IAsyncEnumerable<NewUser> ReadUsersAsync(
        Stream file, ValidationContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var format = CsvFile.Detect(file, cancellationToken);
        using var records = CsvFile.ReadRecords(file, format, cancellationToken).GetEnumerator();
        if (!MoveToHeader(records)) yield break;
        var header = HeaderMap.Analyze(records.Current.Fields, context.UserType);
        if (header.Errors.Count > 0) throw new InvalidOperationException("The file's header is not valid; validate it first.");
        var checker = new RowChecker(header, context);
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.IsBlank) continue;
            if (record.Fields.Length != header.FieldCount) throw new InvalidOperationException($"Row {record.Row} does not line up with the header; validate the file first.");

            yield return checker.ReadUser(record);
            await Task.CompletedTask;
        }
    }

    /// <summary>True when a cell of the record holds a line break inside its text: the record spans lines.</summary>
    public static bool SpansLines(string[] fields) => Array.Exists(fields, HasLineBreak);

    /// <summary>A line break inside the cell's text; one at its start or end is surrounding space, trimmed like any other.</summary>
    private static bool HasLineBreak(string field) => field.AsSpan().Trim().IndexOfAny('\r', '\n') >= 0;

    private static bool MoveToHeader(IEnumerator<CsvRecord> records)
    {
        while (records.MoveNext())
        {
            if (!records.Current.IsBlank) return true;
        }
        return false;
    }

    private static ValidationResult Fail(ImportIssue issue, List<ImportIssue>? warnings = null) =>
        new(0, [issue], warnings ?? []);

    private sealed record PendingRow(int Row, List<ImportIssue>? Errors, string? UsernameKey, string? Username, string? EmailKey, string? Email, NewUser? User = null);

    /// <summary>About how many rows the file has, from the rows read so far and how far into the file they reach.</summary>
    private static long EstimateRows(int rows, Stream file) =>
        file.CanSeek && file.Position > 0 && file.Position < file.Length ? (long)rows * file.Length / file.Position : rows;

    private static async Task FlushAsync(
        List<PendingRow> batch, RowChecker checker, ValidationContext context, PlanState? planner, ErrorCollector errors, long estimatedRows,
        CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        if (planner is not null)
        {
            await planner.FlushAsync(batch, checker, errors, estimatedRows, cancellationToken);
            return;
        }
        var users = context.Users;
        var usernames = batch.Where(p => p.UsernameKey is not null).Select(p => p.UsernameKey!).ToList();
        var emails = batch.Where(p => p.EmailKey is not null).Select(p => p.EmailKey!).ToList();
        // Both look-ups at once: the database answers one while it works on the other.
        var usernamesTask = usernames.Count > 0 ? users.FindTakenUsernamesAsync(usernames, cancellationToken) : null;
        var emailsTask = emails.Count > 0 ? users.FindTakenEmailsAsync(emails, cancellationToken) : null;
        var takenUsernames = usernamesTask is null ? null : await usernamesTask;
        var takenEmails = emailsTask is null ? null : await emailsTask;
        var ours = await FindOwnUsersAsync(takenUsernames, context, cancellationToken);
        foreach (var pending in batch)
        {
            var rowErrors = pending.Errors;
            if (pending.UsernameKey is not null && takenUsernames!.Contains(pending.UsernameKey))
                (rowErrors ??= []).Add(ours.Contains(pending.UsernameKey)
                    ? Issues.UsernameTakenInDistrict(pending.Row, pending.Username!, context.UserType)
                    : Issues.UsernameTaken(pending.Row, pending.Username!));
            if (pending.EmailKey is not null && takenEmails!.Contains(pending.EmailKey))
                (rowErrors ??= []).Add(Issues.EmailTaken(pending.Row, pending.Email!));
            if (rowErrors is null) continue;
            // Stable sort by template column: errors of one column keep the order they were found in.
            errors.AddRange(rowErrors.Select((e, i) => (e, i)).OrderBy(x => checker.Order(x.e.Column)).ThenBy(x => x.i).Select(x => x.e));
        }
        batch.Clear();
    }

    /// <summary>
    /// Of the usernames a create file takes, those of users of this district and type: most often a file of users the
    /// district already has, uploaded to add new users when it meant to update them, and the row's message says so. Asked
    /// only about taken usernames, so a file of new users costs no extra look-up; another district's user stays plainly taken.
    /// </summary>
    private static async Task<IReadOnlySet<string>> FindOwnUsersAsync(IReadOnlySet<string>? taken, ValidationContext context, CancellationToken cancellationToken)
    {
        if (taken is not { Count: > 0 } || context.Roster is null) return EmptyKeys;
        var found = await context.Roster.FindUsersAsync([.. taken], cancellationToken);
        return found.Where(u => string.Equals(u.DistrictId, context.District.Id, StringComparison.Ordinal) && u.UserType == context.UserType)
            .Select(u => u.Username.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    }

    private static readonly IReadOnlySet<string> EmptyKeys = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The plan of an update or sync file as it is read: each batch's usernames and emails looked up at once, each
    /// valid row compared with the user it names, the changes handed to the sink. A batch's look-ups run while the next
    /// batch is read, and its changes are stored while the one after is (the sink's own pace); batches are still planned
    /// one after the other, in row order. Keeps the ids of the users the file names (for a sync's deactivations) and the
    /// emails held by another user of the file (resolved at the end, when the whole file is known).
    /// A file that names about as many users as the district has (a re-uploaded roster) reads the district once instead
    /// (<see cref="RosterSnapshot"/>): its unchanged rows are planned without a look-up, the others are looked up as above.
    /// </summary>
    private sealed class PlanState(ValidationContext context)
    {
        /// <summary>
        /// The district is read once when the file has at least one row for every this many users it has: reading a
        /// user in one pass costs about a tenth of looking one up.
        /// </summary>
        private const int UsersPerRowForSnapshot = 8;

        private readonly IRosterLookup _roster = context.Roster ?? throw new InvalidOperationException("An update or sync needs the platform's users.");
        private readonly HashSet<long> _named = [];
        private readonly List<(int Row, string Email, string HolderKey)> _movedEmails = [];
        private readonly List<PlannedChange> _buffer = new(LookupBatch);
        private readonly ChangeTally _tally = new();
        private PlanCounts _counts = PlanCounts.Empty;

        /// <summary>The batch read last, its look-ups under way.</summary>
        private LookedUpBatch? _pending;

        /// <summary>Chosen at the first batch: the district read once, or null to look each batch up.</summary>
        private Task<RosterSnapshot?>? _snapshot;

        /// <summary>
        /// While the district is read, how long a batch waits for it before it is looked up instead: under a second, so the
        /// rows checked keep moving (<see cref="ValidationProgress"/>).
        /// </summary>
        private static readonly TimeSpan LookUpPace = TimeSpan.FromMilliseconds(750);

        /// <summary>When the last batch was looked up without the district (a <see cref="Stopwatch"/> timestamp).</summary>
        private long _lastLookUp = Stopwatch.GetTimestamp();

        private sealed record LookedUpBatch(List<PendingRow> Rows, Task<Found> Lookups);

        /// <summary>
        /// What a batch's look-ups found: the users its usernames name, by lower-cased username, who holds its emails, and
        /// the rows the snapshot found unchanged (by row: their user's id and version), which were not looked up.
        /// </summary>
        private sealed record Found(
            Dictionary<string, ExistingUser> Users, IReadOnlyDictionary<string, EmailHolder> Holders, IReadOnlyDictionary<int, (long Id, long Version)> Same);

        private static readonly IReadOnlyDictionary<string, EmailHolder> NoHolders = new Dictionary<string, EmailHolder>();

        private static readonly IReadOnlyDictionary<int, (long Id, long Version)> NoneSame = new Dictionary<int, (long Id, long Version)>();

        /// <summary>
        /// Starts the look-ups of <paramref name="batch"/> (taking its rows) once those of the batch before are done,
        /// then plans the batch before: one batch's look-ups at a time, so one connection's worth of database cache.
        /// </summary>
        public async Task FlushAsync(List<PendingRow> batch, RowChecker checker, ErrorCollector errors, long estimatedRows, CancellationToken cancellationToken)
        {
            var rows = new List<PendingRow>(batch);
            batch.Clear();
            var previous = _pending;
            if (previous is not null)
            {
                try
                {
                    await previous.Lookups;
                }
                catch (Exception)
                {
                    // Reported where the batch is planned, below.
                }
            }
            // On the thread pool: a provider whose calls do their work before returning (SQLite's) still runs beside the reading.
            _snapshot ??= Task.Run(() => ChooseSnapshotAsync(estimatedRows, cancellationToken), cancellationToken);
            _pending = new LookedUpBatch(rows, Task.Run(() => LookUpAsync(rows, cancellationToken), cancellationToken));
            if (previous is not null) await PlanAsync(previous, checker, errors, cancellationToken);
        }

        /// <summary>
        /// The users the rows name, then who holds the emails the rows give, except an email that the row's own user
        /// already holds (a re-uploaded roster's every row): email keys are unique, so no one else holds it.
        /// </summary>
        private async Task<Found> LookUpAsync(List<PendingRow> rows, CancellationToken cancellationToken)
        {
            // While the district is still being read, a batch waits for it, but never so long that the rows checked stand
            // still for a second: then it is looked up as a smaller file's is (the plan is the same either way). A look-up
            // costs several times what reading a user in the pass does, so waiting leaves the machine to the pass.
            // Asked for the whole district, every batch waits for it.
            if (_snapshot is { IsCompleted: false } reading && context.Lookups == PlanLookups.Auto)
            {
                var wait = LookUpPace - Stopwatch.GetElapsedTime(_lastLookUp);
                if (wait > TimeSpan.Zero) await Task.WhenAny(reading, Task.Delay(wait, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
            var snapshot = _snapshot is not null && (_snapshot.IsCompleted || context.Lookups == PlanLookups.WholeDistrict) ? await _snapshot : null;
            if (snapshot is null) _lastLookUp = Stopwatch.GetTimestamp();
            var same = NoneSame;
            if (snapshot is not null)
            {
                var fingerprint = new RosterSnapshot.Fingerprint();
                var found = new Dictionary<int, (long Id, long Version)>();
                foreach (var p in rows)
                {
                    if (p.UsernameKey is not null && p.User is not null && snapshot.IsUnchanged(p.UsernameKey, p.User, fingerprint, out var id, out var version))
                        found[p.Row] = (id, version);
                }
                same = found;
                if (found.Count > 0) rows = [.. rows.Where(p => !found.ContainsKey(p.Row))];
            }
            var (users, holders) = await LookUpUsersAsync(rows, cancellationToken);
            return new Found(users, holders, same);
        }

        /// <summary>The district read once (<see cref="RosterSnapshot"/>) when the file names about as many users as it has; else null.</summary>
        private async Task<RosterSnapshot?> ChooseSnapshotAsync(long estimatedRows, CancellationToken cancellationToken)
        {
            if (context.Lookups == PlanLookups.Batched) return null;
            var users = await _roster.CountDistrictUsersAsync(context.District.Id, cancellationToken);
            var whole = context.Lookups == PlanLookups.WholeDistrict || estimatedRows * UsersPerRowForSnapshot >= users;
            return whole ? await RosterSnapshot.LoadAsync(_roster, context.District.Id, context.UserType, context.ProgramId, cancellationToken, users) : null;
        }

        private async Task<(Dictionary<string, ExistingUser> Users, IReadOnlyDictionary<string, EmailHolder> Holders)> LookUpUsersAsync(
            List<PendingRow> rows, CancellationToken cancellationToken)
        {
            var usernames = rows.Where(p => p.UsernameKey is not null).Select(p => p.UsernameKey!).ToList();
            var found = usernames.Count > 0 ? await _roster.FindUsersAsync(usernames, cancellationToken) : [];
            var users = new Dictionary<string, ExistingUser>(found.Count, StringComparer.Ordinal);
            foreach (var user in found) users[user.Username.ToLowerInvariant()] = user;
            var emails = rows.Where(p => p.EmailKey is not null
                    && !(p.UsernameKey is not null && users.TryGetValue(p.UsernameKey, out var own) && string.Equals(own.Email?.ToLowerInvariant(), p.EmailKey, StringComparison.Ordinal)))
                .Select(p => p.EmailKey!).ToList();
            var holders = emails.Count > 0 ? await _roster.FindEmailHoldersAsync(emails, cancellationToken) : NoHolders;
            return (users, holders);
        }

        /// <summary>Plans the last batch read: every row is planned once this returns.</summary>
        public async Task CompleteBatchesAsync(RowChecker checker, ErrorCollector errors, CancellationToken cancellationToken)
        {
            var last = _pending;
            _pending = null;
            if (last is not null) await PlanAsync(last, checker, errors, cancellationToken);
        }

        /// <summary>
        /// Waits for what is still running against the database (a batch's look-ups, the sink's last write) when the
        /// validation ends early; their failures do not hide what ended it.
        /// </summary>
        public async Task SettleAsync()
        {
            if (_pending is { } pending)
            {
                _pending = null;
                try
                {
                    await pending.Lookups;
                }
                catch (Exception)
                {
                    // The validation already ended; what these found is not needed.
                }
            }
            if (_snapshot is { } snapshot)
            {
                try
                {
                    await snapshot;
                }
                catch (Exception)
                {
                    // As above.
                }
            }
            if (context.Plan is null) return;
            try
            {
                await context.Plan.CompleteAsync(CancellationToken.None);
            }
            catch (Exception)
            {
                // Reported by FinishAsync when the validation got that far; otherwise the plan is not kept anyway.
            }
        }

        private async Task PlanAsync(LookedUpBatch batch, RowChecker checker, ErrorCollector errors, CancellationToken cancellationToken)
        {
            var (byKey, holders, same) = await batch.Lookups;

            foreach (var pending in batch.Rows)
            {
                if (same.TryGetValue(pending.Row, out var kept))
                {
                    // Found unchanged by its fingerprint: what RosterPlanner.Plan would plan, without the user's values.
                    if (errors.Count > 0) continue;
                    _named.Add(kept.Id);
                    _counts = _counts.Add(PlanAction.Unchanged);
                    _buffer.Add(new PlannedChange(pending.Row, pending.User!.Username, PlanAction.Unchanged, kept.Id, kept.Version, []));
                    continue;
                }
                var rowErrors = pending.Errors;
                ExistingUser? existing = null;
                if (pending.UsernameKey is not null && byKey.TryGetValue(pending.UsernameKey, out var named))
                {
                    // Another district's user is taken, and the message never says whose; another type of ours is named.
                    if (!string.Equals(named.DistrictId, context.District.Id, StringComparison.Ordinal))
                        (rowErrors ??= []).Add(Issues.UsernameTaken(pending.Row, pending.Username!));
                    else if (named.UserType != context.UserType)
                        (rowErrors ??= []).Add(Issues.UsernameOtherType(pending.Row, pending.Username!, named.UserType));
                    else existing = named;
                }
                if (existing is null && pending.User is { Password: null } && checker.NewUsersNeedPassword)
                    (rowErrors ??= []).Add(Issues.FieldRequired(pending.Row, Column.Password));
                if (pending.EmailKey is not null && holders.TryGetValue(pending.EmailKey, out var holder) && holder.UserId != existing?.Id)
                {
                    // Held by another user: taken, unless that user is in this file too and so gives the email up.
                    _movedEmails.Add((pending.Row, pending.Email!, holder.UsernameKey));
                }
                if (rowErrors is not null)
                {
                    errors.AddRange(rowErrors.Select((e, i) => (e, i)).OrderBy(x => checker.Order(x.e.Column)).ThenBy(x => x.i).Select(x => x.e));
                    continue;
                }
                if (pending.User is null || errors.Count > 0) continue;
                var change = RosterPlanner.Plan(pending.User, context.UserType, existing, context.ProgramId);
                if (existing is not null) _named.Add(existing.Id);
                _counts = _counts.Add(change.Action);
                _tally.Add(change);
                _buffer.Add(change);
            }
            if (errors.Count > 0) _buffer.Clear();
            else await DrainAsync(cancellationToken);
        }

        /// <summary>The emails held by another user: <c>email.taken</c> unless that user's username is in the file.</summary>
        public List<ImportIssue> ResolveEmails(RowChecker checker) =>
            [.. _movedEmails.Where(m => !checker.HasUsername(m.HolderKey)).Select(m => Issues.EmailTaken(m.Row, m.Email))];

        /// <summary>
        /// A sync's deactivations: the active users of the district and type the file does not name, by username. With the
        /// district read whole they are known already, and only they are looked up; else the district's active users are listed.
        /// </summary>
        public async Task<RosterPlan> FinishAsync(CancellationToken cancellationToken)
        {
            var active = 0;
            if (_snapshot is not null && await _snapshot is { } snapshot)
            {
                active = snapshot.ActiveMembers;
                if (context.Mode == ImportMode.Sync)
                {
                    var left = snapshot.MembersNotIn(_named);
                    var members = new List<RosterMember>(left.Count);
                    foreach (var chunk in left.Chunk(LookupBatch)) members.AddRange(await _roster.FindMembersAsync(chunk, cancellationToken));
                    foreach (var member in members.OrderBy(m => m.Username.ToLowerInvariant(), StringComparer.Ordinal)) await DeactivateAsync(member, cancellationToken);
                }
            }
            else
            {
                await foreach (var member in _roster.ListActiveMembersAsync(context.District.Id, context.UserType, cancellationToken))
                {
                    active++;
                    if (context.Mode == ImportMode.Sync && !_named.Contains(member.Id)) await DeactivateAsync(member, cancellationToken);
                }
            }
            await DrainAsync(cancellationToken);
            if (context.Plan is not null) await context.Plan.CompleteAsync(cancellationToken);
            return new RosterPlan(_counts, active, _tally.Top);
        }

        private async Task DeactivateAsync(RosterMember member, CancellationToken cancellationToken)
        {
            _counts = _counts.Add(PlanAction.Deactivate);
            _buffer.Add(RosterPlanner.Deactivate(member));
            if (_buffer.Count >= LookupBatch) await DrainAsync(cancellationToken);
        }

        private async Task DrainAsync(CancellationToken cancellationToken)
        {
            if (_buffer.Count == 0) return;
            if (context.Plan is not null) await context.Plan.AddAsync([.. _buffer], cancellationToken);
            _buffer.Clear();
        }
    }
}
