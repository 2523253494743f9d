using Npgsql;

namespace Rostra.TestSupport;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>ROSTRA_TEST_PG</c> (./test.sh and scripts/postgres.sh start one).
/// A missing server fails the test with a clear message: it is never skipped.
/// </summary>
public static class TestPostgres
{
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres";

    /// <summary>The connection string of the server (a role that may create databases).</summary>
    public static string Server => Environment.GetEnvironmentVariable("ROSTRA_TEST_PG") is { Length: > 0 } value ? value : DefaultServer;

    /// <summary>
    /// Creates a fresh, empty database <c>rostra_test_&lt;guid&gt;</c>; dispose it to drop it. It sorts text as a district's
    /// server commonly does (en-US, where punctuation and case are secondary), not by code point, so SQL that forgets to
    /// ask for code-point order shows it.
    /// </summary>
    public static async Task<PostgresTestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var server = Server;
        var name = "rostra_test_" + Guid.NewGuid().ToString("N");
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            var shown = new NpgsqlConnectionStringBuilder(server) { Password = null };
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{shown.ConnectionString}' ({e.Message}). The tests need a real server: " +
                "run ./test.sh or scripts/postgres.sh as root, or set ROSTRA_TEST_PG to an Npgsql connection string of a role with CREATEDB.", e);
        }
        return new PostgresTestDatabase(name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what is still connected to it.</summary>
    public static async Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A fresh PostgreSQL database of one test, dropped when disposed.</summary>
public sealed class PostgresTestDatabase : ITestDatabase
{
    internal PostgresTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public TestProvider Provider => TestProvider.Postgres;

    public async ValueTask DisposeAsync() => await TestPostgres.DropDatabaseAsync(Name);
}
