using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Tests.Imports;

public sealed class SqliteImportEngineTests : ImportEngineTests
{
    protected override TestProvider Provider => TestProvider.Sqlite;
}

public sealed class PostgresImportEngineTests : ImportEngineTests
{
    protected override TestProvider Provider => TestProvider.Postgres;
}

/// <summary>
/// The durable engine in-process, two runners standing for two nodes on one database: validation and staging,
/// hashing shared by both, confirm, the final write, cancel, conflicts. Real database, cheap hashing.
/// </summary>
public abstract class ImportEngineTests : IAsyncLifetime
{
    private const string DistrictId = "lincoln-usd";
    private const string ProgramId = "reading";
    private static readonly string Header = TestTemplates.StudentHeader;

    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly PasswordHasher Hasher = new(PasswordHashOptions.Fast);

    // One key ring for both "nodes", as the database-backed ring gives in production.
    private readonly IDataProtectionProvider keys = new EphemeralDataProtectionProvider();
    private ITestDatabase? database;
    private IRostraStore? store;
    private District district = new(DistrictId, "Lincoln");

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

    private ImportEngine Runner(string node, int chunkRows = 3) =>
        new(Store, Hasher, new PasswordVault(keys), new ImportEngineSettings(node, Workers: 1, ChunkRows: chunkRows), NullLogger<ImportEngine>.Instance);

    private static string Students(int count, string prefix = "stu") =>
        Header + "\r\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"Ann{i},Lee,{prefix}{i},Secret#{i}aB,3,1001,\r\n"));

