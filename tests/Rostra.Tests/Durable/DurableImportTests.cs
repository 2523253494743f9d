using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;
using Rostra.Tests.Cli;

namespace Rostra.Tests.Durable;

/// <summary>
/// Several <c>rostra serve</c> processes on one PostgreSQL database, as production runs: work shared between nodes,
/// nodes killed with <c>kill -9</c> mid-hashing and mid-write, two confirms racing for the same usernames.
/// Each test builds its own database and district through the command line.
/// </summary>
[Collection(nameof(DurableImportTests))]
public sealed class DurableImportTests : IAsyncLifetime
{
    private const string District = "lincoln-usd";
    private static readonly string Header = TestTemplates.StudentHeader;

    private readonly List<ServeNode> nodes = [];
    private readonly List<TableHold> holds = [];
    private PostgresTestDatabase database = null!;
    private TempFolder folder = null!;
    private string db = "";
    private string token = "";

    public async Task InitializeAsync()
    {
        database = await TestPostgres.CreateDatabaseAsync();
        db = database.ConnectionString;
        folder = new TempFolder("rostra-durable-");
        await CliAsync("district", "add", District, "--name", "Lincoln USD");
        await CliAsync("program", "add", "reading", "--district", District, "--name", "Reading");
        await CliAsync("school", "add", "1001", "--district", District, "--name", "Lincoln Elementary", "--grades", "K-5");
        await CliAsync(new Dictionary<string, string?> { ["ROSTRA_PASSWORD"] = "Admin-Pass-1234!" }, "admin", "add", "admin.lincoln", "--district", District);
        token = (await CliAsync("token", "add", "--user", "admin.lincoln")).Stdout.Trim();
    }

