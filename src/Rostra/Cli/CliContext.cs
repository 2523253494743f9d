using System.CommandLine;
using Rostra.Core;
using Rostra.Storage;

namespace Rostra.Cli;

/// <summary>What every command gets: the console, the store (schema already up to date) and look-ups that fail with exit 2.</summary>
public sealed class CliContext(TextWriter output, TextWriter error, TextReader input, IRostraStore store, string connection) : IAsyncDisposable
{
    /// <summary>The database connection the command was given (<c>--db</c>, <c>ROSTRA_DB</c> or the default).</summary>
    public string ConnectionString { get; } = connection;

    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public TextReader In { get; } = input;
    public IRostraStore Store { get; } = store;

    /// <summary>The global <c>--db</c> option, also read from <c>ROSTRA_DB</c>.</summary>
    public static Option<string?> DbOption { get; } = new("--db")
    {
        Description = "Database: a SQLite path or connection string, or a postgres:// URI / Npgsql Host=… string. Default: ROSTRA_DB, else data/rostra.db.",
        Recursive = true,
    };

    public static string Connection(ParseResult parse) =>
        parse.GetValue(DbOption) is { Length: > 0 } db ? db
        : Environment.GetEnvironmentVariable("ROSTRA_DB") is { Length: > 0 } env ? env
        : StoreFactory.DefaultConnection;

    public async Task<District> DistrictAsync(string id, CancellationToken cancellationToken) =>
        await Store.GetDistrictAsync(id, cancellationToken)
        ?? throw new UsageException($"There is no district '{id}'. Add it with: rostra district add {id} --name \"…\"");

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
