namespace Rostra.TestSupport;

/// <summary>The two databases every storage-touching test runs on.</summary>
public enum TestProvider
{
    Sqlite,
    Postgres,
}

/// <summary>A fresh, empty database for one test: its connection string, and the clean-up after.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    /// <summary>What <c>StoreFactory.Open</c> and <c>--db</c> take: a SQLite file path or an Npgsql connection string.</summary>
    string ConnectionString { get; }

    TestProvider Provider { get; }
}

/// <summary>Makes the database of a test on either provider.</summary>
public static class TestDatabase
{
    public static async Task<ITestDatabase> CreateAsync(TestProvider provider, CancellationToken cancellationToken = default) =>
        provider switch
        {
            TestProvider.Sqlite => new SqliteTestDatabase(),
            TestProvider.Postgres => await TestPostgres.CreateDatabaseAsync(cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };
}

/// <summary>A SQLite file in its own temp folder, deleted after the test.</summary>
public sealed class SqliteTestDatabase : ITestDatabase
{
    private readonly TempFolder folder = new("rostra-db-");

    public string ConnectionString => folder.SqliteFile;

    public TestProvider Provider => TestProvider.Sqlite;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
