using System.Data.Common;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Rostra.Core;
using Rostra.Imports;
using Rostra.Storage;
using Rostra.TestSupport;
using Rostra.Tests.Web;
using Xunit.Abstractions;

namespace Rostra.Tests.Proofs;

/// <summary>
/// A fault at every write of an import: the store is wrapped, through the app's own store setting, by a proxy that
/// records each call that writes for the import and fails one of them (a SQLite "disk full", a dropped PostgreSQL
/// connection, or any other error). For every write: all users or none, a final status with a clear message, the
/// database intact, and the same file then imports.
/// </summary>
[Collection(nameof(ProofCollection))]
public sealed partial class FaultInjectionTests(ITestOutputHelper output)
{
    /// <summary>How many write points the smoke run of ./test.sh tries: the first, the last and some between.</summary>
    private const int SmokePoints = 4;

    public static bool FullSweep => Environment.GetEnvironmentVariable("ROSTRA_PROOF_FULL") == "1";

    /// <summary>
    /// Rows per chunk in the sweep: three chunks of the 30 rows, so a fault falls on a first, a middle and a last chunk's
    /// save. Fixed, because chunks sized by the measured hash cost would make more or fewer of them on a busier machine.
    /// </summary>
    private const int SweepChunkRows = 10;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_fault_at_any_write_of_an_import_leaves_all_or_nothing_and_the_same_file_then_imports(string provider)
    {
        string? pgName = null;
        string connection;
        var folder = Directory.CreateTempSubdirectory("rostra-fault-").FullName;
        if (provider == "postgres")
        {
            var database = await TestPostgres.CreateDatabaseAsync();
            (connection, pgName) = (database.ConnectionString, database.Name);
        }
        else
        {
            connection = Path.Combine(folder, "rostra.db");
        }
        var inner = StoreFactory.Open(connection);
        FaultingStore.Connections[inner] = connection;
        await inner.MigrateAsync(default);
        var faults = FaultingStore.Wrap(inner, provider);
        var web = await StartAsync(faults, folder, SweepChunkRows);
        try
        {
            // A clean run records the writes of one import. Each is then faulted by what it is (the second chunk's save,
            // the confirm), not by its place: whether hashing starts before the confirm changes the order, not the writes.
            var count = await RunAsync(web, faults, provider, failAt: null);
            var writes = WritePoint.All(count.Writes);
            Assert.True(writes.Count > 3, $"Only {writes.Count} writes were seen.");
            var points = FullSweep ? Enumerable.Range(1, writes.Count).ToList() : Spread(writes.Count, SmokePoints);
            var survived = 0;
            foreach (var k in points)
            {
                var run = await RunAsync(web, faults, provider, writes[k - 1]);
                Assert.True(run.Faulted, $"write {k} of {writes.Count} ({writes[k - 1]}) was never reached; the writes: {string.Join(", ", run.Writes)}");
                survived++;
                ProofReport.Write(output, "faults", $"{provider} write {k}/{writes.Count} ({run.FaultedCall}): {run.Outcome}");
            }
            // Progress saves come as often as time says (at least every second), so they are not in the numbered
            // sequence above; the first ones of an import are faulted here, each in a run of its own.
            foreach (var p in new[] { 1, 2 })
            {
                var run = await RunAsync(web, faults, provider, failAt: null, progressFailAt: p);
                Assert.True(run.Faulted, $"progress save {p} was never reached");
                ProofReport.Write(output, "faults", $"{provider} progress save {p} ({run.FaultedCall}): {run.Outcome}");
            }
            ProofReport.Write(output, "faults", $"{provider}: {survived} of {writes.Count} write points fault-injected and survived, and the first 2 progress saves; the writes: {string.Join(", ", count.Writes)}");
        }
        finally
        {
            await web.DisposeAsync();
            await inner.DisposeAsync();
            if (pgName is not null) await TestPostgres.DropDatabaseAsync(pgName);
        }
    }

