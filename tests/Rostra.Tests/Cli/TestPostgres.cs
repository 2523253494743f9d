using Npgsql;

namespace Rostra.Tests.Cli;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>ROSTRA_TEST_PG</c> (./test.sh starts one). A missing server
/// fails the test with a clear message: it is never skipped.
/// </summary>
public static class TestPostgres
{
    public static string AdminConnection =>
        Environment.GetEnvironmentVariable("ROSTRA_TEST_PG") is { Length: > 0 } s
            ? s
            : "Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres";

    /// <summary>Creates a fresh database and returns its connection string and name.</summary>
    public static async Task<(string Connection, string Name)> CreateDatabaseAsync()
    {
        var name = "rostra_cli_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var conn = new NpgsqlConnection(AdminConnection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{AdminConnection}' (set ROSTRA_TEST_PG, or run ./test.sh, which starts it): {e.Message}", e);
        }
        var builder = new NpgsqlConnectionStringBuilder(AdminConnection) { Database = name };
        return (builder.ConnectionString, name);
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(AdminConnection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
