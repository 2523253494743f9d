using Npgsql;
using Rostra.Storage.Postgres;
using Rostra.Storage.Sqlite;

namespace Rostra.Storage.Tests;

public sealed class StoreFactoryTests
{
    [Theory]
    [InlineData("postgres://rostra:rostra@db.example:5433/rostra")]
    [InlineData("postgresql://rostra@db.example/rostra")]
    [InlineData("Host=db.example;Username=rostra;Password=rostra;Database=rostra")]
    [InlineData("Server=db.example;Username=rostra")]
    public async Task A_postgres_uri_or_an_Npgsql_host_string_opens_PostgreSQL(string connection)
    {
        await using var store = StoreFactory.Open(connection);

        Assert.Equal("postgres", store.Provider);
        Assert.Equal("postgres", StoreFactory.ProviderOf(connection));
    }

    [Fact]
    public async Task A_postgres_uri_becomes_the_matching_Npgsql_settings()
    {
        await using var store = (PostgresStore)StoreFactory.Open("postgresql://ro%40stra:p%3Ass@db.example:5433/rostra_prod?sslmode=require&application_name=rostra-web");

        var settings = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        Assert.Equal(("db.example", 5433, "ro@stra", "rostra_prod", SslMode.Require, "rostra-web"),
            (settings.Host, settings.Port, settings.Username, settings.Database, settings.SslMode, settings.ApplicationName));
    }

    [Fact]
    public async Task A_path_opens_SQLite_and_creates_its_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "rostra-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "nested", "rostra.db");
        try
        {
            await using (var store = StoreFactory.Open(path))
            {
                Assert.Equal("sqlite", store.Provider);
                await store.MigrateAsync(CancellationToken.None);
            }
            Assert.True(File.Exists(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_SQLite_connection_string_opens_SQLite_with_foreign_keys_on()
    {
        var folder = Path.Combine(Path.GetTempPath(), "rostra-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var store = (SqliteStore)StoreFactory.Open($"Data Source={Path.Combine(folder, "r.db")};Cache=Shared");

            Assert.Equal("sqlite", store.Provider);
            Assert.Contains("Foreign Keys=True", store.ConnectionString, StringComparison.Ordinal);
            Assert.True(Directory.Exists(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_default_connection_is_a_SQLite_file_under_data()
    {
        Assert.Equal("data/rostra.db", StoreFactory.DefaultConnection);
        Assert.Equal("sqlite", StoreFactory.ProviderOf(StoreFactory.DefaultConnection));
    }
}