    [Fact]
    public async Task A_full_database_when_a_chunks_hashes_are_saved_fails_the_import_saying_so_instead_of_hashing_it_again()
    {
        var (folder, path, inner) = await OpenSqliteAsync();
        var faults = FaultingStore.Wrap(inner, "sqlite");
        // One chunk: its save is the only one, so a second save could only be the same chunk hashed again.
        var web = await StartAsync(faults, folder, chunkRows: 1000);
        try
        {
            var district = await web.CreateDistrictAsync();
            using var client = web.Client(district.AdminToken);
            // By name: where the save falls among the writes depends on whether hashing started before CONFIRM.
            faults.Arm(new WritePoint(nameof(IJobStore.SaveChunkHashesAsync), 1), fault: new SqliteException("SQLite Error 13: 'database or disk is full'.", 13));
            // Hashing may start before CONFIRM, so the confirm may come after the import has already ended.
            var view = await WebApp.UploadAndWaitAsync(client, "student", district.Students(30));
            var id = view.GetProperty("id").GetGuid();
            if (view.GetProperty("status").GetString() == ImportStatus.Valid)
            {
                using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
            }
            view = await WebApp.WaitAsync(client, id);
            var (calls, faulted, call) = faults.Disarm();
            Assert.True(faulted, $"The save of hashes was not reached: {string.Join(", ", calls)}");
            Assert.Equal(nameof(IJobStore.SaveChunkHashesAsync), call);
            Assert.Equal((ImportStatus.Failed, ImportMessages.OutOfSpace, 0), (view.GetProperty("status").GetString(), Message(view), await CountStudentsAsync(client)));
            // The chunk was not hashed again: its save was tried once.
            Assert.Single(calls, c => c == nameof(IJobStore.SaveChunkHashesAsync));
            await AssertIntactAsync(inner, "sqlite");
        }
        finally
        {
            await web.DisposeAsync();
            await inner.DisposeAsync();
        }
    }

    /// <summary>The app on the faulting store, with chunks of <paramref name="chunkRows"/> rows (not sized by the hash cost measured).</summary>
    private static Task<WebApp> StartAsync(FaultingStore faults, string folder, int chunkRows) =>
        WebApp.StartAsync(settings => settings with
        {
            Store = faults.Store,
            Development = false,
            Engine = ImportEngineSettings.FromEnvironment() with { ChunkRows = chunkRows },
        }, folder);

    /// <summary>A migrated SQLite store in a folder of its own, known to <see cref="FaultingStore.Connections"/>.</summary>
    private static async Task<(string Folder, string Path, IRostraStore Store)> OpenSqliteAsync()
    {
        var folder = Directory.CreateTempSubdirectory("rostra-fault-").FullName;
        var path = Path.Combine(folder, "rostra.db");
        var store = StoreFactory.Open(path);
        FaultingStore.Connections[store] = path;
        await store.MigrateAsync(default);
        return (folder, path, store);
    }

    private sealed record Run(IReadOnlyList<string> Writes, bool Faulted, string? FaultedCall, string Outcome);

    /// <summary>One import of 30 students in a fresh district with the fault at write <paramref name="failAt"/>, then the checks.</summary>
    private static async Task<Run> RunAsync(WebApp web, FaultingStore faults, string provider, WritePoint? failAt, int? progressFailAt = null)
    {
        var district = await web.CreateDistrictAsync();
        using var client = web.Client(district.AdminToken);
        var csv = district.Students(30);
        faults.Arm(failAt, progressFailAt);
        var (status, message) = await ImportAsync(client, csv);
        var (writes, faulted, call) = faults.Disarm();
        var users = await CountStudentsAsync(client);

        Assert.True(users == 0 || users == 30, $"A partial import after a fault at write {failAt} ({call}): {users} of 30 users.");
        if (failAt is null && progressFailAt is null)
        {
            Assert.Equal((ImportStatus.Completed, 30), (status, users));
            return new Run(writes, false, null, status);
        }
        // Valid: the confirm's own status change failed, was answered with an error, and nothing was written.
        Assert.True(status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Invalid or ImportStatus.Valid or Refused,
            $"After a fault at write {failAt} ({call}) the import is left {status}.");
        Assert.True(status == ImportStatus.Completed || (users == 0 && (status == ImportStatus.Valid || !string.IsNullOrWhiteSpace(message))),
            $"After a fault at write {failAt} ({call}): {status}, {users} users, message '{message}'.");
        await AssertIntactAsync(faults.Inner, provider);

        if (status != ImportStatus.Completed)
        {
            // The same file, uploaded again, imports.
            var (again, _) = await ImportAsync(client, csv);
            Assert.Equal((ImportStatus.Completed, 30), (again, await CountStudentsAsync(client)));
        }
        return new Run(writes, faulted, call, $"{status} ({users} users; {message})");
    }