    private async Task<(ImportRecord Import, ValidationResult? Result)> UploadAsync(ImportEngine runner, string csv)
    {
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), DistrictId, ProgramId, UserType.Student, "students.csv", new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, "admin", now);
        await Store.CreateImportAsync(import, Ct);
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        var result = await runner.ValidateAsync(import, district, file, new ImportLimits(), null, Ct);
        return (import, result);
    }

    private async Task<ImportRecord> ReloadAsync(Guid id) => (await Store.GetImportAsync(DistrictId, id, Ct))!;

    private static async Task DrainAsync(params ImportEngine[] runners)
    {
        // Round-robin, one piece of work each, like nodes polling side by side.
        bool any;
        do
        {
            any = false;
            foreach (var runner in runners) any |= await runner.RunOnceAsync(0, Ct);
        }
        while (any);
    }

    [Fact]
    public async Task A_valid_upload_is_hashed_by_both_nodes_before_confirm_and_written_whole_after()
    {
        var a = Runner("node-a");
        var b = Runner("node-b");
        var (import, result) = await UploadAsync(a, Students(10));
        Assert.True(result!.IsValid);
        Assert.Equal((ImportStatus.Valid, 4), ((await ReloadAsync(import.Id)).Status, (await ReloadAsync(import.Id)).Chunks));

        await DrainAsync(a, b);
        Assert.Equal(10, (await ReloadAsync(import.Id)).HashedRows);
        Assert.Equal(0, (await Store.ListUsersAsync(new UserQuery(DistrictId), Ct)).Total);
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));
        await DrainAsync(b, a);

        var done = await ReloadAsync(import.Id);
        Assert.Equal((ImportStatus.Completed, 10), (done.Status, done.Imported));
        var chunks = await Store.GetImportChunksAsync(import.Id, Ct);
        Assert.Equal(["node-a", "node-b"], chunks.Select(c => c.HashedBy!).Distinct().Order());
        var user = await Store.FindUserAsync("stu7", Ct);
        Assert.True(Hasher.Verify(user!.PasswordHash!, "Secret#7aB"));
        Assert.Empty(await Store.GetStagedRowsAsync(import.Id, Enumerable.Range(2, 10).ToList(), Ct));
    }

    [Fact]
    public async Task Staged_passwords_are_only_ciphertext_and_gone_once_hashed()
    {
        var a = Runner("node-a", chunkRows: 2);
        var (import, _) = await UploadAsync(a, Students(2));

        var staged = await Store.GetChunkPasswordsAsync(import.Id, 0, Ct);
        Assert.All(staged, p => Assert.DoesNotContain("Secret#", p.PasswordProtected, StringComparison.Ordinal));
        Assert.Equal("Secret#1aB", new PasswordVault(keys).For(import.Id).Unprotect(staged[0].PasswordProtected!));
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => new PasswordVault(keys).For(Guid.NewGuid()).Unprotect(staged[0].PasswordProtected!));

        await DrainAsync(a);
        Assert.All(await Store.GetChunkPasswordsAsync(import.Id, 0, Ct), p => Assert.Null(p.PasswordProtected));
    }

    [Fact]
    public async Task An_invalid_upload_keeps_its_error_rows_with_the_password_blanked_and_stages_nothing()
    {
        var csv = Header + "\r\nAnn,Lee,ok1,Secret#1aB,3,1001,\r\nBob,Lee,bad name,Secret#2aB,3,9999,\r\n";
        var (import, result) = await UploadAsync(Runner("node-a"), csv);

        Assert.False(result!.IsValid);
        Assert.Equal(ImportStatus.Invalid, (await ReloadAsync(import.Id)).Status);
        Assert.Equal(Header.Split(','), await Store.GetImportHeaderAsync(import.Id, Ct));
        var rows = await Store.ReadErrorRowsAsync(import.Id, Ct).ToListAsync();
        Assert.Equal(3, Assert.Single(rows).Row);
        Assert.Equal(["Bob", "Lee", "bad name", null, "3", "9999", ""], rows[0].Cells);
        Assert.Empty(await Store.GetStagedRowsAsync(import.Id, [2, 3], Ct));
        Assert.Null(await Store.ClaimChunkAsync("x", TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task A_chunk_whose_hashes_could_not_be_saved_goes_back_at_once_and_another_worker_hashes_it()
    {
        var (failing, control) = StoreGates.Wrap(Store);
        control.FailNext(nameof(IJobStore.SaveChunkHashesAsync), new TimeoutException("The database did not answer."));
        // A lease far longer than the test: the chunk is taken again only because it was handed back.
        var a = new ImportEngine(failing, Hasher, new PasswordVault(keys),
            new ImportEngineSettings("node-a", Workers: 1, ChunkRows: 3) { Lease = TimeSpan.FromHours(1) }, NullLogger<ImportEngine>.Instance);
        var (import, _) = await UploadAsync(a, Students(3));
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));

        await Assert.ThrowsAsync<TimeoutException>(() => a.RunOnceAsync(0, Ct));
        await DrainAsync(Runner("node-b"));

        var done = await ReloadAsync(import.Id);
        Assert.Equal((ImportStatus.Completed, 3), (done.Status, done.Imported));
    }

    [Fact]
    public async Task A_cancelled_import_is_not_hashed_further_and_its_staged_passwords_are_deleted()
    {
        var a = Runner("node-a");
        var (import, _) = await UploadAsync(a, Students(9));
        Assert.True(await a.RunOnceAsync(0, Ct));

        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Cancelled, "Cancelled.", Ct));
        Assert.False(await a.RunOnceAsync(0, Ct));
        await Store.HousekeepAsync("stale", TimeSpan.FromHours(1), "expired", Ct);

        Assert.Empty(await Store.GetStagedRowsAsync(import.Id, Enumerable.Range(2, 9).ToList(), Ct));
        Assert.Equal(0, (await Store.ListUsersAsync(new UserQuery(DistrictId), Ct)).Total);
    }

    [Fact]
    public async Task A_username_taken_after_validation_fails_the_import_with_the_row_in_the_report_and_writes_nothing()
    {
        var a = Runner("node-a");
        var (import, _) = await UploadAsync(a, Students(4));
        await DrainAsync(a);
        await Store.AddUserAsync(new NewUser(DistrictId, "STU3", "Other", null, null, [Roles.Student], null, [], [], null), Ct);
        Assert.True(await Store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));

        await DrainAsync(a);

        var failed = await ReloadAsync(import.Id);
        Assert.Equal((ImportStatus.Failed, ImportMessages.Taken, 1), (failed.Status, failed.Message, failed.ErrorCount));
        Assert.Equal([Issues.UsernameTaken(4, "stu3")], await Store.GetImportErrorsAsync(import.Id, 0, 10, Ct));
        var row = Assert.Single(await Store.ReadErrorRowsAsync(import.Id, Ct).ToListAsync());
        Assert.Equal(["Ann3", "Lee", "stu3", null, "3", "1001", null], row.Cells);
        Assert.Equal(1, (await Store.ListUsersAsync(new UserQuery(DistrictId), Ct)).Total);
        Assert.Empty(await Store.GetStagedRowsAsync(import.Id, [2, 3, 4, 5], Ct));
    }
}
