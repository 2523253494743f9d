using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Rostra.Core;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Storage.Migrations;
using Rostra.Storage.Search;

namespace Rostra.Storage.Sqlite;

/// <summary>
/// The store on one SQLite file: WAL, a busy timeout, foreign keys on. SQLite has one writer at a time,
/// so a write transaction (BEGIN IMMEDIATE) sees every committed user and no one can commit a clashing one meanwhile;
/// writes keep that lock short.
/// </summary>
internal sealed class SqliteStore(string connectionString, TimeProvider? time = null) : SqlStore(time ?? TimeProvider.System)
{
    /// <summary>How long a writer waits for another writer (an import of a large file holds the lock for a while).</summary>
    private const int BusyTimeoutMilliseconds = 60_000;

    /// <summary>The private stage of a write: users as they will go in, numbered by seq from 1.</summary>
    private const string CreateStage =
        "DROP TABLE IF EXISTS temp.import_stage; " +
        "CREATE TEMP TABLE import_stage (seq INTEGER PRIMARY KEY, row INTEGER NOT NULL, username TEXT NOT NULL, username_key TEXT NOT NULL, " +
        "first_name TEXT NOT NULL, last_name TEXT, email TEXT, email_key TEXT, roles TEXT NOT NULL, grade TEXT, password_hash TEXT, " +
        "school_ids TEXT NOT NULL, program_ids TEXT NOT NULL)";

    private int walChecked;

    public override string Provider => "sqlite";

    internal string ConnectionString => connectionString;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // The user_search triggers fold names with the code's own folding (migration 007b).
            connection.CreateFunction("rostra_fold", (string? text) => text is null ? null : SearchText.Fold(text), isDeterministic: true);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;";
            // journal_mode is kept in the file; setting it once per process is enough.
            if (Interlocked.Exchange(ref walChecked, 1) == 0) pragma.CommandText += " PRAGMA journal_mode = WAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            if (ConnectionOpened is { } opened) await opened(connection, cancellationToken);
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

    /// <summary>
    /// The final write of a durable import, in one BEGIN IMMEDIATE transaction (no other writer can interleave):
    /// checks the claim, fills the temp stage from <c>import_rows</c>, finds every conflict with one set-based query, and
    /// when there is none moves the stage into users (ids from max(id) + 1), user_schools and user_programs, completes
    /// the import and deletes the staged rows.
    /// </summary>
    public override async Task<WriteResult> WriteStagedImportAsync(ImportWrite write, string worker, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken);
        try
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            if (!await CanWriteStagedAsync(connection, transaction, write, worker, "", cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return new WriteResult(false, 0, []);
            }
            await ExecuteAsync(connection, transaction, CreateStage, cancellationToken);
            int count;
            await using (var fill = Command(connection,
                "INSERT INTO temp.import_stage (seq, row, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, school_ids, program_ids) " +
                "SELECT row_number() OVER (ORDER BY row), row, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, school_ids, @programs " +
                $"FROM import_rows r WHERE r.import_id = @id{CreateRowsOnly} ORDER BY row",
                transaction))
            {
                Add(fill, "programs", JsonSerializer.Serialize(write.ProgramId is null ? Array.Empty<string>() : [write.ProgramId]));
                Add(fill, "id", write.ImportId);
                count = await fill.ExecuteNonQueryAsync(cancellationToken);
            }
            // An update or sync: its updates, reactivations and deactivations first, then its creates as any import's.
            var (planErrors, written) = await ApplyPlanAsync(connection, transaction, write.ImportId, write.DistrictId, write.ProgramId, cancellationToken);
            if (planErrors is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new WriteResult(false, 0, planErrors);
            }
            if (await CheckAndMoveStageAsync(connection, transaction, write, count, cancellationToken, written) is { } failed) return failed;
            await FinishStagedAsync(connection, transaction, write.ImportId, cancellationToken);
            if (beforeCommit is not null) await beforeCommit(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new WriteResult(true, count + written, []);
        }
        finally
        {
            await DropStageAsync(connection);
        }
    }

