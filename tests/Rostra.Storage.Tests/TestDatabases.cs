using Npgsql;

namespace Rostra.Storage.Tests;

/// <summary>A fresh, empty database for one test: its connection string, and the clean-up after.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    string ConnectionString { get; }
}

/// <summary>A SQLite file in its own temp folder, deleted after the test.</summary>
public sealed class SqliteTestDatabase : ITestDatabase
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "rostra-tests", Guid.NewGuid().ToString("N"));

    public string ConnectionString => Path.Combine(folder, "rostra.db");

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing; the temp folder is cleaned up by the OS eventually.
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A database <c>rostra_test_&lt;guid&gt;</c> created on the server that <c>ROSTRA_TEST_PG</c> names
/// (default <see cref="DefaultServer"/>), dropped after the test. Start the server with <c>scripts/postgres.sh</c>.
/// </summary>
public sealed class PostgresTestDatabase : ITestDatabase
{
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres";

    private readonly string server;
    private readonly string name;

    private PostgresTestDatabase(string server, string name, string connectionString)
    {
        this.server = server;
        this.name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static string Server => Environment.GetEnvironmentVariable("ROSTRA_TEST_PG") is { Length: > 0 } value ? value : DefaultServer;

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var server = Server;
        var name = "rostra_test_" + Guid.NewGuid().ToString("N");
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            var shown = new NpgsqlConnectionStringBuilder(server) { Password = null };
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{shown.ConnectionString}' ({e.Message}). The storage tests need a real server: " +
                "run scripts/postgres.sh as root, or set ROSTRA_TEST_PG to an Npgsql connection string of a role with CREATEDB.", e);
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new PostgresTestDatabase(server, name, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
