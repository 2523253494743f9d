using System.Data.Common;
using Microsoft.Data.Sqlite;
using Rostra.Storage.Postgres;
using Rostra.Storage.Sqlite;

namespace Rostra.Storage;

/// <summary>Opens the store a <c>--db</c> / <c>ROSTRA_DB</c> value names (SPEC §6).</summary>
public static class StoreFactory
{
    /// <summary>The store when nothing is given: a SQLite file under the current directory.</summary>
    public const string DefaultConnection = "data/rostra.db";

    /// <summary>
    /// A <c>postgres://</c> or <c>postgresql://</c> URI, or an Npgsql string with <c>Host=</c> (or <c>Server=</c>), opens
    /// PostgreSQL; a SQLite connection string (<c>Data Source=…</c>) or a file path opens SQLite, creating the file's
    /// directory. The schema is not touched: call <see cref="IRostraStore.MigrateAsync"/>.
    /// </summary>
    public static IRostraStore Open(string connection) => Open(connection, TimeProvider.System);

    /// <summary>As <see cref="Open(string)"/>, with the clock that stamps created/updated times.</summary>
    public static IRostraStore Open(string connection, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        var text = connection.Trim();
        if (PostgresUri.IsUri(text)) return new PostgresStore(PostgresUri.ToConnectionString(text), time);

        var keys = TryParseKeywords(text);
        if (keys is not null && (keys.Contains("host") || keys.Contains("server")))
            return new PostgresStore(text, time);
        if (keys is not null && (keys.Contains("data source") || keys.Contains("datasource") || keys.Contains("filename")))
            return new SqliteStore(SqliteConnectionString(new SqliteConnectionStringBuilder(text)), time);
        return new SqliteStore(SqliteConnectionString(new SqliteConnectionStringBuilder { DataSource = text }), time);
    }

    /// <summary><c>postgres</c> or <c>sqlite</c>: which provider <see cref="Open(string)"/> would choose.</summary>
    public static string ProviderOf(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        var text = connection.Trim();
        if (PostgresUri.IsUri(text)) return "postgres";
        var keys = TryParseKeywords(text);
        return keys is not null && (keys.Contains("host") || keys.Contains("server")) ? "postgres" : "sqlite";
    }

    /// <summary>The keywords of a <c>key=value;…</c> string, lower-cased; null for a plain path.</summary>
    private static HashSet<string>? TryParseKeywords(string text)
    {
        if (!text.Contains('=', StringComparison.Ordinal)) return null;
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = text };
            return builder.Keys.Cast<string>().Select(k => k.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string SqliteConnectionString(SqliteConnectionStringBuilder builder)
    {
        var source = builder.DataSource;
        var inMemory = builder.Mode == SqliteOpenMode.Memory || source.Length == 0 || source == ":memory:";
        if (!inMemory && !source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var full = Path.GetFullPath(source);
            var directory = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            builder.DataSource = full;
        }
        builder.ForeignKeys = true;
        // Command timeout in seconds; Microsoft.Data.Sqlite also retries a busy database for this long.
        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, 60);
        return builder.ConnectionString;
    }
}
