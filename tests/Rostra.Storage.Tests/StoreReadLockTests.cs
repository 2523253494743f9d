using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Rostra.Core;

namespace Rostra.Storage.Tests;

/// <summary>What only reads never waits for a write in progress (an import's staging or final write) to end.</summary>
public abstract partial class StoreTests
{
    [Fact]
    public async Task The_revert_check_of_the_history_page_answers_while_another_connection_holds_a_write_transaction_open()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Completed);
        await using var writer = await OpenWriterAsync();
        await using var write = await writer.BeginTransactionAsync(Ct);
        await using (var update = writer.CreateCommand())
        {
            update.Transaction = write;
            update.CommandText = "UPDATE imports SET message = 'held' WHERE district_id = 'nobody'";
            await update.ExecuteNonQueryAsync(Ct);
        }

        // On its own thread: were it to wait for the write lock, the test fails on the bound instead of hanging.
        var check = await Task.Run(() => Store.CanRevertImportAsync(District, import.Id, TimeSpan.FromDays(30), Ct)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(check.Succeeded);
        Assert.Equal(System.Data.ConnectionState.Open, writer.State);
        await write.RollbackAsync(Ct);
    }

    /// <summary>A connection of its own whose transactions take the write lock at BEGIN (SQLite: IMMEDIATE).</summary>
    private async Task<DbConnection> OpenWriterAsync()
    {
        DbConnection connection = StoreFactory.ProviderOf(ConnectionString) == "postgres"
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ConnectionString, Pooling = false, DefaultTimeout = 1 }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}
