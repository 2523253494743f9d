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
        var batch = new List<PendingRow>(LookupBatch);
        var planner = context.Mode.HasPlan() ? new PlanState(context) : null;
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
            if (batch.Count >= LookupBatch) await FlushAsync(batch, checker, context, planner, errors, cancellationToken);
            if (rows % ProgressEvery == 0) progress?.Report(new ValidationProgress(rows, file.Position, file.Length));
        }
        await FlushAsync(batch, checker, context, planner, errors, cancellationToken);
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

    private static async Task FlushAsync(
        List<PendingRow> batch, RowChecker checker, ValidationContext context, PlanState? planner, ErrorCollector errors, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        if (planner is not null)
        {
            await planner.FlushAsync(batch, checker, errors, cancellationToken);
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
    /// valid row compared with the user it names, the changes handed to the sink. Keeps the ids of the users the
    /// file names (for a sync's deactivations) and the emails held by another user of the file (resolved at the end,
    /// when the whole file is known).
    /// </summary>
    private sealed class PlanState(ValidationContext context)
    {
        private readonly IRosterLookup _roster = context.Roster ?? throw new InvalidOperationException("An update or sync needs the platform's users.");
        private readonly HashSet<long> _named = [];
        private readonly List<(int Row, string Email, string HolderKey)> _movedEmails = [];
        private readonly List<PlannedChange> _buffer = new(LookupBatch);
        private readonly ChangeTally _tally = new();
        private PlanCounts _counts = PlanCounts.Empty;

        public async Task FlushAsync(List<PendingRow> batch, RowChecker checker, ErrorCollector errors, CancellationToken cancellationToken)
        {
            var usernames = batch.Where(p => p.UsernameKey is not null).Select(p => p.UsernameKey!).ToList();
            var emails = batch.Where(p => p.EmailKey is not null).Select(p => p.EmailKey!).ToList();
            var usersTask = usernames.Count > 0 ? _roster.FindUsersAsync(usernames, cancellationToken) : null;
            var holdersTask = emails.Count > 0 ? _roster.FindEmailHoldersAsync(emails, cancellationToken) : null;
            var found = usersTask is null ? [] : await usersTask;
            var holders = holdersTask is null ? null : await holdersTask;
            var byKey = new Dictionary<string, ExistingUser>(found.Count, StringComparer.Ordinal);
            foreach (var user in found) byKey[user.Username.ToLowerInvariant()] = user;

            foreach (var pending in batch)
            {
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
                if (pending.EmailKey is not null && holders!.TryGetValue(pending.EmailKey, out var holder) && holder.UserId != existing?.Id)
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
            batch.Clear();
            if (errors.Count > 0) _buffer.Clear();
            else await DrainAsync(cancellationToken);
        }

        /// <summary>The emails held by another user: <c>email.taken</c> unless that user's username is in the file.</summary>
        public List<ImportIssue> ResolveEmails(RowChecker checker) =>
            [.. _movedEmails.Where(m => !checker.HasUsername(m.HolderKey)).Select(m => Issues.EmailTaken(m.Row, m.Email))];

        /// <summary>A sync's deactivations: the active users of the district and type the file does not name.</summary>
        public async Task<RosterPlan> FinishAsync(CancellationToken cancellationToken)
        {
            var active = 0;
            await foreach (var member in _roster.ListActiveMembersAsync(context.District.Id, context.UserType, cancellationToken))
            {
                active++;
                if (context.Mode != ImportMode.Sync || _named.Contains(member.Id)) continue;
                _counts = _counts.Add(PlanAction.Deactivate);
                _buffer.Add(RosterPlanner.Deactivate(member));
                if (_buffer.Count >= LookupBatch) await DrainAsync(cancellationToken);
            }
            await DrainAsync(cancellationToken);
            return new RosterPlan(_counts, active, _tally.Top);
        }

        private async Task DrainAsync(CancellationToken cancellationToken)
        {
            if (_buffer.Count == 0) return;
            if (context.Plan is not null) await context.Plan.AddAsync([.. _buffer], cancellationToken);
            _buffer.Clear();
        }
    }
}
