using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Rostra.Core;
using Rostra.Core.Roster;
using Rostra.Storage.Migrations;

namespace Rostra.Storage.Postgres;

/// <summary>
/// The store on PostgreSQL through one <see cref="NpgsqlDataSource"/>. Several nodes may share the database:
/// migrations take an advisory lock, and an import's write is made safe against concurrent writers by
/// the unique indexes (see <see cref="WriteStagedImportAsync"/>).
/// </summary>
internal sealed class PostgresStore : SqlStore
{
    /// <summary>The advisory lock key of migrations ("Rostra" in ASCII); advisory locks are per database.</summary>
    private const long MigrationLock = 0x526F73747261;

    /// <summary>How often a write retries after a deadlock with another import before giving up.</summary>
    private const int WriteAttempts = 10;

    private const string StageColumns =
        "row, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, school_ids, program_ids";

    private readonly NpgsqlDataSource dataSource;

    public PostgresStore(string connectionString, TimeProvider? time = null) : base(time ?? TimeProvider.System)
    {
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override string Provider => "postgres";

    internal string ConnectionString => dataSource.ConnectionString;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (ConnectionOpened is not { } opened) return connection;
        try
        {
            await opened(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Nodes starting at once queue here; the lock goes with the transaction, even on a crash.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL)", connection, transaction))
            await create.ExecuteNonQueryAsync(cancellationToken);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var r = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken)) applied.Add(r.GetString(0));
        }

        foreach (var migration in Migration.For("Postgres").Where(m => !applied.Contains(m.Version)))
        {
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
                await apply.ExecuteNonQueryAsync(cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @applied_at)", connection, transaction);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("applied_at", Now());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    protected override bool IsUniqueViolation(DbException exception, out string? constraint)
    {
        constraint = (exception as PostgresException)?.ConstraintName;
        return exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
    }

    // A text[] or bigint[] parameter: one round trip whatever the count, and the index is used.
    protected override string InSet(string expression, string parameter) => $"{expression} = ANY({parameter})";

    protected override void AddSet<T>(DbCommand command, string name, IReadOnlyCollection<T> values) => Add(command, name, values.ToArray());

    protected override string BinaryCollation => " COLLATE \"C\"";

    // PostgreSQL would hash-join thousands of matches against a scan of every user (its cost model prices random
    // reads high); a lateral subquery it cannot flatten (OFFSET 0) keeps it to one primary-key lookup per match.
    protected override string FromMatchedUsers(string matches) =>
        $"FROM ({matches}) m CROSS JOIN LATERAL (SELECT id, district_id, username_key, active, roles FROM users WHERE users.id = m.id OFFSET 0) u WHERE TRUE";

    // Npgsql writes a timestamptz from a DateTimeOffset only at offset zero.
    protected override object ToDb(object value) => value is DateTimeOffset t ? t.ToUniversalTime() : value;

    protected override async Task InsertErrorsAsync(DbConnection connection, DbTransaction transaction, Guid importId, IReadOnlyList<ImportIssue> errors, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using var writer = await npgsql.BeginBinaryImportAsync(
            "COPY import_errors (import_id, seq, row, column_name, code, message, value) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var i = 0; i < errors.Count; i++)
        {
            var e = errors[i];
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(writer, e.Row, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(writer, e.Column, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(e.Code, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(e.Message, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.Value, NpgsqlDbType.Text, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>The planned changes of an update or sync by binary COPY: one stream per batch, not one INSERT per row.</summary>
    protected override async Task InsertPlanChangesAsync(DbConnection connection, DbTransaction transaction, Guid importId, int firstSeq, IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        await using var writer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY import_changes (import_id, seq, row, user_id, username, action, version, changes) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var i = 0; i < changes.Count; i++)
        {
            var c = changes[i];
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(firstSeq + i, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(writer, c.Row, NpgsqlDbType.Integer, cancellationToken);
            if (c.UserId is { } user) await writer.WriteAsync(user, NpgsqlDbType.Bigint, cancellationToken);
            else await writer.WriteNullAsync(cancellationToken);
            await writer.WriteAsync(c.Username, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(c.Action.Slug(), NpgsqlDbType.Text, cancellationToken);
            if (c.Version is { } version) await writer.WriteAsync(version, NpgsqlDbType.Bigint, cancellationToken);
            else await writer.WriteNullAsync(cancellationToken);
            await writer.WriteAsync(ChangesJson(c.Changes), NpgsqlDbType.Text, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, int? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is { } v ? writer.WriteAsync(v, type, cancellationToken) : writer.WriteNullAsync(cancellationToken);

    /// <summary>
    /// The final write of a durable import: locks the import row (<c>FOR UPDATE</c>: a second writer, or a worker
    /// claiming it with <c>SKIP LOCKED</c>, cannot interleave; a CANCEL waits for the outcome), checks the claim, fills the
    /// stage from <c>import_rows</c> in one <c>INSERT … SELECT</c> (ids drawn from the users sequence on the way; a create
    /// import's rows all create, an update or sync's only those its plan creates), then checks and moves it (see
    /// <see cref="MoveCheckedStageAsync"/>) and deletes the staged rows, all in one transaction.
    /// </summary>
    public override async Task<WriteResult> WriteStagedImportAsync(ImportWrite write, string worker, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await CanWriteStagedAsync(connection, transaction, write, worker, " FOR UPDATE", cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new WriteResult(false, 0, []);
        }
        bool create;
        await using (var mode = new NpgsqlCommand("SELECT mode FROM imports WHERE id = @id", connection, transaction))
        {
            mode.Parameters.AddWithValue("id", write.ImportId);
            create = (await mode.ExecuteScalarAsync(cancellationToken) as string ?? ImportMode.Create.Slug()) == ImportMode.Create.Slug();
        }
        await CreateStageAsync(connection, transaction, cancellationToken);
        int count;
        await using (var fill = new NpgsqlCommand(
            $"INSERT INTO import_stage ({StageColumns}) " +
            "SELECT row, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, " +
            "ARRAY(SELECT json_array_elements_text(school_ids::json)), @programs " +
            $"FROM import_rows r WHERE r.import_id = @id{(create ? "" : CreateRowsOnly)} ORDER BY row",
            connection, transaction))
        {
            fill.Parameters.AddWithValue("programs", write.ProgramId is null ? Array.Empty<string>() : new[] { write.ProgramId });
            fill.Parameters.AddWithValue("id", write.ImportId);
            count = await fill.ExecuteNonQueryAsync(cancellationToken);
        }
        return await MoveCheckedStageAsync(connection, transaction, write, count,
            ct => FinishStagedAsync(connection, transaction, write.ImportId, ct), beforeCommit, create, cancellationToken);
    }

    private static async Task CreateStageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var stage = new NpgsqlCommand(
            "CREATE TEMP TABLE import_stage (" +
            "id bigint NOT NULL DEFAULT nextval('users_id_seq'), row integer NOT NULL, username text NOT NULL, username_key text NOT NULL, " +
            "first_name text NOT NULL, last_name text, email text, email_key text, roles text NOT NULL, grade text, password_hash text, " +
            "school_ids text[] NOT NULL, program_ids text[] NOT NULL) ON COMMIT DROP",
            connection, transaction);
        await stage.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// With the stage filled: finds every conflict with one set-based query, then moves the stage into users,
    /// user_schools and user_programs. The stage lives before a savepoint: when a concurrent import commits a clashing
    /// name first, the insert fails on the unique index (after waiting for that commit), the write rolls back to the
    /// savepoint, and the conflict query, run again, now reports every clash with its row. A deadlock between two
    /// imports is retried the same way. Nothing is ever half-written: either the commit or a rollback.
    /// A create import's first try goes straight to the insert: validation checked every name, so a clash is one taken
    /// since, and the unique indexes catch it just the same; the conflict query then runs on the next try.
    /// </summary>
    private async Task<WriteResult> MoveCheckedStageAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ImportWrite write, int count,
        Func<CancellationToken, Task>? after, Func<CancellationToken, Task>? beforeCommit, bool create, CancellationToken cancellationToken)
    {
        // The plan's and the conflict query's joins are planned with the stage's statistics.
        if (!create) await AnalyzeStageAsync(connection, transaction, cancellationToken);
        await transaction.SaveAsync("users_write", cancellationToken);

        for (var attempt = 1; ; attempt++)
        {
            // An update or sync: its updates, reactivations and deactivations first, then its creates as any import's.
            var written = 0;
            var creates = count;
            if (!create)
            {
                List<ImportIssue>? planErrors;
                try
                {
                    (planErrors, written) = await ApplyPlanAsync(connection, transaction, write.ImportId, write.DistrictId, write.ProgramId, cancellationToken);
                    if (planErrors is null) creates -= await DropPlannedFromStageAsync(connection, transaction, write.ImportId, cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected && attempt < WriteAttempts)
                {
                    await transaction.RollbackAsync("users_write", cancellationToken);
                    continue;
                }
                if (planErrors is not null)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return new WriteResult(false, 0, planErrors);
                }
            }
            if (!create || attempt > 1)
            {
                // Statistics taken after the savepoint go with a rollback to it: taken again on each try.
                if (create) await AnalyzeStageAsync(connection, transaction, cancellationToken);
                var conflicts = await FindStageConflictsAsync(connection, transaction, cancellationToken);
                if (conflicts.Count > 0)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return new WriteResult(false, 0, conflicts);
                }
            }
            try
            {
                write.Written?.Report(written);
                await MoveStageAsync(connection, transaction, write, written, cancellationToken);
                if (!await CompleteImportAsync(connection, transaction, write, creates + written, cancellationToken))
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return new WriteResult(false, 0, []);
                }
                if (after is not null) await after(cancellationToken);
                if (beforeCommit is not null) await beforeCommit(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new WriteResult(true, creates + written, []);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected && attempt < WriteAttempts)
            {
                // Another writer committed a clashing name (the next conflict query sees it) or we were
                // chosen as a deadlock victim (the other writer goes on; the retry then waits for it).
                await transaction.RollbackAsync("users_write", cancellationToken);
            }
        }
    }

    private static async Task AnalyzeStageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var analyze = new NpgsqlCommand("ANALYZE import_stage", connection, transaction);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override string SkipLocked(string alias) => $" FOR UPDATE OF {alias} SKIP LOCKED";

    protected override string JsonEach(string json, string alias) => $"json_array_elements_text(({json})::json) AS {alias}(value)";

    protected override string JsonAgg(string expression) => $"json_agg({expression})::text";

    protected override string IdList(string table, string column, string userId) =>
        $"(SELECT string_agg({column}, chr(31) ORDER BY {column}) FROM {table} WHERE user_id = {userId})";

    /// <summary>
    /// The district's schools and programs grouped once each and joined to its users (hash joins over three scans), not a
    /// subquery per user: a million index look-ups of each would take most of a large plan's time.
    /// </summary>
    protected override Task<string> DistrictUsersQueryAsync(DbConnection connection, string districtId, CancellationToken cancellationToken) =>
        Task.FromResult(
            "SELECT u.id, u.district_id, u.username, u.first_name, u.last_name, u.email, u.roles, u.grade, u.active, u.version, s.ids, p.ids " +
            "FROM users u " +
            "LEFT JOIN (SELECT user_id, string_agg(school_id, chr(31) ORDER BY school_id) AS ids FROM user_schools WHERE district_id = @district_id GROUP BY user_id) s ON s.user_id = u.id " +
            "LEFT JOIN (SELECT user_id, string_agg(program_id, chr(31) ORDER BY program_id) AS ids FROM user_programs WHERE district_id = @district_id GROUP BY user_id) p ON p.user_id = u.id " +
            "WHERE u.district_id = @district_id");

    protected override string LockUsers(string alias) => $" FOR UPDATE OF {alias}";

    protected override string LockRow => " FOR UPDATE";

    /// <remarks>
    /// The import is checked once, not row by row (migration 012): it must exist, and is locked as a foreign key
    /// would lock it, so it cannot be deleted before the batch commits.
    /// </remarks>
    protected override async Task InsertStagedRowsAsync(DbConnection connection, DbTransaction transaction, Guid importId, string districtId, IReadOnlyList<(int ChunkNo, NewUser User)> rows, CancellationToken cancellationToken)
    {
        await using (var import = new NpgsqlCommand("SELECT 1 FROM imports WHERE id = @id FOR KEY SHARE", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction))
        {
            import.Parameters.AddWithValue("id", importId);
            if (await import.ExecuteScalarAsync(cancellationToken) is null)
                throw new InvalidOperationException($"Import {importId} does not exist: its rows cannot be staged.");
        }
        await using var writer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY import_rows (import_id, row, district_id, chunk_no, username, username_key, first_name, last_name, email, email_key, roles, grade, school_ids, password_protected) " +
            "FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (chunkNo, row) in rows)
        {
            var ciphertext = CiphertextOf(row);
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(row.Row ?? throw new ArgumentException("A staged row has its row number.", nameof(rows)), NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(districtId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(chunkNo, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(row.Username, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Key(row.Username), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.FirstName, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, row.LastName, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, row.Email, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, row.Email is null ? null : Key(row.Email), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(JoinRoles(row.Roles), NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, row.Grade?.ToString(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(SchoolIdsJson(row.SchoolIds), NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, ciphertext, NpgsqlDbType.Text, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <remarks>
    /// One statement, so one round trip: the chunk is marked first (while this worker still holds it and the import is
    /// hashable), and only then are its rows and the import's count written. The rows are the chunk's own (its index),
    /// updated in place: import_rows leaves room on each page (migration 012), so no index changes.
    /// </remarks>
    public override async Task<bool> SaveChunkHashesAsync(Guid importId, int chunkNo, string worker, string node, IReadOnlyList<RowHash> hashes, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "WITH chunk AS (" +
            " UPDATE import_chunks SET status = @hashed, hashed_by = @node, hashed_at = @now, lease_until = NULL" +
            " WHERE import_id = @id AND chunk_no = @chunk AND status = @claimed AND claimed_by = @worker" +
            " AND EXISTS (SELECT 1 FROM imports i WHERE i.id = @id AND i.status = ANY(@hashable)) RETURNING rows)," +
            " hashed AS (" +
            " UPDATE import_rows r SET password_hash = x.hash, password_protected = NULL FROM unnest(@rows, @hashes) AS x(row, hash)" +
            " WHERE r.import_id = @id AND r.chunk_no = @chunk AND r.row = x.row AND EXISTS (SELECT 1 FROM chunk))," +
            " progress AS (UPDATE imports SET hashed_rows = hashed_rows + chunk.rows FROM chunk WHERE imports.id = @id) " +
            "SELECT rows FROM chunk",
            connection);
        command.Parameters.AddWithValue("hashed", ChunkHashed);
        command.Parameters.AddWithValue("node", node);
        command.Parameters.AddWithValue("now", Now());
        command.Parameters.AddWithValue("id", importId);
        command.Parameters.AddWithValue("chunk", chunkNo);
        command.Parameters.AddWithValue("claimed", ChunkClaimed);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("hashable", Hashable);
        command.Parameters.AddWithValue("rows", hashes.Select(h => h.Row).ToArray());
        command.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = hashes.Select(h => (object?)h.Hash ?? DBNull.Value).ToArray() });
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    protected override async Task InsertErrorRowsAsync(DbConnection connection, DbTransaction transaction, Guid importId, IReadOnlyList<ErrorRow> rows, CancellationToken cancellationToken)
    {
        await using var writer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY import_error_rows (import_id, row, cells) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(row.Row, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(CellsJson(row.Cells), NpgsqlDbType.Text, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <remarks>
    /// In batches of <see cref="SqlStore.MoveBatch"/> stage rows by <c>row</c> (the file's order), each one telling
    /// <see cref="ImportWrite.Written"/> the users written so far, after the <paramref name="written"/> the plan wrote. A
    /// stage larger than one batch is indexed by row first, so each batch reads only its own rows.
    /// </remarks>
    private static async Task MoveStageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImportWrite write, int written, CancellationToken cancellationToken)
    {
        int firstRow, lastRow;
        await using (var range = new NpgsqlCommand("SELECT COALESCE(MIN(row), 0), COALESCE(MAX(row), -1) FROM import_stage", connection, transaction))
        await using (var r = await range.ExecuteReaderAsync(cancellationToken))
        {
            await r.ReadAsync(cancellationToken);
            (firstRow, lastRow) = (r.GetInt32(0), r.GetInt32(1));
        }
        if (lastRow - firstRow >= MoveBatch)
        {
            await using var index = new NpgsqlCommand("CREATE INDEX ON import_stage (row)", connection, transaction);
            await index.ExecuteNonQueryAsync(cancellationToken);
        }
        string[] statements =
        [
            "INSERT INTO users (id, district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, failed_logins, created_at, import_id) " +
            "SELECT id, @district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, 0, now(), @import_id FROM import_stage " +
            "WHERE row >= @from AND row < @to ORDER BY row",
            "INSERT INTO user_schools (district_id, user_id, school_id) " +
            "SELECT @district_id, s.id, x.school_id FROM import_stage s CROSS JOIN LATERAL unnest(s.school_ids) AS x(school_id) WHERE s.row >= @from AND s.row < @to",
            "INSERT INTO user_programs (district_id, user_id, program_id) " +
            "SELECT @district_id, s.id, x.program_id FROM import_stage s CROSS JOIN LATERAL unnest(s.program_ids) AS x(program_id) WHERE s.row >= @from AND s.row < @to",
        ];
        for (var from = firstRow; from <= lastRow; from += MoveBatch)
        {
            for (var i = 0; i < statements.Length; i++)
            {
                await using var command = new NpgsqlCommand(statements[i], connection, transaction);
                command.Parameters.AddWithValue("district_id", write.DistrictId);
                command.Parameters.AddWithValue("import_id", write.ImportId);
                command.Parameters.AddWithValue("from", from);
                command.Parameters.AddWithValue("to", from + MoveBatch);
                var rows = await command.ExecuteNonQueryAsync(cancellationToken);
                if (i == 0) written += rows;
            }
            write.Written?.Report(written);
        }
    }
}
