using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage.Migrations;

namespace Rostra.Storage.Sqlite;

/// <summary>
/// The store on one SQLite file: WAL, a busy timeout, foreign keys on. SQLite has one writer at a time,
/// so a write transaction (BEGIN IMMEDIATE) sees every committed user and no one can commit a clashing one meanwhile.
/// </summary>
internal sealed class SqliteStore(string connectionString, TimeProvider? time = null) : SqlStore(time ?? TimeProvider.System)
{
    /// <summary>Users checked and inserted per round trip of <see cref="WriteImportAsync"/>.</summary>
    private const int WriteBatch = 1_000;

    /// <summary>How long a writer waits for another writer (an import of a large file holds the lock for a while).</summary>
    private const int BusyTimeoutMilliseconds = 60_000;

    private int walChecked;

    public override string Provider => "sqlite";

    internal string ConnectionString => connectionString;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA foreign_keys = ON;";
            // journal_mode is kept in the file; setting it once per process is enough.
            if (Interlocked.Exchange(ref walChecked, 1) == 0) pragma.CommandText += " PRAGMA journal_mode = WAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: a second process migrating at the same time waits here, then finds the work done.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var create = Command(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", transaction))
            await create.ExecuteNonQueryAsync(cancellationToken);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = Command(connection, "SELECT version FROM schema_migrations", transaction))
        await using (var r = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken)) applied.Add(r.GetString(0));
        }

        foreach (var migration in Migration.For("Sqlite").Where(m => !applied.Contains(m.Version)))
        {
            await using (var apply = Command(connection, migration.Sql, transaction))
                await apply.ExecuteNonQueryAsync(cancellationToken);
            await using var record = Command(connection, "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @applied_at)", transaction);
            Add(record, "version", migration.Version);
            Add(record, "applied_at", Now());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled handles would keep the file (and its -wal/-shm) open after the store is gone.
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    protected override bool IsUniqueViolation(DbException exception, out string? constraint)
    {
        constraint = null;
        // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
        if (exception is not SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } e) return false;
        var at = e.Message.IndexOf("failed: ", StringComparison.Ordinal);
        constraint = at < 0 ? null : e.Message[(at + "failed: ".Length)..].TrimEnd('.', '\'');
        return true;
    }

    protected override string InSet(string expression, string parameter) => $"{expression} IN (SELECT value FROM json_each({parameter}))";

    protected override void AddSet<T>(DbCommand command, string name, IReadOnlyCollection<T> values) =>
        Add(command, name, JsonSerializer.Serialize(values));

    // SQLite's lower() folds ASCII only; searching names uses .NET's, registered per connection.
    protected override string Lower(string expression) => $"rostra_lower({expression})";

    protected override void PrepareForSearch(DbConnection connection) =>
        ((SqliteConnection)connection).CreateFunction("rostra_lower", (string? s) => s?.ToLowerInvariant(), isDeterministic: true);

    protected override object ToDb(object value) => value switch
    {
        Guid g => g.ToString("D"),
        // Fixed-width UTC text: text order is time order.
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        _ => value,
    };

    protected override async Task InsertErrorsAsync(DbConnection connection, DbTransaction transaction, Guid importId, IReadOnlyList<ImportIssue> errors, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection,
            "INSERT INTO import_errors (import_id, seq, row, column_name, code, message, value) VALUES (@import_id, @seq, @row, @column_name, @code, @message, @value)",
            transaction);
        Add(insert, "import_id", importId);
        var seq = Add(insert, "seq", 0);
        var row = Add(insert, "row", null);
        var column = Add(insert, "column_name", null);
        var code = Add(insert, "code", "");
        var message = Add(insert, "message", "");
        var value = Add(insert, "value", null);
        await insert.PrepareAsync(cancellationToken);
        for (var i = 0; i < errors.Count; i++)
        {
            var e = errors[i];
            seq.Value = i;
            row.Value = e.Row is { } r ? r : DBNull.Value;
            column.Value = (object?)e.Column ?? DBNull.Value;
            code.Value = e.Code;
            message.Value = e.Message;
            value.Value = (object?)e.Value ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override async Task<WriteResult> WriteImportAsync(ImportWrite write, IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken)
    {
        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE takes the write lock now: what the checks below see stays true until commit.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var now = Now();

        long nextId;
        await using (var max = Command(connection, "SELECT COALESCE(MAX(id), 0) FROM users", transaction))
            nextId = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) + 1;

        await using var insertUser = Command(connection,
            "INSERT INTO users (id, district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, failed_logins, created_at, import_id) " +
            "VALUES (@id, @district_id, @username, @username_key, @first_name, @last_name, @email, @email_key, @roles, @grade, @password_hash, 0, @created_at, @import_id)",
            transaction);
        var pId = Add(insertUser, "id", 0L);
        Add(insertUser, "district_id", write.DistrictId);
        var pUsername = Add(insertUser, "username", "");
        var pUsernameKey = Add(insertUser, "username_key", "");
        var pFirstName = Add(insertUser, "first_name", "");
        var pLastName = Add(insertUser, "last_name", null);
        var pEmail = Add(insertUser, "email", null);
        var pEmailKey = Add(insertUser, "email_key", null);
        var pRoles = Add(insertUser, "roles", "");
        var pGrade = Add(insertUser, "grade", null);
        var pHash = Add(insertUser, "password_hash", null);
        Add(insertUser, "created_at", now);
        Add(insertUser, "import_id", write.ImportId);
        await insertUser.PrepareAsync(cancellationToken);

        await using var insertSchool = Command(connection, "INSERT INTO user_schools (district_id, user_id, school_id) VALUES (@district_id, @user_id, @value)", transaction);
        Add(insertSchool, "district_id", write.DistrictId);
        var pSchoolUser = Add(insertSchool, "user_id", 0L);
        var pSchool = Add(insertSchool, "value", "");
        await insertSchool.PrepareAsync(cancellationToken);

        await using var insertProgram = Command(connection, "INSERT INTO user_programs (district_id, user_id, program_id) VALUES (@district_id, @user_id, @value)", transaction);
        Add(insertProgram, "district_id", write.DistrictId);
        var pProgramUser = Add(insertProgram, "user_id", 0L);
        var pProgram = Add(insertProgram, "value", "");
        await insertProgram.PrepareAsync(cancellationToken);

        var errors = new List<ImportIssue>();
        var batch = new List<(int Row, NewUser User)>(WriteBatch);
        var count = 0;

        async Task CheckAndInsertAsync()
        {
            // Set-based: one query for the batch's usernames, one for its emails. Earlier batches are
            // already inserted in this transaction, so a name repeated across batches shows up as taken.
            var usernames = new HashSet<string>(StringComparer.Ordinal);
            var emails = new HashSet<string>(StringComparer.Ordinal);
            await FindTakenAsync(connection, transaction, "username_key", batch.Select(b => Key(b.User.Username)).Distinct(StringComparer.Ordinal).ToList(), usernames, cancellationToken);
            await FindTakenAsync(connection, transaction, "email_key", batch.Where(b => b.User.Email is not null).Select(b => Key(b.User.Email!)).Distinct(StringComparer.Ordinal).ToList(), emails, cancellationToken);

            var firstUsername = new Dictionary<string, int>(StringComparer.Ordinal);
            var firstEmail = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (row, user) in batch)
            {
                var key = Key(user.Username);
                if (usernames.Contains(key)) errors.Add(UsernameTaken(row, user.Username));
                else if (!firstUsername.TryAdd(key, row)) errors.Add(Issues.UsernameDuplicate(row, user.Username, firstUsername[key]));
                if (user.Email is null) continue;
                var emailKey = Key(user.Email);
                if (emails.Contains(emailKey)) errors.Add(EmailTaken(row, user.Email));
                else if (!firstEmail.TryAdd(emailKey, row)) errors.Add(Issues.EmailDuplicate(row, user.Email, firstEmail[emailKey]));
            }

            // After the first conflict nothing more is inserted; the remaining batches are only checked.
            if (errors.Count > 0) return;

            foreach (var (_, user) in batch)
            {
                var id = nextId++;
                pId.Value = id;
                pUsername.Value = user.Username;
                pUsernameKey.Value = Key(user.Username);
                pFirstName.Value = user.FirstName;
                pLastName.Value = (object?)user.LastName ?? DBNull.Value;
                pEmail.Value = (object?)user.Email ?? DBNull.Value;
                pEmailKey.Value = user.Email is null ? DBNull.Value : Key(user.Email);
                pRoles.Value = JoinRoles(user.Roles);
                pGrade.Value = (object?)user.Grade?.ToString() ?? DBNull.Value;
                pHash.Value = (object?)user.PasswordHash ?? DBNull.Value;
                await insertUser.ExecuteNonQueryAsync(cancellationToken);

                pSchoolUser.Value = id;
                foreach (var school in user.SchoolIds.Distinct(StringComparer.Ordinal))
                {
                    pSchool.Value = school;
                    await insertSchool.ExecuteNonQueryAsync(cancellationToken);
                }
                pProgramUser.Value = id;
                foreach (var program in ProgramsOf(user, write))
                {
                    pProgram.Value = program;
                    await insertProgram.ExecuteNonQueryAsync(cancellationToken);
                }
                count++;
            }
        }

        var ordinal = 0;
        await foreach (var user in users.WithCancellation(cancellationToken))
        {
            batch.Add((user.Row ?? ordinal + 2, user));
            ordinal++;
            if (batch.Count < WriteBatch) continue;
            await CheckAndInsertAsync();
            batch.Clear();
        }
        if (batch.Count > 0) await CheckAndInsertAsync();

        if (errors.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new WriteResult(false, 0, Sorted(errors));
        }
        if (!await CompleteImportAsync(connection, transaction, write, count, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new WriteResult(false, 0, []);
        }
        await transaction.CommitAsync(cancellationToken);
        return new WriteResult(true, count, []);
    }
}