    /// <summary>
    /// Under the write lock, with the stage filled: the conflict check, the move and the import's completion.
    /// Null when all went in (the caller commits); otherwise the transaction is rolled back and this is the result.
    /// </summary>
    private async Task<WriteResult?> CheckAndMoveStageAsync(SqliteConnection connection, SqliteTransaction transaction, ImportWrite write, int count, CancellationToken cancellationToken, int written = 0)
    {
        var conflicts = await FindStageConflictsAsync(connection, transaction, cancellationToken);
        if (conflicts.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new WriteResult(false, 0, conflicts);
        }
        write.Written?.Report(written);
        await MoveStageAsync(connection, transaction, write, written, cancellationToken);
        if (!await CompleteImportAsync(connection, transaction, write, count + written, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new WriteResult(false, 0, []);
        }
        return null;
    }

    // The connection goes back to the pool with its temp schema; leave nothing behind.
    private static Task DropStageAsync(SqliteConnection connection) =>
        ExecuteAsync(connection, null, "DROP TABLE IF EXISTS temp.import_stage", CancellationToken.None);

    /// <summary>Moves the temp stage into users (ids from max(id) + 1), user_schools and user_programs; under the write lock.</summary>
    /// <remarks>In batches of <see cref="MoveBatch"/> stage rows (by <c>seq</c>, the stage's key), each one telling
    /// <see cref="ImportWrite.Written"/> the users written so far, after the <paramref name="written"/> the plan wrote.</remarks>
    private async Task MoveStageAsync(SqliteConnection connection, SqliteTransaction transaction, ImportWrite write, int written, CancellationToken cancellationToken)
    {
        long lastId, lastSeq;
        await using (var max = Command(connection, "SELECT COALESCE(MAX(id), 0) FROM users", transaction))
            lastId = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await using (var max = Command(connection, "SELECT COALESCE(MAX(seq), 0) FROM temp.import_stage", transaction))
            lastSeq = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        string[] statements =
        [
            "INSERT INTO users (id, district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, failed_logins, created_at, import_id) " +
            "SELECT @last_id + seq, @district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, 0, @now, @import_id FROM import_stage " +
            "WHERE seq > @from AND seq <= @to ORDER BY seq",
            "INSERT INTO user_schools (district_id, user_id, school_id) SELECT @district_id, @last_id + s.seq, j.value FROM import_stage s, json_each(s.school_ids) j " +
            "WHERE s.seq > @from AND s.seq <= @to",
            "INSERT INTO user_programs (district_id, user_id, program_id) SELECT @district_id, @last_id + s.seq, j.value FROM import_stage s, json_each(s.program_ids) j " +
            "WHERE s.seq > @from AND s.seq <= @to",
        ];
        var now = Now();
        for (long from = 0; from < lastSeq; from += MoveBatch)
        {
            for (var i = 0; i < statements.Length; i++)
            {
                await using var command = Command(connection, statements[i], transaction);
                Add(command, "last_id", lastId);
                Add(command, "district_id", write.DistrictId);
                Add(command, "now", now);
                Add(command, "import_id", write.ImportId);
                Add(command, "from", from);
                Add(command, "to", from + MoveBatch);
                var rows = await command.ExecuteNonQueryAsync(cancellationToken);
                if (i == 0) written += rows;
            }
            write.Written?.Report(written);
        }
    }

    protected override string SkipLocked(string alias) => "";

    protected override string JsonEach(string json, string alias) => $"json_each({json}) AS {alias}";

    /// <summary>
    /// A district that holds most of the platform's users is read by a plain pass over the table, in its own order (about
    /// three times faster than through the district's index, which reads each user's row apart); a smaller one through the index.
    /// Schools and programs by a plain aggregate of their primary key: a sorted subquery per user would double the time.
    /// </summary>
    protected override async Task<string> DistrictUsersQueryAsync(DbConnection connection, string districtId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT (SELECT COUNT(*) FROM users WHERE district_id = @district_id) * 2 >= (SELECT COUNT(*) FROM users)");
        Add(command, "district_id", districtId);
        var most = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 0;
        // Each page is read once: a small cache for this pass (the next open of the connection sets the usual one again),
        // so a million users' pages do not stay in memory for the rest of the plan.
        await using (var pragma = Command(connection, "PRAGMA cache_size = -2048")) await pragma.ExecuteNonQueryAsync(cancellationToken);
        // Each user's schools and programs in the order of their primary key, which is the order of the ids.
        return "SELECT u.id, u.district_id, u.username, u.first_name, u.last_name, u.email, u.roles, u.grade, u.active, u.version, " +
            "(SELECT group_concat(school_id, char(31)) FROM user_schools WHERE user_id = u.id), " +
            "(SELECT group_concat(program_id, char(31)) FROM user_programs WHERE user_id = u.id) " +
            $"FROM users u{(most ? " NOT INDEXED" : "")} WHERE u.district_id = @district_id";
    }

    protected override string JsonAgg(string expression) => $"json_group_array({expression})";

    // The user's rows come from the primary key (user_id, id) in id order: no sort per user.
    protected override string IdList(string table, string column, string userId) =>
        $"(SELECT group_concat(x.{column}, char(31)) FROM (SELECT {column} FROM {table} WHERE user_id = {userId} ORDER BY {column}) x)";

    /// <summary>
    /// A batch of planned changes in one statement: the rows go as one JSON array that SQLite takes apart itself, so a
    /// million unchanged rows are not a million statements with eight parameters each.
    /// </summary>
    protected override async Task InsertPlanChangesAsync(DbConnection connection, DbTransaction transaction, Guid importId, int firstSeq, IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(changes.Count * 64);
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var c in changes)
            {
                json.WriteStartArray();
                if (c.Row is { } row) json.WriteNumberValue(row); else json.WriteNullValue();
                if (c.UserId is { } user) json.WriteNumberValue(user); else json.WriteNullValue();
                json.WriteStringValue(c.Username);
                json.WriteStringValue(c.Action.Slug());
                if (c.Version is { } version) json.WriteNumberValue(version); else json.WriteNullValue();
                json.WriteStringValue(ChangesJson(c.Changes));
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        // Appended in order, so a small page cache does (the next open of the connection sets the usual one again).
        await using (var pragma = Command(connection, "PRAGMA cache_size = -4096", transaction)) await pragma.ExecuteNonQueryAsync(cancellationToken);
        await using var insert = Command(connection,
            "INSERT INTO import_changes (import_id, seq, row, user_id, username, action, version, changes) " +
            "SELECT @import_id, @first + j.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), " +
            "json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]') FROM json_each(@changes) j ORDER BY j.key", transaction);
        Add(insert, "import_id", importId);
        Add(insert, "first", firstSeq);
        Add(insert, "changes", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    // A write transaction here is BEGIN IMMEDIATE: no other writer until it ends.
    protected override string LockUsers(string alias) => "";

    protected override string LockRow => "";

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // BEGIN DEFERRED: a read snapshot (WAL), no write lock.
    protected override Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    protected override async Task InsertStagedRowsAsync(DbConnection connection, DbTransaction transaction, Guid importId, string districtId, IReadOnlyList<(int ChunkNo, NewUser User)> rows, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection,
            "INSERT INTO import_rows (import_id, row, district_id, chunk_no, username, username_key, first_name, last_name, email, email_key, roles, grade, school_ids, password_protected) " +
            "VALUES (@import_id, @row, @district_id, @chunk_no, @username, @username_key, @first_name, @last_name, @email, @email_key, @roles, @grade, @school_ids, @password_protected)",
            transaction);
        Add(insert, "import_id", importId);
        Add(insert, "district_id", districtId);
        var row = Add(insert, "row", 0);
        var chunk = Add(insert, "chunk_no", 0);
        var username = Add(insert, "username", "");
        var usernameKey = Add(insert, "username_key", "");
        var firstName = Add(insert, "first_name", "");
        var lastName = Add(insert, "last_name", null);
        var email = Add(insert, "email", null);
        var emailKey = Add(insert, "email_key", null);
        var roles = Add(insert, "roles", "");
        var grade = Add(insert, "grade", null);
        var schools = Add(insert, "school_ids", "[]");
        var password = Add(insert, "password_protected", null);
        await insert.PrepareAsync(cancellationToken);
        foreach (var (chunkNo, r) in rows)
        {
            row.Value = r.Row ?? throw new ArgumentException("A staged row has its row number.", nameof(rows));
            chunk.Value = chunkNo;
            username.Value = r.Username;
            usernameKey.Value = Key(r.Username);
            firstName.Value = r.FirstName;
            lastName.Value = (object?)r.LastName ?? DBNull.Value;
            email.Value = (object?)r.Email ?? DBNull.Value;
            emailKey.Value = r.Email is null ? DBNull.Value : Key(r.Email);
            roles.Value = JoinRoles(r.Roles);
            grade.Value = (object?)r.Grade?.ToString() ?? DBNull.Value;
            schools.Value = SchoolIdsJson(r.SchoolIds);
            password.Value = (object?)CiphertextOf(r) ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override async Task<bool> SaveChunkHashesAsync(Guid importId, int chunkNo, string worker, string node, IReadOnlyList<RowHash> hashes, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int rows;
        // The chunk first: while this worker still holds it, no one else can save it.
        await using (var mark = Command(connection,
            "UPDATE import_chunks SET status = @hashed, hashed_by = @node, hashed_at = @now, lease_until = NULL " +
            "WHERE import_id = @id AND chunk_no = @chunk AND status = @claimed AND claimed_by = @worker " +
            $"AND EXISTS (SELECT 1 FROM imports i WHERE i.id = @id AND {InSet("i.status", "@hashable")}) RETURNING rows",
            transaction))
        {
            Add(mark, "hashed", ChunkHashed);
            Add(mark, "node", node);
            Add(mark, "now", Now());
            Add(mark, "id", importId);
            Add(mark, "chunk", chunkNo);
            Add(mark, "claimed", ChunkClaimed);
            Add(mark, "worker", worker);
            AddSet(mark, "hashable", Hashable);
            var result = await mark.ExecuteScalarAsync(cancellationToken);
            if (result is null or DBNull)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
            rows = Convert.ToInt32(result, CultureInfo.InvariantCulture);
        }
        await using (var update = Command(connection,
            "UPDATE import_rows SET password_hash = @hash, password_protected = NULL WHERE import_id = @id AND row = @row", transaction))
        {
            Add(update, "id", importId);
            var hash = Add(update, "hash", null);
            var row = Add(update, "row", 0);
            await update.PrepareAsync(cancellationToken);
            foreach (var h in hashes)
            {
                hash.Value = (object?)h.Hash ?? DBNull.Value;
                row.Value = h.Row;
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var progress = Command(connection, "UPDATE imports SET hashed_rows = hashed_rows + @rows WHERE id = @id", transaction))
        {
            Add(progress, "rows", rows);
            Add(progress, "id", importId);
            await progress.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    protected override async Task InsertErrorRowsAsync(DbConnection connection, DbTransaction transaction, Guid importId, IReadOnlyList<ErrorRow> rows, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, "INSERT INTO import_error_rows (import_id, row, cells) VALUES (@import_id, @row, @cells)", transaction);
        Add(insert, "import_id", importId);
        var row = Add(insert, "row", 0);
        var cells = Add(insert, "cells", "[]");
        await insert.PrepareAsync(cancellationToken);
        foreach (var r in rows)
        {
            row.Value = r.Row;
            cells.Value = CellsJson(r.Cells);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
