using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Tests.Imports;

public sealed class SqliteFairShareTests : FairShareTests
{
    protected override TestProvider Provider => TestProvider.Sqlite;
}

public sealed class PostgresFairShareTests : FairShareTests
{
    protected override TestProvider Provider => TestProvider.Postgres;
}

/// <summary>
/// Two engines, each with its own store and one worker, stand for two nodes on one database, hashing at a real (if
/// modest) cost: a large import of one district keeps every worker busy, and a small confirmed import of another
/// district must not wait for it. Order and outcome only: the small one completes while the large one still has
/// chunks left to hash.
/// </summary>
public abstract class FairShareTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    // Hashing parameters are configuration: slow enough that a large import outlasts a small one by far, no sleeps.
    private static readonly PasswordHasher Hasher = new(new PasswordHashOptions { Iterations = 2, MemoryKiB = 4096 });

    private readonly IDataProtectionProvider keys = new EphemeralDataProtectionProvider();
    private readonly List<IRostraStore> stores = [];
    private ITestDatabase? database;

    protected abstract TestProvider Provider { get; }

    private IRostraStore Store => stores[0];

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider);
        stores.Add(StoreFactory.Open(database.ConnectionString));
        stores.Add(StoreFactory.Open(database.ConnectionString));
        await Store.MigrateAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in stores) await store.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }

    [Fact]
    public async Task A_small_confirmed_import_completes_while_another_districts_large_unconfirmed_import_still_has_chunks_to_hash()
    {
        await SmallCompletesBehindLargeAsync(confirmLarge: false);
    }

    [Fact]
    public async Task A_small_confirmed_import_completes_while_another_districts_large_confirmed_import_still_has_chunks_to_hash()
    {
        await SmallCompletesBehindLargeAsync(confirmLarge: true);
    }

    private async Task SmallCompletesBehindLargeAsync(bool confirmLarge)
    {
        var big = await TestDistrict.CreateAsync(Store);
        var small = await TestDistrict.CreateAsync(Store);
        var a = Engine(0, "node-a");
        var b = Engine(1, "node-b");
        var large = await UploadAsync(a, big, big.Students(1000));
        if (confirmLarge) await ConfirmAsync(large);

        using var stop = new CancellationTokenSource();
        var nodes = Task.WhenAll(a.RunAsync(stop.Token), b.RunAsync(stop.Token));
        try
        {
            // Both workers are on the large import before the small one exists.
            await WaitUntilAsync(async () => (await Store.GetImportChunksAsync(large.Id, Ct)).Count(c => c.Status != "pending") >= 2);

            var few = await UploadAsync(b, small, small.Students(10));
            await ConfirmAsync(few);
            var done = await WaitUntilAsync(async () => await Store.GetImportAsync(small.Id, few.Id, Ct) is { } i && ImportStatus.IsFinal(i.Status) ? i : null);

            Assert.Equal((ImportStatus.Completed, 10), (done.Status, done.Imported));
            var left = (await Store.GetImportChunksAsync(large.Id, Ct)).Count(c => c.Status != "hashed");
            Assert.True(left > 0, "The large import was still hashing when the small one completed.");
            Assert.Equal(confirmLarge ? ImportStatus.Importing : ImportStatus.Valid, (await Store.GetImportAsync(big.Id, large.Id, Ct))!.Status);
        }
        finally
        {
            await Store.TryTransitionAsync(large.Id, [ImportStatus.Valid, ImportStatus.Importing], ImportStatus.Cancelled, "Cancelled.", Ct);
            await stop.CancelAsync();
            await nodes;
        }
    }

    private ImportEngine Engine(int node, string name) =>
        new(stores[node], Hasher, new PasswordVault(keys),
            new ImportEngineSettings(name, Workers: 1, ChunkRows: 5, Poll: TimeSpan.FromMilliseconds(50)), NullLogger<ImportEngine>.Instance);

    private async Task<ImportRecord> UploadAsync(ImportEngine engine, TestDistrict district, string csv)
    {
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), district.Id, district.ProgramId, UserType.Student, "students.csv", new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, district.Admin, now);
        await Store.CreateImportAsync(import, Ct);
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        var result = await engine.ValidateAsync(import, new District(district.Id, district.Name), file, new ImportLimits(), null, Ct);
        Assert.True(result!.IsValid);
        return import;
    }

    private async Task ConfirmAsync(ImportRecord import) =>
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition) =>
        await WaitUntilAsync(async () => await condition() ? "yes" : null);

    private static async Task<T> WaitUntilAsync<T>(Func<Task<T?>> read) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (await read() is { } value) return value;
            Assert.True(DateTime.UtcNow < deadline, "What the test waits for never happened.");
            await Task.Delay(20);
        }
    }
}
