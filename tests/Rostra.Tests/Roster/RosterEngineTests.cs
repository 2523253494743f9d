using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Tests.Roster;

public sealed class SqliteRosterEngineTests : RosterEngineTests
{
    protected override TestProvider Provider => TestProvider.Sqlite;
}

public sealed class PostgresRosterEngineTests : RosterEngineTests
{
    protected override TestProvider Provider => TestProvider.Postgres;
}

/// <summary>
/// Update imports on the engine: only the rows that change are staged and written; what revert needs is kept only for
/// the retention (housekeeping deletes it after that, and the revert is then refused with that reason).
/// </summary>
public abstract class RosterEngineTests : IAsyncLifetime
{
    private const string DistrictId = "lincoln-usd";
    private const string ProgramId = "reading";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Window = TimeSpan.FromDays(30);

    private readonly IDataProtectionProvider keys = new EphemeralDataProtectionProvider();
    private readonly District district = new(DistrictId, "Lincoln");
    private ITestDatabase? database;
    private IRostraStore? store;

    private IRostraStore Store => store!;

    protected abstract TestProvider Provider { get; }

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider);
        store = StoreFactory.Open(database.ConnectionString);
        await Store.MigrateAsync(Ct);
        await Store.AddDistrictAsync(district, Ct);
        await Store.AddProgramAsync(new DistrictProgram(DistrictId, ProgramId, "Reading"), Ct);
        await Store.AddSchoolAsync(new School("1001", DistrictId, "Lincoln Elementary", GradeSet.Parse("K-5")), Ct);
    }

    public async Task DisposeAsync()
    {
        if (store is not null) await store.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }

    private ImportEngine Engine(TimeSpan retention) =>
        new(Store, new PasswordHasher(PasswordHashOptions.Fast), new PasswordVault(keys),
            new ImportEngineSettings("node-a", Workers: 1, Housekeeping: TimeSpan.FromMilliseconds(50)) { RevertRetention = retention },
            NullLogger<ImportEngine>.Instance);

    /// <summary>Uploads, confirms and writes one student file in <paramref name="mode"/> through the engine.</summary>
    private async Task<Guid> ImportAsync(ImportEngine engine, ImportMode mode, string rows)
    {
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), DistrictId, ProgramId, UserType.Student, "students.csv", new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, "admin", now, Mode: mode);
        await Store.CreateImportAsync(import, Ct);
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(TestTemplates.StudentHeader + "\r\n" + rows));
        var result = await engine.ValidateAsync(import, district, file, new ImportLimits(), null, Ct);
        Assert.True(result!.IsValid, string.Join(" ", result.Errors.Select(e => e.Code)));
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        while (await engine.RunOnceAsync(0, Ct)) { }
        Assert.Equal(ImportStatus.Completed, (await Store.GetImportAsync(DistrictId, import.Id, Ct))!.Status);
        return import.Id;
    }

    [Fact]
    public async Task Only_rows_that_change_are_staged_and_a_file_that_changes_nothing_completes_writing_nothing()
    {
        var engine = Engine(Window);
        await ImportAsync(engine, ImportMode.Create, "Ann,Lee,ann.lee,Secret#1aB,3,1001,\r\nBo,Li,bo.li,Secret#2aB,4,1001,\r\n");
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), DistrictId, ProgramId, UserType.Student, "students.csv", new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, "admin", now, Mode: ImportMode.Update);
        await Store.CreateImportAsync(import, Ct);
        using (var file = new MemoryStream(Encoding.UTF8.GetBytes(TestTemplates.StudentHeader + "\r\nAnn,Lee,ann.lee,,4,1001,\r\nBo,Li,bo.li,,4,1001,\r\n")))
            Assert.True((await engine.ValidateAsync(import, district, file, new ImportLimits(), null, Ct))!.IsValid);

        Assert.Equal([2], (await Store.GetStagedRowsAsync(import.Id, [2, 3], Ct)).Select(r => r.Row));
        // The file as the users are (the update above was never confirmed): nothing to stage, nothing to write.
        var id = await ImportAsync(engine, ImportMode.Update, "Ann,Lee,ann.lee,,3,1001,\r\nBo,Li,bo.li,,4,1001,\r\n");
        var done = (await Store.GetImportAsync(DistrictId, id, Ct))!;
        Assert.Equal((ImportStatus.Completed, 0, 0), (done.Status, done.Imported, done.Chunks ?? 0));
        Assert.Equal(new PlanCounts(0, 0, 2, 0, 0), done.Plan!.Counts);
    }

    [Fact]
    public async Task Housekeeping_deletes_what_revert_needs_after_the_retention_and_the_revert_is_then_refused_with_its_reason()
    {
        var keeping = Engine(Window);
        await ImportAsync(keeping, ImportMode.Create, "Ann,Lee,ann.lee,Secret#1aB,3,1001,\r\nBo,Li,bo.li,Secret#2aB,4,1001,\r\n");
        var update = await ImportAsync(keeping, ImportMode.Update, "Ann,Lee,ann.lee,,4,1001,\r\nBo,Li,bo.li,,4,1001,\r\n");
        Assert.True((await Store.CanRevertImportAsync(DistrictId, update, Window, Ct)).Succeeded);

        await HousekeepUntilAsync(Engine(TimeSpan.Zero), async () => !(await Store.CanRevertImportAsync(DistrictId, update, Window, Ct)).Succeeded);

        var refused = await Store.RevertImportAsync(DistrictId, update, Window, Ct);

        Assert.False(refused.Succeeded);
        Assert.Equal("The values the users of this import had before it are no longer kept, so it cannot be reverted.", refused.Reason);
        var ann = (await Store.ListUsersAsync(new UserQuery(DistrictId, Search: "ann.lee"), Ct)).Users.Single();
        Assert.Equal("4", ann.Grade);
        Assert.Null((await Store.GetImportAsync(DistrictId, update, Ct))!.RevertedAt);
    }

    /// <summary>Runs the engine (its workers and housekeeping) as a server node would, until <paramref name="done"/> holds.</summary>
    private static async Task HousekeepUntilAsync(ImportEngine engine, Func<Task<bool>> done)
    {
        using var stop = new CancellationTokenSource();
        var running = engine.RunAsync(stop.Token);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            using var timer = new PeriodicTimer(engine.Settings.HousekeepingTime);
            while (!await done())
            {
                Assert.True(DateTime.UtcNow < deadline, "Housekeeping did not get there within a minute.");
                await timer.WaitForNextTickAsync(Ct);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}
