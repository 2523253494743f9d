using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Storage;

/// <summary>Imports as durable jobs: the SQL both providers share. Locking and bulk paths are the providers'.</summary>
internal abstract partial class SqlStore
{
    /// <summary>Chunk states.</summary>
    protected const string ChunkPending = "pending";
    protected const string ChunkClaimed = "claimed";
    protected const string ChunkHashed = "hashed";

    /// <summary>What <see cref="GetStagedRowsAsync"/> reads of a staged row: never its password.</summary>
    private const string StagedColumns =
        "row, district_id, username, first_name, last_name, email, roles, grade, school_ids";

    /// <summary>
    /// Appended to a sub-SELECT that picks work: PostgreSQL skips rows another transaction has locked
    /// (<c>FOR UPDATE OF alias SKIP LOCKED</c>); SQLite has one writer at a time and needs nothing.
    /// </summary>
    protected abstract string SkipLocked(string alias);

    /// <summary>Bulk-inserts staged rows inside <paramref name="transaction"/>; each password through <see cref="CiphertextOf"/>.</summary>
    protected abstract Task InsertStagedRowsAsync(DbConnection connection, DbTransaction transaction, Guid importId, string districtId, IReadOnlyList<(int ChunkNo, NewUser User)> rows, CancellationToken cancellationToken);

    /// <summary>The ciphertext a staged row keeps: a plaintext (or an already hashed) password is never staged.</summary>
    protected static string? CiphertextOf(NewUser user) => user.Password switch
    {
        null => null,
        Secret.Protected p => p.Ciphertext,
        _ => throw new ArgumentException($"Row {user.Row}: only a protected password is staged.", nameof(user)),
    };

    /// <summary>The hash a user is added with: a plaintext (or protected) password is never stored.</summary>
    protected static string? HashOf(NewUser user) => user.Password switch
    {
        null => null,
        Secret.Hash h => h.Encoded,
        _ => throw new ArgumentException($"User {user.Username}: a user is added with a hashed password or none.", nameof(user)),
    };

    /// <summary>Bulk-inserts error rows inside <paramref name="transaction"/>.</summary>
    protected abstract Task InsertErrorRowsAsync(DbConnection connection, DbTransaction transaction, Guid importId, IReadOnlyList<ErrorRow> rows, CancellationToken cancellationToken);

    public abstract Task<WriteResult> WriteStagedImportAsync(ImportWrite write, string worker, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken);

    private static readonly string[] Open = [ImportStatus.Validating, ImportStatus.Valid, ImportStatus.Importing];
    /// <summary>The import states in which chunks are hashed.</summary>
    protected static readonly string[] Hashable = [ImportStatus.Valid, ImportStatus.Importing];

