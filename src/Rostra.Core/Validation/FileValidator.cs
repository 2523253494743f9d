using System.Runtime.CompilerServices;
using Rostra.Core.Csv;
using Rostra.Core.Import;

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

    private const int ProgressEvery = 2000;

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
        if (format.IsFallback) warnings.Add(Issues.FileEncodingFallback());

        using var records = CsvFile.ReadRecords(file, format, cancellationToken).GetEnumerator();
        // Blank lines above the header are passed over; the header is the first row with something in it.
        if (!MoveToHeader(records)) return Fail(Issues.FileEmpty(), warnings);

        var header = HeaderMap.Analyze(records.Current.Fields, context.UserType);
        warnings.AddRange(header.Warnings);
        if (header.Errors.Count > 0) return new ValidationResult(0, header.Errors, warnings);

        var checker = new RowChecker(header, context);
        var errors = new ErrorCollector(context.Limits.MaxDetailedErrors);
        var batch = new List<PendingRow>(LookupBatch);
        var rows = 0;
        var rowErrors = new List<ImportIssue>();
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
                (username, email) = checker.Check(record, rowErrors);

            if (rowErrors.Count > 0 || username is not null || email is not null)
                batch.Add(new PendingRow(record.Row, rowErrors.Count == 0 ? null : [.. rowErrors], username, username is null ? null : checker.Value(record, Column.Username),
                    email, email is null ? null : checker.Value(record, Column.Email)));
            if (batch.Count >= LookupBatch) await FlushAsync(batch, checker, context.Users, errors, cancellationToken);
            if (rows % ProgressEvery == 0) progress?.Report(new ValidationProgress(rows, file.Position, file.Length));
        }
        await FlushAsync(batch, checker, context.Users, errors, cancellationToken);
        progress?.Report(new ValidationProgress(rows, file.Length, file.Length));

        if (rows == 0) return Fail(Issues.FileNoRows(), warnings);
        return new ValidationResult(rows, errors.Kept, warnings, errors.Counts);
    }

    /// <summary>
    /// Reads the users of a file that validated clean against the same context, in row order.
    /// Passwords are handed on exactly as written (null when blank); nothing else is kept.
    /// </summary>
    public static async IAsyncEnumerable<ImportedUser> ReadUsersAsync(
        Stream file, ValidationContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var format = CsvFile.Detect(file, cancellationToken);
        using var records = CsvFile.ReadRecords(file, format, cancellationToken).GetEnumerator();
        if (!MoveToHeader(records)) yield break;
        var header = HeaderMap.Analyze(records.Current.Fields, context.UserType);
        if (header.Errors.Count > 0) throw new InvalidOperationException("The file's header is not valid; validate it first.");
        var checker = new RowChecker(header, context);
        var type = context.UserType;
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.IsBlank) continue;
            if (record.Fields.Length != header.FieldCount) throw new InvalidOperationException($"Row {record.Row} does not line up with the header; validate the file first.");

            var roles = new List<string>(2) { type.Role() };
            if (type == UserType.SchoolAdmin && RowChecker.TryParseTeacherRole(checker.Value(record, Column.TeacherRole), out var teacher) && teacher)
                roles.Add(Roles.Teacher);
            Grade? grade = type == UserType.Student && Grade.TryParse(checker.Value(record, Column.Grade), out var g) ? g : null;
            var password = checker.Value(record, Column.Password);
            yield return new ImportedUser(
                record.Row,
                checker.Value(record, Column.FirstName)!,
                NullIfEmpty(checker.Value(record, Column.LastName)),
                checker.Value(record, Column.Username)!,
                NullIfEmpty(checker.Value(record, Column.Email)),
                grade,
                checker.CanonicalSchoolIds(checker.Value(record, Column.SchoolId) ?? ""),
                roles,
                string.IsNullOrEmpty(password) ? null : password);
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ValidationResult Fail(ImportIssue issue, List<ImportIssue>? warnings = null) =>
        new(0, [issue], warnings ?? []);

    private sealed record PendingRow(int Row, List<ImportIssue>? Errors, string? UsernameKey, string? Username, string? EmailKey, string? Email);

    private static async Task FlushAsync(
        List<PendingRow> batch, RowChecker checker, IUserLookup users, ErrorCollector errors, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        var usernames = batch.Where(p => p.UsernameKey is not null).Select(p => p.UsernameKey!).ToList();
        var emails = batch.Where(p => p.EmailKey is not null).Select(p => p.EmailKey!).ToList();
        // Both look-ups at once: the database answers one while it works on the other.
        var usernamesTask = usernames.Count > 0 ? users.FindTakenUsernamesAsync(usernames, cancellationToken) : null;
        var emailsTask = emails.Count > 0 ? users.FindTakenEmailsAsync(emails, cancellationToken) : null;
        var takenUsernames = usernamesTask is null ? null : await usernamesTask;
        var takenEmails = emailsTask is null ? null : await emailsTask;
        foreach (var pending in batch)
        {
            var rowErrors = pending.Errors;
            if (pending.UsernameKey is not null && takenUsernames!.Contains(pending.UsernameKey))
                (rowErrors ??= []).Add(Issues.UsernameTaken(pending.Row, pending.Username!));
            if (pending.EmailKey is not null && takenEmails!.Contains(pending.EmailKey))
                (rowErrors ??= []).Add(Issues.EmailTaken(pending.Row, pending.Email!));
            if (rowErrors is null) continue;
            // Stable sort by template column: errors of one column keep the order they were found in.
            errors.AddRange(rowErrors.Select((e, i) => (e, i)).OrderBy(x => checker.Order(x.e.Column)).ThenBy(x => x.i).Select(x => x.e));
        }
        batch.Clear();
    }
}