    public async Task DisposeAsync()
    {
        foreach (var hold in holds) await hold.DisposeAsync();
        foreach (var node in nodes) await node.DisposeAsync();
        await database.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task An_upload_through_node_a_is_confirmed_through_node_b_and_hashed_by_both()
    {
        var a = await StartNodeAsync("node-a");
        var b = await StartNodeAsync("node-b");
        using var clientA = a.Client(token);
        using var clientB = b.Client(token);

        // Both nodes hash, on any machine at any load: no chunk's hashes are saved until each of the four workers, two on
        // each node, holds a hashed chunk.
        var (id, saves) = await UploadHoldingSavesAsync(clientA, Students(200));
        await saves.WaitForBlockedAsync(ChunkSave, count: 2 * ServeNode.Workers);
        await saves.DisposeAsync();
        var valid = await WaitAsync(clientB, id, s => s != ImportStatus.Validating);
        Assert.Equal(ImportStatus.Valid, Status(valid));
        using (var confirm = await clientB.PostAsync($"/api/imports/{id}/confirm", null))
            Assert.Equal(HttpStatusCode.Accepted, confirm.StatusCode);
        var done = await WaitAsync(clientA, id, ImportStatus.IsFinal);

        Assert.Equal((ImportStatus.Completed, 200), (Status(done), done.GetProperty("imported").GetInt32()));
        var shares = done.GetProperty("hashedBy").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(["node 1", "node 2"], shares.Keys.Order());
        Assert.Equal(200, shares.Values.Sum());
        Assert.All(shares.Values, rows => Assert.True(rows >= 10, $"Each node hashed at least a chunk: {string.Join(", ", shares)}"));
        Assert.Equal(200, await CountUsersAsync());
    }

    [Fact]
    public async Task A_node_killed_while_hashing_loses_no_hashed_chunk_and_the_import_completes_after_restart()
    {
        var a = await StartNodeAsync("node-a");
        using var client = a.Client(token);
        // Killed while hashing, on any machine at any load: each worker saves the hashes of one chunk, and the node is
        // killed while its workers wait to save the next ones.
        var (id, saves) = await UploadHoldingSavesAsync(client, Students(300));
        await WaitAsync(client, id, s => s == ImportStatus.Valid);
        using (await client.PostAsync($"/api/imports/{id}/confirm", null)) { }
        using var watch = WatchUsers(300);
        await saves.WaitForBlockedAsync(ChunkSave, count: ServeNode.Workers);
        saves = await PassWaitingAsync(saves, "import_rows");
        await saves.WaitForBlockedAsync(ChunkSave, count: ServeNode.Workers);

        a.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        Assert.Equal(0, await CountUsersAsync());
        var hashedBefore = (await ChunksAsync(id)).Where(c => c.HashedAt < killedAt).Select(c => c.ChunkNo).ToList();
        Assert.Equal(ServeNode.Workers, hashedBefore.Count);
        await saves.DisposeAsync();

        var restarted = await StartNodeAsync("node-a");
        using var again = restarted.Client(token);
        var done = await WaitAsync(again, id, ImportStatus.IsFinal);

        Assert.Equal((ImportStatus.Completed, 300), (Status(done), done.GetProperty("imported").GetInt32()));
        Assert.Equal(300, await CountUsersAsync());
        // Not started over: the chunks hashed before the kill were kept, not hashed again.
        var chunks = await ChunksAsync(id);
        Assert.All(hashedBefore, n => Assert.True(chunks.Single(c => c.ChunkNo == n).HashedAt < killedAt));
        await watch.AssertNeverPartialAsync();
    }

    [Fact]
    public async Task A_node_killed_during_the_final_write_leaves_no_user_and_the_import_completes_after_restart()
    {
        var a = await StartNodeAsync("node-a");
        using var client = a.Client(token);
        var id = await UploadAsync(client, Students(120));
        await WaitAsync(client, id, s => s == ImportStatus.Valid);
        using var watch = WatchUsers(120);
        // The test holds the users table, so the node's final write stops inside its transaction, at its insert.
        await using (var hold = await TableHeldAsync("users"))
        {
            using (await client.PostAsync($"/api/imports/{id}/confirm", null)) { }
            await hold.WaitForBlockedAsync("INSERT INTO users");

            a.Kill();
        }
        Assert.Equal(0, await CountUsersAsync());
        await using (var store = StoreFactory.Open(db))
            Assert.Equal(ImportStatus.Importing, (await store.GetImportAsync(District, id, default))!.Status);

        var restarted = await StartNodeAsync("node-a");
        using var again = restarted.Client(token);
        var done = await WaitAsync(again, id, ImportStatus.IsFinal);

        Assert.Equal((ImportStatus.Completed, 120), (Status(done), done.GetProperty("imported").GetInt32()));
        Assert.Equal(120, await CountUsersAsync());
        var list = await CliAsync("users", "list", "--district", District, "--format", "json");
        Assert.Equal(121, JsonDocument.Parse(list.Stdout).RootElement.GetArrayLength());
        await watch.AssertNeverPartialAsync();
    }

    [Fact]
    public async Task Two_confirms_of_overlapping_files_at_once_exactly_one_succeeds_and_the_other_writes_nothing()
    {
        var a = await StartNodeAsync("node-a");
        var b = await StartNodeAsync("node-b");
        using var clientA = a.Client(token);
        using var clientB = b.Client(token);
        var first = await UploadAsync(clientA, Students(60, from: 1));
        var second = await UploadAsync(clientB, Students(60, from: 41));
        await WaitAsync(clientA, first, s => s == ImportStatus.Valid);
        await WaitAsync(clientB, second, s => s == ImportStatus.Valid);

        var confirms = await Task.WhenAll(clientA.PostAsync($"/api/imports/{first}/confirm", null), clientB.PostAsync($"/api/imports/{second}/confirm", null));
        foreach (var confirm in confirms) confirm.Dispose();
        var results = await Task.WhenAll(WaitAsync(clientB, first, ImportStatus.IsFinal), WaitAsync(clientA, second, ImportStatus.IsFinal));

        Assert.Equal([ImportStatus.Completed, ImportStatus.Failed], results.Select(Status).Order());
        var loser = results.Single(r => Status(r) == ImportStatus.Failed);
        Assert.Equal(20, loser.GetProperty("errorCount").GetInt32());
        var errors = await clientA.GetFromJsonAsync<JsonElement>($"/api/imports/{loser.GetProperty("id").GetGuid()}/errors?limit=100");
        Assert.All(errors.GetProperty("items").EnumerateArray(), e => Assert.Equal("username.taken", e.GetProperty("code").GetString()));
        Assert.Equal(60, await CountUsersAsync());
    }

    [Fact]
    public async Task Two_processes_migrating_a_fresh_database_at_once_both_succeed_and_apply_each_migration_once()
    {
        await using var freshDatabase = await TestPostgres.CreateDatabaseAsync();
        var fresh = freshDatabase.ConnectionString;
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            RostraProcess.RunAsync(folder.Path, new Dictionary<string, string?>(), null, "--db", fresh, "db", "migrate")));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        await using var connection = new NpgsqlConnection(fresh);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
        await using var r = await command.ExecuteReaderAsync();
        await r.ReadAsync();
        Assert.Equal(r.GetInt64(1), r.GetInt64(0));
        Assert.True(r.GetInt64(0) >= 2);
    }

    // Helpers.

    /// <summary>How the statement that saves a chunk's hashes begins (PostgreSQL).</summary>
    private const string ChunkSave = "WITH chunk AS";

    /// <summary>
    /// Uploads <paramref name="csv"/>, no chunk's hashes to be saved until the test lets them: the chunks table is held
    /// while the upload is checked (no chunk is made, none claimed), then the staged rows, before the chunks are made.
    /// </summary>
    private async Task<(Guid Id, TableHold Saves)> UploadHoldingSavesAsync(HttpClient client, string csv)
    {
        var made = await TableHeldAsync("import_chunks");
        var id = await UploadAsync(client, csv);
        await made.WaitForBlockedAsync("INSERT INTO import_chunks");
        var saves = await TableHeldAsync("import_rows");
        await made.DisposeAsync();
        return (id, saves);
    }

    /// <summary>Locks <paramref name="table"/> against writes (reads go on) until disposed, or the test ends.</summary>
    private async Task<TableHold> TableHeldAsync(string table)
    {
        var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        var hold = new TableHold(connection, transaction, database.Name);
        holds.Add(hold);
        await using (var command = new NpgsqlCommand($"LOCK TABLE {table} IN SHARE MODE", connection, transaction))
            await command.ExecuteNonQueryAsync();
        return hold;
    }

    /// <summary>
    /// Lets through the writes waiting for <paramref name="hold"/> now, and holds <paramref name="table"/> again for the
    /// next ones: PostgreSQL queues the new lock behind the writes that waited first, so they go, then it is taken.
    /// </summary>
    private async Task<TableHold> PassWaitingAsync(TableHold hold, string table)
    {
        var next = TableHeldAsync(table);
        await hold.WaitForBlockedAsync($"LOCK TABLE {table}");
        await hold.DisposeAsync();
        return await next;
    }

    /// <summary>A table the test holds: released when disposed, once.</summary>
    private sealed class TableHold(NpgsqlConnection connection, NpgsqlTransaction transaction, string databaseName) : IAsyncDisposable
    {
        private bool released;

        /// <summary>Waits until <paramref name="count"/> statements that contain <paramref name="statement"/> wait for a lock at once.</summary>
        public async Task WaitForBlockedAsync(string statement, int count = 1)
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            await using var probe = new NpgsqlConnection(TestPostgres.Server);
            await probe.OpenAsync();
            while (true)
            {
                await using var command = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND wait_event_type = 'Lock' AND strpos(query, @statement) > 0", probe);
                command.Parameters.AddWithValue("db", databaseName);
                command.Parameters.AddWithValue("statement", statement);
                var blocked = (long)(await command.ExecuteScalarAsync())!;
                if (blocked >= count) return;
                if (DateTime.UtcNow > until) throw new TimeoutException($"{blocked} of {count} statements '{statement}…' ever waited for the lock at once.");
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (released) return;
            released = true;
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private async Task<ServeNode> StartNodeAsync(string nodeId, IReadOnlyDictionary<string, string>? environment = null)
    {
        var nodeFolder = Directory.CreateDirectory(folder.File(nodeId)).FullName;
        var node = await ServeNode.StartAsync(db, nodeId, nodeFolder, environment);
        nodes.Add(node);
        return node;
    }

    private Task<CliRun> CliAsync(params string[] args) => CliAsync(new Dictionary<string, string?>(), args);

    private async Task<CliRun> CliAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var run = await RostraProcess.RunAsync(folder.Path, environment, null, ["--db", db, .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    private static string Students(int count, int from = 1) =>
        Header + "\r\n" + string.Concat(Enumerable.Range(from, count).Select(i => $"Ann{i},Lee,student{i},Secret-Pass{i}!,{1 + (i % 5)},1001,\r\n"));

    private static async Task<Guid> UploadAsync(HttpClient client, string csv)
    {
        using var form = new MultipartFormDataContent { { new StringContent("student"), "type" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "students.csv");
        using var response = await client.PostAsync("/api/imports", form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static string Status(JsonElement view) => view.GetProperty("status").GetString()!;

    private static async Task<JsonElement> WaitAsync(HttpClient client, Guid id, Func<string, bool> status, Func<JsonElement, bool>? also = null)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
            if (status(Status(view)) && (also is null || also(view))) return view;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Import {id} is still {view}.");
            await Task.Delay(100);
        }
    }

    private async Task<int> CountUsersAsync()
    {
        await using var store = StoreFactory.Open(db);
        return (await store.ListUsersAsync(new UserQuery(District, Type: "student", Limit: 0), default)).Total;
    }

    private async Task<IReadOnlyList<ChunkInfo>> ChunksAsync(Guid id)
    {
        await using var store = StoreFactory.Open(db);
        return await store.GetImportChunksAsync(id, default);
    }

    /// <summary>Counts the students over and over while the test runs: never anything but none or all of them.</summary>
    private UserWatch WatchUsers(int all) => new(this, all);

    private sealed class UserWatch : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task<List<int>> counts;

        public UserWatch(DurableImportTests test, int all)
        {
            counts = Task.Run(async () =>
            {
                var seen = new List<int>();
                while (!stop.IsCancellationRequested)
                {
                    seen.Add(await test.CountUsersAsync());
                    await Task.Delay(20);
                }
                return seen;
            });
            All = all;
        }

        private int All { get; }

        public async Task AssertNeverPartialAsync()
        {
            await stop.CancelAsync();
            var seen = await counts;
            Assert.NotEmpty(seen);
            Assert.All(seen, n => Assert.True(n == 0 || n == All, $"A partial import was visible: {n} of {All} users."));
        }

        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }
}