    public async Task<bool> RenewImportLeaseAsync(Guid importId, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"UPDATE imports SET claimed_by = @worker, lease_until = @lease WHERE id = @id AND {InSet("status", "@open")} " +
            "AND (claimed_by IS NULL OR claimed_by = @worker OR lease_until IS NULL OR lease_until < @now)");
        Add(command, "worker", worker);
        Add(command, "lease", leaseUntil);
        Add(command, "id", importId);
        Add(command, "now", Now());
        AddSet(command, "open", Open);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> RenewImportLeasesAsync(IReadOnlyCollection<Guid> importIds, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (importIds.Count == 0) return 0;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"UPDATE imports SET lease_until = @lease WHERE {InSet("id", "@ids")} AND status = @validating AND claimed_by = @worker");
        Add(command, "lease", leaseUntil);
        AddSet(command, "ids", importIds);
        Add(command, "validating", ImportStatus.Validating);
        Add(command, "worker", worker);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task StageRowsAsync(Guid importId, string districtId, IReadOnlyList<(int ChunkNo, NewUser User)> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertStagedRowsAsync(connection, transaction, importId, districtId, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> CompleteStagingAsync(Guid importId, int rows, IReadOnlyList<ImportIssue> warnings, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = Command(connection,
            "UPDATE imports SET status = @valid, rows = @rows, processed_rows = @rows, error_count = 0, warnings = @warnings, hashed_rows = 0, " +
            "claimed_by = NULL, lease_until = NULL, updated_at = @now WHERE id = @id AND status = @validating", transaction))
        {
            Add(update, "valid", ImportStatus.Valid);
            Add(update, "rows", rows);
            Add(update, "warnings", JsonSerializer.Serialize(warnings, Json));
            Add(update, "now", Now());
            Add(update, "id", importId);
            Add(update, "validating", ImportStatus.Validating);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }
        await using (var chunks = Command(connection,
            "INSERT INTO import_chunks (import_id, chunk_no, district_id, first_row, last_row, rows, status) " +
            "SELECT import_id, chunk_no, MIN(district_id), MIN(row), MAX(row), COUNT(*), @pending FROM import_rows WHERE import_id = @id GROUP BY import_id, chunk_no",
            transaction))
        {
            Add(chunks, "pending", ChunkPending);
            Add(chunks, "id", importId);
            await chunks.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var count = Command(connection,
            "UPDATE imports SET chunks = (SELECT COUNT(*) FROM import_chunks WHERE import_id = @id) WHERE id = @id", transaction))
        {
            Add(count, "id", importId);
            await count.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task SaveErrorRowsAsync(Guid importId, IReadOnlyList<string> header, IReadOnlyList<ErrorRow> rows, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = Command(connection, "UPDATE imports SET header = @header WHERE id = @id", transaction))
        {
            Add(update, "header", JsonSerializer.Serialize(header, Json));
            Add(update, "id", importId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var delete = Command(connection, "DELETE FROM import_error_rows WHERE import_id = @id", transaction))
        {
            Add(delete, "id", importId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        if (rows.Count > 0) await InsertErrorRowsAsync(connection, transaction, importId, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>?> GetImportHeaderAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT header FROM imports WHERE id = @id");
        Add(command, "id", importId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? JsonSerializer.Deserialize<List<string>>(json, Json) : null;
    }

    public async IAsyncEnumerable<ErrorRow> ReadErrorRowsAsync(Guid importId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT row, cells FROM import_error_rows WHERE import_id = @id ORDER BY row");
        Add(command, "id", importId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            yield return new ErrorRow(r.GetInt32(0), JsonSerializer.Deserialize<List<string?>>(r.GetString(1), Json) ?? []);
    }

    public Task<ChunkClaim?> ClaimChunkAsync(string worker, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimChunkAsync(null, worker, lease, cancellationToken);

    public Task<ChunkClaim?> ClaimChunkOfAsync(Guid importId, string worker, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimChunkAsync(importId, worker, lease, cancellationToken);

    private async Task<ChunkClaim?> ClaimChunkAsync(Guid? importId, string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Confirmed (importing) imports first: hashing before CONFIRM only gets the workers nothing confirmed needs.
        // Within each, fair shares: the district, then the import, with the fewest chunks in flight (claimed under a
        // live lease) goes first, then the oldest import. The sub-SELECT skips chunks another worker is claiming right now.
        await using var command = Command(connection,
            "UPDATE import_chunks SET status = @claimed, claimed_by = @worker, lease_until = @lease " +
            "WHERE (import_id, chunk_no) = (" +
            " SELECT c.import_id, c.chunk_no FROM import_chunks c JOIN (" +
            "  SELECT b.id, b.created_at, b.unconfirmed, b.busy, SUM(b.busy) OVER (PARTITION BY b.district_id) AS district_busy FROM (" +
            "   SELECT i.id, i.district_id, i.created_at, CASE WHEN i.status = @importing THEN 0 ELSE 1 END AS unconfirmed," +
            "    (SELECT COUNT(*) FROM import_chunks f WHERE f.import_id = i.id AND f.status = @claimed AND f.lease_until >= @now) AS busy" +
            $"   FROM imports i WHERE {InSet("i.status", "@hashable")}) b) r ON r.id = c.import_id" +
            " WHERE c.status <> @hashed AND (c.status = @pending OR c.lease_until < @now)" +
            (importId is null ? "" : " AND c.import_id = @only") +
            " ORDER BY r.unconfirmed, r.district_busy, r.busy, r.created_at, c.import_id, c.chunk_no" +
            $" LIMIT 1{SkipLocked("c")}) " +
            "RETURNING import_id, district_id, chunk_no, rows");
        var now = Now();
        var until = now + lease;
        Add(command, "claimed", ChunkClaimed);
        Add(command, "worker", worker);
        Add(command, "lease", until);
        Add(command, "hashed", ChunkHashed);
        Add(command, "pending", ChunkPending);
        Add(command, "now", now);
        AddSet(command, "hashable", Hashable);
        Add(command, "importing", ImportStatus.Importing);
        if (importId is { } only) Add(command, "only", only);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? new ChunkClaim(r.GetGuid(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), until) : null;
    }

    public async Task<bool> RenewChunkLeaseAsync(Guid importId, int chunkNo, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "UPDATE import_chunks SET lease_until = @lease WHERE import_id = @id AND chunk_no = @chunk AND status = @claimed AND claimed_by = @worker " +
            $"AND EXISTS (SELECT 1 FROM imports i WHERE i.id = @id AND {InSet("i.status", "@hashable")})");
        Add(command, "lease", leaseUntil);
        Add(command, "id", importId);
        Add(command, "chunk", chunkNo);
        Add(command, "claimed", ChunkClaimed);
        Add(command, "worker", worker);
        AddSet(command, "hashable", Hashable);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task SaveChunkProgressAsync(Guid importId, int chunkNo, string worker, int doneRows, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "UPDATE import_chunks SET done_rows = @done WHERE import_id = @id AND chunk_no = @chunk AND status = @claimed AND claimed_by = @worker");
        Add(command, "done", doneRows);
        Add(command, "id", importId);
        Add(command, "chunk", chunkNo);
        Add(command, "claimed", ChunkClaimed);
        Add(command, "worker", worker);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StagedPassword>> GetChunkPasswordsAsync(Guid importId, int chunkNo, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT row, password_protected FROM import_rows WHERE import_id = @id AND chunk_no = @chunk ORDER BY row");
        Add(command, "id", importId);
        Add(command, "chunk", chunkNo);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StagedPassword>();
        while (await r.ReadAsync(cancellationToken)) rows.Add(new StagedPassword(r.GetInt32(0), NullableString(r, 1)));
        return rows;
    }

    /// <summary>
    /// Marks a chunk hashed with its rows' hashes, their protected passwords erased, and adds its rows to the import's
    /// hashed rows: all or nothing, and only while <paramref name="worker"/> still holds the chunk and the import is
    /// <c>valid</c> or <c>importing</c>. False (nothing written) otherwise.
    /// </summary>
    public abstract Task<bool> SaveChunkHashesAsync(Guid importId, int chunkNo, string worker, string node, IReadOnlyList<RowHash> hashes, CancellationToken cancellationToken);

    public Task<ImportRecord?> ClaimFinalWriteAsync(string worker, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimFinalWriteAsync(null, worker, lease, cancellationToken);

    public Task<ImportRecord?> ClaimFinalWriteOfAsync(Guid importId, string worker, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimFinalWriteAsync(importId, worker, lease, cancellationToken);

    private async Task<ImportRecord?> ClaimFinalWriteAsync(Guid? importId, string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "UPDATE imports SET claimed_by = @worker, lease_until = @lease " +
            "WHERE id = (SELECT i.id FROM imports i WHERE i.status = @importing AND i.chunks IS NOT NULL " +
            " AND (i.lease_until IS NULL OR i.lease_until < @now OR i.claimed_by = @worker) " +
            (importId is null ? "" : " AND i.id = @only") +
            " AND NOT EXISTS (SELECT 1 FROM import_chunks c WHERE c.import_id = i.id AND c.status <> @hashed) " +
            $" ORDER BY i.updated_at, i.id LIMIT 1{SkipLocked("i")}) " +
            $"RETURNING {ImportColumns}");
        var now = Now();
        Add(command, "worker", worker);
        Add(command, "lease", now + lease);
        Add(command, "importing", ImportStatus.Importing);
        Add(command, "now", now);
        Add(command, "hashed", ChunkHashed);
        if (importId is { } only) Add(command, "only", only);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadImport(r) : null;
    }

    public async Task<IReadOnlyList<NewUser>> GetStagedRowsAsync(Guid importId, IReadOnlyCollection<int> rows, CancellationToken cancellationToken)
    {
        var result = new List<NewUser>();
        if (rows.Count == 0) return result;
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in rows.Distinct().Chunk(LookupChunk))
        {
            await using var command = Command(connection,
                $"SELECT {StagedColumns} FROM import_rows WHERE import_id = @id AND {InSet("row", "@rows")} ORDER BY row");
            Add(command, "id", importId);
            AddSet(command, "rows", chunk);
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                result.Add(new NewUser(
                    r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), NullableString(r, 5),
                    SplitRoles(r.GetString(6)), r.IsDBNull(7) ? null : Grade.Parse(r.GetString(7)),
                    JsonSerializer.Deserialize<List<string>>(r.GetString(8), Json) ?? [], [], null, r.GetInt32(0)));
            }
        }
        return result.OrderBy(x => x.Row).ToList();
    }

    public async Task PurgeStagedRowsAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM import_rows WHERE import_id = @id");
        Add(command, "id", importId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> FailAbandonedImportsAsync(string claimPrefix, string message, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "UPDATE imports SET status = @failed, message = @message, claimed_by = NULL, lease_until = NULL, updated_at = @now " +
            $"WHERE {InSet("status", "@open")} AND claimed_by LIKE @prefix ESCAPE '\\' AND lease_until IS NOT NULL AND lease_until < @now");
        Add(command, "failed", ImportStatus.Failed);
        Add(command, "message", message);
        Add(command, "now", Now());
        Add(command, "prefix", EscapeLike(claimPrefix) + "%");
        AddSet(command, "open", Open);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<HousekeepingResult> HousekeepAsync(string staleValidationMessage, TimeSpan validExpiry, string expiredMessage, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var now = Now();
        int failed, expired, purged;
        await using (var stale = Command(connection,
            "UPDATE imports SET status = @failed, message = @message, claimed_by = NULL, lease_until = NULL, updated_at = @now " +
            "WHERE status = @validating AND lease_until IS NOT NULL AND lease_until < @now"))
        {
            Add(stale, "failed", ImportStatus.Failed);
            Add(stale, "message", staleValidationMessage);
            Add(stale, "now", now);
            Add(stale, "validating", ImportStatus.Validating);
            failed = await stale.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var expire = Command(connection,
            "UPDATE imports SET status = @cancelled, message = @message, updated_at = @now " +
            "WHERE status = @valid AND chunks IS NOT NULL AND updated_at < @cutoff"))
        {
            Add(expire, "cancelled", ImportStatus.Cancelled);
            Add(expire, "message", expiredMessage);
            Add(expire, "now", now);
            Add(expire, "valid", ImportStatus.Valid);
            Add(expire, "cutoff", now - validExpiry);
            expired = await expire.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var purge = Command(connection,
            "DELETE FROM import_rows WHERE import_id IN (" +
            $" SELECT i.id FROM imports i WHERE NOT ({InSet("i.status", "@open")}) AND EXISTS (SELECT 1 FROM import_rows r WHERE r.import_id = i.id))"))
        {
            AddSet(purge, "open", Open);
            purged = await purge.ExecuteNonQueryAsync(cancellationToken);
        }
        return new HousekeepingResult(failed, expired, purged);
    }

    public async Task<IReadOnlyList<ChunkInfo>> GetImportChunksAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT chunk_no, first_row, last_row, rows, status, claimed_by, hashed_by, hashed_at, done_rows FROM import_chunks WHERE import_id = @id ORDER BY chunk_no");
        Add(command, "id", importId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var chunks = new List<ChunkInfo>();
        while (await r.ReadAsync(cancellationToken))
        {
            chunks.Add(new ChunkInfo(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4),
                NullableString(r, 5), NullableString(r, 6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.GetInt32(8)));
        }
        return chunks;
    }

    public async Task<IReadOnlyList<string>> GetDataProtectionKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name");
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<string>();
        while (await r.ReadAsync(cancellationToken)) keys.Add(r.GetString(0));
        return keys;
    }

    public async Task StoreDataProtectionKeyAsync(string friendlyName, string xml, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @now)");
        Add(command, "name", friendlyName);
        Add(command, "xml", xml);
        Add(command, "now", Now());
        await ExecuteUniqueAsync(command, $"A Data Protection key named '{friendlyName}' already exists.", cancellationToken);
    }

    /// <summary>The JSON array a staged row keeps its School IDs in.</summary>
    protected static string SchoolIdsJson(IReadOnlyList<string> schoolIds) => JsonSerializer.Serialize(schoolIds.Distinct(StringComparer.Ordinal));

    /// <summary>The JSON array of an error row's cells.</summary>
    protected static string CellsJson(IReadOnlyList<string?> cells) => JsonSerializer.Serialize(cells, Json);

    /// <summary>
    /// Inside a final write's transaction: true when <paramref name="worker"/> holds the import, it is still
    /// <c>importing</c>, and every chunk is hashed. <paramref name="lockRow"/> adds the provider's row lock.
    /// </summary>
    protected async Task<bool> CanWriteStagedAsync(DbConnection connection, DbTransaction transaction, ImportWrite write, string worker, string lockRow, CancellationToken cancellationToken)
    {
        await using (var check = Command(connection,
            $"SELECT status, claimed_by FROM imports WHERE id = @id AND district_id = @district_id{lockRow}", transaction))
        {
            Add(check, "id", write.ImportId);
            Add(check, "district_id", write.DistrictId);
            await using var r = await check.ExecuteReaderAsync(cancellationToken);
            if (!await r.ReadAsync(cancellationToken) || r.GetString(0) != ImportStatus.Importing || NullableString(r, 1) != worker) return false;
        }
        await using var open = Command(connection, "SELECT COUNT(*) FROM import_chunks WHERE import_id = @id AND status <> @hashed", transaction);
        Add(open, "id", write.ImportId);
        Add(open, "hashed", ChunkHashed);
        return Convert.ToInt32(await open.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0;
    }

    /// <summary>Inside a final write's transaction, once the users are in: the staged rows go and the claim is released.</summary>
    protected async Task FinishStagedAsync(DbConnection connection, DbTransaction transaction, Guid importId, CancellationToken cancellationToken)
    {
        await using (var delete = Command(connection, "DELETE FROM import_rows WHERE import_id = @id", transaction))
        {
            Add(delete, "id", importId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var release = Command(connection, "UPDATE imports SET claimed_by = NULL, lease_until = NULL WHERE id = @id", transaction);
        Add(release, "id", importId);
        await release.ExecuteNonQueryAsync(cancellationToken);
    }
}