    /// <summary>The upload itself was answered with an error (nothing was created).</summary>
    private const string Refused = "refused";

    /// <summary>Uploads, waits, confirms when valid, and returns the final status and message.</summary>
    private static async Task<(string Status, string? Message)> ImportAsync(HttpClient client, string csv)
    {
        using var response = await client.PostAsync("/api/imports", WebApp.ImportForm("student", csv));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return (Refused, $"{(int)response.StatusCode} {text}");
        }
        var body = JsonDocument.Parse(text).RootElement;
        var id = body.GetProperty("id").GetGuid();
        var view = await WebApp.WaitAsync(client, id);
        if (view.GetProperty("status").GetString() == ImportStatus.Valid)
        {
            using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
            view = await WebApp.WaitAsync(client, id);
            if (!confirm.IsSuccessStatusCode)
            {
                return (view.GetProperty("status").GetString()!, $"confirm answered {(int)confirm.StatusCode} {await confirm.Content.ReadAsStringAsync()}");
            }
        }
        return (view.GetProperty("status").GetString()!, Message(view));
    }

    private static string? Message(JsonElement body) =>
        body.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;

    private static async Task<int> CountStudentsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/users?type=student&limit=1")).GetProperty("total").GetInt32();

    /// <summary>SQLite: integrity and foreign keys; PostgreSQL: every membership and program access has its user.</summary>
    private static async Task AssertIntactAsync(IRostraStore store, string provider)
    {
        Assert.True(await store.PingAsync(default));
        if (provider == "sqlite")
        {
            var connectionString = ConnectionOf(store);
            var path = connectionString.Contains('=', StringComparison.Ordinal) ? new SqliteConnectionStringBuilder(connectionString).DataSource : connectionString;
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", await check.ExecuteScalarAsync());
            check.CommandText = "PRAGMA foreign_key_check";
            await using var reader = await check.ExecuteReaderAsync();
            Assert.False(await reader.ReadAsync(), "A foreign key does not hold.");
            return;
        }
        await using var pg = new NpgsqlConnection(ConnectionOf(store));
        await pg.OpenAsync();
        await using var orphans = new NpgsqlCommand(
            "SELECT (SELECT COUNT(*) FROM user_schools s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)) + " +
            "(SELECT COUNT(*) FROM user_programs p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id))", pg);
        Assert.Equal(0L, await orphans.ExecuteScalarAsync());
    }

    private static string ConnectionOf(IRostraStore store) => FaultingStore.Connections[store];

    /// <summary><paramref name="count"/> points spread over 1..<paramref name="writes"/>, the first and the last included.</summary>
    private static List<int> Spread(int writes, int count) =>
        [.. Enumerable.Range(0, count).Select(i => 1 + (int)Math.Round(i * (writes - 1) / (double)(count - 1))).Distinct()];

    /// <summary>
    /// A write of an import by what it is: the <paramref name="Occurrence"/>-th call of <paramref name="Method"/> for it.
    /// <paramref name="Number"/> is its place in the clean run, which picks the kind of fault.
    /// </summary>
    public sealed record WritePoint(string Method, int Occurrence, int Number = 1)
    {
        /// <summary>The writes of a clean run, each by what it is.</summary>
        public static List<WritePoint> All(IReadOnlyList<string> writes) =>
            [.. writes.Select((method, i) => new WritePoint(method, writes.Take(i).Count(m => m == method) + 1, i + 1))];

        public bool Is(string method, int occurrence) => method == Method && occurrence == Occurrence;

        public override string ToString() => Occurrence == 1 ? Method : $"{Method} #{Occurrence}";
    }

    /// <summary>
    /// The fault seam: a proxy of the store given to the app (<see cref="Rostra.Web.WebSettings.Store"/>). Only the
    /// writes of the import armed for are counted: the first one created once armed. Calls that only read, the claims
    /// and lease renewals that come as often as time says, and the writes for anything else (housekeeping every few
    /// seconds, sign-ins, an earlier run's import still hashing) pass through uncounted.
    /// </summary>
    public class FaultingStore : DispatchProxy
    {
        public static readonly Dictionary<IRostraStore, string> Connections = [];

        private static readonly string[] ReadPrefixes = ["Get", "List", "Find", "Ping", "Read", "Count", "Search", "Dispose"];
        private static readonly string[] Polls = ["Claim", "Renew"];

        /// <summary>Saves of a step's figures: how many an import makes depends on how long its steps take.</summary>
        private static readonly string[] ProgressSaves = ["SaveStep", "UpdateProgress", "SaveChunkProgress"];

        private readonly Lock gate = new();
        private IRostraStore inner = null!;
        private string provider = "";
        private bool armed;
        private WritePoint? failAt;
        private int? progressFailAt;
        private DbException? given;
        private Guid? import;
        private int progressWrites;
        private string? faultedCall;
        private List<string> writes = [];

        public IRostraStore Inner => inner;

        public IRostraStore Store => (IRostraStore)(object)this;

        public static FaultingStore Wrap(IRostraStore inner, string provider)
        {
            var proxy = Create<IRostraStore, FaultingStore>();
            var faults = (FaultingStore)(object)proxy;
            faults.inner = inner;
            faults.provider = provider;
            return faults;
        }

        /// <summary>
        /// Records the writes of the next import created, and faults the write <paramref name="at"/> (none: a clean run)
        /// or its <paramref name="progressK"/>-th progress save.
        /// </summary>
        public void Arm(WritePoint? at, int? progressK = null, DbException? fault = null)
        {
            lock (gate)
            {
                armed = true;
                failAt = at;
                given = fault;
                progressFailAt = progressK;
                import = null;
                progressWrites = 0;
                faultedCall = null;
                writes = [];
            }
        }

        public (List<string> Writes, bool Faulted, string? Call) Disarm()
        {
            lock (gate)
            {
                armed = false;
                return (writes, faultedCall is not null, faultedCall);
            }
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            var name = targetMethod.Name;
            var progress = ProgressSaves.Any(p => name.StartsWith(p, StringComparison.Ordinal));
            var write = !progress && !ReadPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) && !Polls.Any(p => name.StartsWith(p, StringComparison.Ordinal));
            if (progress || write)
            {
                lock (gate)
                {
                    if (armed && import is null && args is [ImportRecord created, ..]) import = created.Id;
                    if (armed && import is not null && ImportOf(args) == import)
                    {
                        if (progress && ++progressWrites == progressFailAt)
                        {
                            faultedCall = name;
                            return Faulted(targetMethod.ReturnType, Fault(progressWrites));
                        }
                        if (write)
                        {
                            writes.Add(name);
                            if (failAt is { } point && point.Is(name, writes.Count(w => w == name)))
                            {
                                faultedCall = point.ToString();
                                return Faulted(targetMethod.ReturnType, Fault(point.Number));
                            }
                        }
                    }
                }
            }
            try
            {
                return targetMethod.Invoke(inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }

        /// <summary>The import a call is for, if any.</summary>
        private static Guid? ImportOf(object?[]? args) => args?.Select(arg => arg switch
        {
            Guid id => id,
            ImportRecord record => record.Id,
            ImportWrite write => write.ImportId,
            _ => (Guid?)null,
        }).FirstOrDefault(id => id is not null);

        /// <summary>What the database throws when its disk is full or its connection drops, in turn (or the fault given to <see cref="Arm"/>).</summary>
        private DbException Fault(int k) => given ?? ((k % 2, provider) switch
        {
            (0, "sqlite") => new SqliteException("SQLite Error 13: 'database or disk is full'.", 13),
            (_, "sqlite") => new SqliteException("SQLite Error 10: 'disk I/O error'.", 10),
            (0, _) => new NpgsqlException("Exception while reading from stream", new EndOfStreamException("The connection was terminated.")),
            _ => new PostgresException("could not extend file: No space left on device", "ERROR", "ERROR", "53100"),
        });

        private static object Faulted(Type returnType, Exception exception)
        {
            if (returnType == typeof(Task)) return Task.FromException(exception);
            if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                var source = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(returnType.GetGenericArguments()[0]))!;
                source.GetType().GetMethod(nameof(TaskCompletionSource.SetException), [typeof(Exception)])!.Invoke(source, [exception]);
                return source.GetType().GetProperty(nameof(TaskCompletionSource.Task))!.GetValue(source)!;
            }
            if (returnType == typeof(ValueTask)) return ValueTask.FromException(exception);
            throw exception;
        }
    }
}
