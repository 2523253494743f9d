using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Rostra.Benchmarks.EndToEnd;

/// <summary>
/// A database server as the end-to-end run uses it: named databases it can create by copying a seeded one, drop,
/// and load with the provider's own raw bulk path (the baseline the store's write is compared with).
/// </summary>
internal abstract class BenchDatabase
{
    public abstract string Provider { get; }

    /// <summary>The <c>--db</c> value that opens database <paramref name="name"/>.</summary>
    public abstract string Connection(string name);

    public abstract Task DropAsync(string name, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="target"/> an exact copy of <paramref name="source"/> (which nobody may be using).</summary>
    public abstract Task CloneAsync(string source, string target, CancellationToken cancellationToken);

    public abstract Task<long> MaxUserIdAsync(string name, CancellationToken cancellationToken);

    /// <summary>Brings a freshly seeded database to the state a live one is in (planner statistics); nothing by default.</summary>
    public virtual Task SettleAsync(string name, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Loads the three CSV files into users, user_schools and user_programs of <paramref name="name"/> in one
    /// transaction with the provider's command-line bulk loader, and returns how long the loader ran.
    /// </summary>
    public abstract Task<TimeSpan> RawLoadAsync(string name, RawFiles files, CancellationToken cancellationToken);

    /// <summary>The server's version, for the results file.</summary>
    public abstract Task<string> VersionAsync(CancellationToken cancellationToken);
}

/// <summary>
/// CSV files of the rows a write produces: users, their schools, their programs, and their search keys (the rows the
/// users' search triggers would add, folded by the code's own <c>SearchText.Fold</c>, for a loader that cannot run them).
/// </summary>
internal sealed record RawFiles(string Users, string UserSchools, string UserPrograms, string UserSearch);

internal sealed class SqliteBenchDatabase(string directory) : BenchDatabase
{
    public override string Provider => "sqlite";

    private string PathOf(string name) => Path.Combine(directory, name + ".db");

    public override string Connection(string name) => PathOf(name);

    public override Task DropAsync(string name, CancellationToken cancellationToken)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            File.Delete(PathOf(name) + suffix);
        return Task.CompletedTask;
    }

    public override async Task CloneAsync(string source, string target, CancellationToken cancellationToken)
    {
        await DropAsync(target, cancellationToken);
        await using (var connection = new SqliteConnection($"Data Source={PathOf(source)};Pooling=False"))
        {
            await connection.OpenAsync(cancellationToken);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }
        SqliteConnection.ClearAllPools();
        File.Copy(PathOf(source), PathOf(target));
    }

    public override async Task<long> MaxUserIdAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={PathOf(name)};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(id), 0) FROM users";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// sqlite3's <c>.import</c> in one transaction, foreign keys on as the store has them. Its CSV import reads
    /// empty fields as empty strings, so the rows it loads are chosen to need no NULL but <c>locked_until</c>.
    /// </summary>
    public override async Task<TimeSpan> RawLoadAsync(string name, RawFiles files, CancellationToken cancellationToken)
    {
        var script = $"""
            PRAGMA foreign_keys = ON;
            PRAGMA busy_timeout = 60000;
            BEGIN IMMEDIATE;
            DROP TRIGGER users_search_insert;
            .import --csv '{files.Users}' users
            .import --csv '{files.UserSearch}' user_search
            .import --csv '{files.UserSchools}' user_schools
            .import --csv '{files.UserPrograms}' user_programs
            COMMIT;
            """;
        var result = await ChildProcess.RunCheckedAsync("sqlite3", ["-bail", PathOf(name)], stdin: script, cancellationToken: cancellationToken);
        if (result.Stderr.Length > 0) throw new InvalidOperationException("sqlite3 .import: " + result.Stderr);
        return result.Wall;
    }

    public override async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        var result = await ChildProcess.RunCheckedAsync("sqlite3", ["--version"], cancellationToken: cancellationToken);
        return "SQLite " + result.Stdout.Split(' ')[0];
    }
}

internal sealed class PostgresBenchDatabase(string adminConnection) : BenchDatabase
{
    private readonly NpgsqlConnectionStringBuilder _admin = new(adminConnection) { Pooling = false };

    public override string Provider => "postgres";

    public override string Connection(string name) =>
        new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = name, Pooling = true }.ConnectionString;

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Client sessions only: an autovacuum worker (a superuser process) may be busy on the database; DROP DATABASE ends it.
    private async Task DisconnectAsync(string name, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND backend_type = 'client backend' AND pid <> pg_backend_pid()", cancellationToken);
    }

    public override async Task DropAsync(string name, CancellationToken cancellationToken)
    {
        await DisconnectAsync(name, cancellationToken);
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\"", cancellationToken);
    }

    public async Task CreateAsync(string name, CancellationToken cancellationToken)
    {
        await DropAsync(name, cancellationToken);
        await ExecuteAsync($"CREATE DATABASE \"{name}\"", cancellationToken);
    }

    public override async Task CloneAsync(string source, string target, CancellationToken cancellationToken)
    {
        await DropAsync(target, cancellationToken);
        await DisconnectAsync(source, cancellationToken);
        await ExecuteAsync($"CREATE DATABASE \"{target}\" TEMPLATE \"{source}\"", cancellationToken);
        // Both contenders start from the same state, statistics included.
        await SettleAsync(target, cancellationToken);
    }

    public override async Task SettleAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = name }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 };
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<long> MaxUserIdAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = name }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(id), 0) FROM users", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary><c>psql -1</c> with three <c>\copy … FROM … (FORMAT csv)</c>: COPY into the real tables, indexes and constraints.</summary>
    public override async Task<TimeSpan> RawLoadAsync(string name, RawFiles files, CancellationToken cancellationToken)
    {
        var script = $"""
            \copy users (id, district_id, username, username_key, first_name, last_name, email, email_key, roles, grade, password_hash, failed_logins, locked_until, created_at, import_id, security_stamp, active, version) FROM '{files.Users}' WITH (FORMAT csv)
            \copy user_schools (district_id, user_id, school_id) FROM '{files.UserSchools}' WITH (FORMAT csv)
            \copy user_programs (district_id, user_id, program_id) FROM '{files.UserPrograms}' WITH (FORMAT csv)
            """;
        var scriptPath = Path.Combine(Path.GetDirectoryName(files.Users)!, "raw-load.sql");
        await File.WriteAllTextAsync(scriptPath, script, cancellationToken);
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = _admin.Password ?? "" };
        var clock = Stopwatch.StartNew();
        await ChildProcess.RunCheckedAsync("psql",
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-h", _admin.Host ?? "127.0.0.1", "-p", _admin.Port.ToString(CultureInfo.InvariantCulture),
             "-U", _admin.Username ?? "rostra", "-d", name, "-f", scriptPath],
            environment: environment, cancellationToken: cancellationToken);
        return clock.Elapsed;
    }

    public override async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return "PostgreSQL " + (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
