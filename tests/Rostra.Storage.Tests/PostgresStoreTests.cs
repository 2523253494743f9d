using Npgsql;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Storage.Tests;

/// <summary>What only PostgreSQL has: several writers committing at the same time.</summary>
public sealed partial class PostgresStoreTests
{
    [Fact]
    public async Task Concurrent_imports_that_both_pass_their_checks_still_end_with_exactly_one_success()
    {
        await SeedDistrictAsync();
        var first = await CreateImportAsync();
        var second = await CreateImportAsync();
        // The test holds the users table for reading: both final writes check for conflicts, find none (neither has
        // written yet), and wait at their insert. Then both go on: the loser meets the other's names on the unique index.
        await using var holder = new NpgsqlConnection(ConnectionString);
        await holder.OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await using (var share = new NpgsqlCommand("LOCK TABLE users IN SHARE MODE", holder, hold)) await share.ExecuteNonQueryAsync();

        var writes = Task.WhenAll(
            Task.Run(() => WriteAsync(first, OverlappingFirst)),
            Task.Run(() => WriteAsync(second, OverlappingSecond)));
        await WaitUntilBackendsWaitOnALockAsync(2);
        await hold.RollbackAsync();
        var results = await writes;

        await AssertExactlyOneSucceededAsync(results, first, second);
    }

    [Fact]
    public async Task A_write_blocked_by_an_uncommitted_clashing_user_fails_with_the_conflict_once_that_user_commits()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync();
        await using var other = new NpgsqlConnection(ConnectionString);
        await using var otherTransaction = await InsertUncommittedClashAsync(other);

        var write = WriteAsync(import, [Student("first", 2), Student("CLASH", 3), Student("last", 4)]);
        await WaitUntilABackendWaitsOnALockAsync();
        Assert.False(write.IsCompleted);
        await otherTransaction.CommitAsync();
        var result = await write;

        Assert.False(result.Succeeded);
        Assert.Equal([Issues.UsernameTaken(3, "CLASH")], result.Errors);
        Assert.Equal(1, await CountUsersAsync());
        Assert.Equal(ImportStatus.Importing, (await Store.GetImportAsync(District, import.Id, Ct))!.Status);
    }

    [Fact]
    public async Task A_write_blocked_by_an_uncommitted_clashing_user_succeeds_when_that_user_rolls_back()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync();
        await using var other = new NpgsqlConnection(ConnectionString);
        await using var otherTransaction = await InsertUncommittedClashAsync(other);

        var write = WriteAsync(import, [Student("first", 2), Student("CLASH", 3)]);
        await WaitUntilABackendWaitsOnALockAsync();
        await otherTransaction.RollbackAsync();
        var result = await write;

        Assert.True(result.Succeeded);
        Assert.Equal(2, await CountUsersAsync());
    }

    /// <summary>Opens <paramref name="other"/> and inserts the user <c>Clash</c> there in a transaction it leaves open.</summary>
    private static async Task<NpgsqlTransaction> InsertUncommittedClashAsync(NpgsqlConnection other)
    {
        await other.OpenAsync();
        var transaction = await other.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO users (district_id, username, username_key, first_name, roles, created_at) VALUES ('lincoln-usd', 'Clash', 'clash', 'C', 'student', now())",
            other, transaction);
        await insert.ExecuteNonQueryAsync();
        return transaction;
    }

    private Task WaitUntilABackendWaitsOnALockAsync() => WaitUntilBackendsWaitOnALockAsync(1);

    private async Task WaitUntilBackendsWaitOnALockAsync(int backends)
    {
        await using var monitor = new NpgsqlConnection(ConnectionString);
        await monitor.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", monitor);
            if ((long)(await command.ExecuteScalarAsync())! >= backends) return;
            await Task.Delay(20);
        }
        Assert.Fail("The write never waited on the uncommitted user's index entry.");
    }
}
