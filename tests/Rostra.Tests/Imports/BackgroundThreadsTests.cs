using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Tests.Imports;

/// <summary>
/// Import work runs on its own threads below the priority of requests, and hashing and validation do not share
/// them: order and outcome only, never time.
/// </summary>
public sealed class BackgroundThreadsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Work_started_there_and_everything_after_its_awaits_runs_on_threads_below_a_request_threads_priority()
    {
        using var threads = new BackgroundThreads(2);
        var caller = NiceOfThisThread();

        var (before, after) = await threads.Run(async () =>
        {
            var first = (BackgroundThreads.IsCurrent, NiceOfThisThread());
            await Task.Yield();
            await Task.Delay(1);
            return (first, (BackgroundThreads.IsCurrent, NiceOfThisThread()));
        });

        Assert.False(BackgroundThreads.IsCurrent);
        Assert.Equal((true, caller + BackgroundThreads.Nice), before);
        Assert.Equal((true, caller + BackgroundThreads.Nice), after);
    }

    [Fact]
    public async Task An_import_hashes_and_completes_while_another_districts_large_file_is_held_in_the_middle_of_its_check()
    {
        await using var database = await TestDatabase.CreateAsync(TestProvider.Sqlite);
        await using var store = StoreFactory.Open(database.ConnectionString);
        await store.MigrateAsync(Ct);
        var small = await TestDistrict.CreateAsync(store);
        var big = await TestDistrict.CreateAsync(store);
        // As a server: one hashing worker and one validation slot, each a background thread.
        using var threads = new BackgroundThreads(2);
        var engine = new ImportEngine(store, new PasswordHasher(PasswordHashOptions.Fast), new PasswordVault(new EphemeralDataProtectionProvider()),
            new ImportEngineSettings("node", Workers: 1, ChunkRows: 5, Poll: TimeSpan.FromMilliseconds(20)), NullLogger<ImportEngine>.Instance, background: threads);

        var few = await CreateAsync(store, small);
        using (var file = new MemoryStream(Encoding.UTF8.GetBytes(small.Students(20))))
            Assert.True((await engine.ValidateAsync(few, new District(small.Id, small.Name), file, new ImportLimits(), null, Ct))!.IsValid);
        Assert.True(await store.TryTransitionAsync(few.Id, [ImportStatus.Valid], ImportStatus.Importing, null, Ct));

        // The large file's check stops at its first progress report (500 rows in), on its background thread, until let go.
        var large = await CreateAsync(store, big);
        using var held = new Held();
        using var bigFile = new MemoryStream(Encoding.UTF8.GetBytes(big.Students(2000)));
        var checking = threads.Run(() => engine.ValidateAsync(large, new District(big.Id, big.Name), bigFile, new ImportLimits(), held, Ct));
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(120));

        using var stop = new CancellationTokenSource();
        var workers = engine.RunAsync(stop.Token);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            ImportRecord? done;
            while ((done = await store.GetImportAsync(small.Id, few.Id, Ct)) is not { Status: ImportStatus.Completed })
            {
                Assert.True(DateTime.UtcNow < deadline, $"The small import is still {done?.Status} while the large file is held.");
                await Task.Delay(20);
            }
            Assert.Equal(20, done.Imported);
            Assert.False(checking.IsCompleted);
            Assert.Equal(ImportStatus.Validating, (await store.GetImportAsync(big.Id, large.Id, Ct))!.Status);
        }
        finally
        {
            held.Release();
            await checking;
            await stop.CancelAsync();
            await workers;
        }
    }

    private static async Task<ImportRecord> CreateAsync(IRostraStore store, TestDistrict district)
    {
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), district.Id, district.ProgramId, UserType.Student, "students.csv", new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, district.Admin, now);
        await store.CreateImportAsync(import, Ct);
        return import;
    }

    /// <summary>Blocks the first progress report of a check until <see cref="Release"/>.</summary>
    private sealed class Held : IProgress<ValidationProgress>, IDisposable
    {
        private readonly ManualResetEventSlim gate = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Report(ValidationProgress value)
        {
            Entered.TrySetResult();
            gate.Wait();
        }

        public void Release() => gate.Set();

        public void Dispose() => gate.Dispose();
    }

    /// <summary>The nice value of the calling thread (Linux: field 19 of /proc/thread-self/stat).</summary>
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], CultureInfo.InvariantCulture);
    }
}
