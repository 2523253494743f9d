using System.Globalization;
using System.Security.Cryptography;

namespace Rostra.Storage;

/// <summary>Failed sign-ins, security stamps and API tokens: the same SQL on SQLite and PostgreSQL.</summary>
internal abstract partial class SqlStore
{
    /// <summary>How often a token's last use is written: often enough to read, rarely enough not to write per request.</summary>
    private static readonly TimeSpan LastUsedEvery = TimeSpan.FromMinutes(1);

    /// <summary>The public id of a token: the first 16 hex digits of its SHA-256 (as the migration gave existing tokens).</summary>
    internal static string TokenId(byte[] tokenHash) => Convert.ToHexStringLower(tokenHash)[..16];

    public async Task<DateTimeOffset?> GetSignInLockAsync(string username, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT locked_until FROM sign_in_failures WHERE username_key = @username_key AND locked_until > @now");
        Add(command, "username_key", Key(username));
        Add(command, "now", now);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) && !r.IsDBNull(0) ? r.GetFieldValue<DateTimeOffset>(0) : null;
    }

    public async Task<SignInFailures> RecordSignInFailureAsync(string username, int lockAfter, DateTimeOffset now, DateTimeOffset lockUntil, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lockAfter, 1);
        await using var connection = await OpenAsync(cancellationToken);
        // One statement: concurrent failures each add one, and whichever reaches a multiple of lockAfter sets the lock.
        await using var command = Command(connection,
            "INSERT INTO sign_in_failures (username_key, failures, locked_until, last_failed_at) " +
            "VALUES (@username_key, 1, CASE WHEN @lock_after = 1 THEN @lock_until END, @now) " +
            "ON CONFLICT (username_key) DO UPDATE SET " +
            "failures = sign_in_failures.failures + 1, " +
            "locked_until = CASE WHEN (sign_in_failures.failures + 1) % @lock_after = 0 THEN @lock_until ELSE sign_in_failures.locked_until END, " +
            "last_failed_at = @now " +
            "RETURNING failures, locked_until");
        Add(command, "username_key", Key(username));
        Add(command, "lock_after", lockAfter);
        Add(command, "lock_until", lockUntil);
        Add(command, "now", now);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        await r.ReadAsync(cancellationToken);
        return new SignInFailures(r.GetInt32(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1));
    }

    public async Task<bool> ClearSignInFailuresAsync(string username, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var clear = Command(connection,
            "DELETE FROM sign_in_failures WHERE username_key = @username_key AND (locked_until IS NULL OR locked_until <= @now)"))
        {
            Add(clear, "username_key", Key(username));
            Add(clear, "now", now);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        // What is left is a lock set before this sign-in's check (or by a failure counted meanwhile).
        await using var locked = Command(connection, "SELECT 1 FROM sign_in_failures WHERE username_key = @username_key AND locked_until > @now");
        Add(locked, "username_key", Key(username));
        Add(locked, "now", now);
        return await locked.ExecuteScalarAsync(cancellationToken) is null;
    }

    public async Task<bool> UnlockSignInAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sign_in_failures WHERE username_key = @username_key");
        Add(command, "username_key", Key(username));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<int> ForgetSignInFailuresAsync(DateTimeOffset quietSince, int unknownKeptAtMost, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unknownKeptAtMost);
        await using var connection = await OpenAsync(cancellationToken);
        int forgotten;
        await using (var expired = Command(connection,
            "DELETE FROM sign_in_failures WHERE last_failed_at < @quiet_since AND (locked_until IS NULL OR locked_until <= @now)"))
        {
            Add(expired, "quiet_since", quietSince);
            Add(expired, "now", now);
            forgotten = await expired.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var beyond = Command(connection,
            "DELETE FROM sign_in_failures WHERE username_key IN (" +
            "SELECT f.username_key FROM sign_in_failures f " +
            "WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.username_key = f.username_key) " +
            "ORDER BY f.last_failed_at DESC, f.username_key LIMIT 9223372036854775807 OFFSET @kept)");
        Add(beyond, "kept", unknownKeptAtMost);
        return forgotten + await beyond.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ChangeSecurityStampAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE users SET security_stamp = @stamp WHERE id = @id");
        Add(command, "stamp", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        Add(command, "id", userId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string> AddTokenAsync(long userId, byte[] tokenHash, string name, CancellationToken cancellationToken)
    {
        var id = TokenId(tokenHash);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO api_tokens (token_hash, user_id, created_at, id, name) VALUES (@token_hash, @user_id, @created_at, @id, @name)");
        Add(command, "token_hash", tokenHash);
        Add(command, "user_id", userId);
        Add(command, "created_at", Now());
        Add(command, "id", id);
        Add(command, "name", name.Trim());
        await ExecuteUniqueAsync(command, "This token already exists.", cancellationToken);
        return id;
    }

    public Task AddTokenAsync(long userId, byte[] tokenHash, CancellationToken cancellationToken) =>
        AddTokenAsync(userId, tokenHash, "", cancellationToken);

    public async Task<IReadOnlyList<ApiTokenInfo>> ListTokensAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = @user_id ORDER BY created_at DESC, id");
        Add(command, "user_id", userId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<ApiTokenInfo>();
        while (await r.ReadAsync(cancellationToken))
        {
            tokens.Add(new ApiTokenInfo(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3)));
        }
        return tokens;
    }

    public async Task<bool> RevokeTokenAsync(long userId, string tokenId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM api_tokens WHERE user_id = @user_id AND id = @id");
        Add(command, "user_id", userId);
        Add(command, "id", tokenId.Trim().ToLower(CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Notes a token's use, at most once per <see cref="LastUsedEvery"/>.</summary>
    private async Task TouchTokenAsync(System.Data.Common.DbConnection connection, byte[] tokenHash, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var command = Command(connection,
            "UPDATE api_tokens SET last_used_at = @now WHERE token_hash = @token_hash AND (last_used_at IS NULL OR last_used_at < @since)");
        Add(command, "now", now);
        Add(command, "since", now - LastUsedEvery);
        Add(command, "token_hash", tokenHash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
