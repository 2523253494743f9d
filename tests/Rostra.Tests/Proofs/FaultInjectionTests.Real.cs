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

namespace Rostra.Tests.Proofs;

/// <summary>
/// Real faults in the final write, not exceptions thrown in the database's place: a SQLite file that cannot grow
/// (<c>PRAGMA max_page_count</c> at its size, on the write's own connection) and a PostgreSQL backend ended by
/// <c>pg_terminate_backend</c> from another session while the write's transaction is open. Each waits on what happens
/// (the write's own progress report, the backend's end, the import's status), never on time.
/// </summary>
public sealed partial class FaultInjectionTests
{
    [Fact]
    public async Task A_sqlite_file_that_cannot_grow_during_the_final_write_fails_the_import_saying_so_and_it_imports_once_there_is_room()
    {
        var (folder, path, inner) = await OpenSqliteAsync();
        var seam = FinalWriteSeam.Wrap(inner);
        long unlimited;
        await using (var probe = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await probe.OpenAsync();
            unlimited = await ScalarAsync(probe, "PRAGMA main.max_page_count");
        }
        var full = true;
        long? pages = null;
        // Pooled connections keep the limit: every other connection is given back its room when it opens.
        ((SqlStore)inner).ConnectionOpened = async (connection, ct) =>
        {
            var sqlite = (SqliteConnection)connection;
            if (full && FinalWriteSeam.InFinalWrite)
            {
                pages = await ScalarAsync(sqlite, "PRAGMA main.page_count", ct);
                await ScalarAsync(sqlite, $"PRAGMA main.max_page_count = {pages}", ct);
            }
            else
            {
                await ScalarAsync(sqlite, $"PRAGMA main.max_page_count = {unlimited}", ct);
            }
        };
        var web = await WebApp.StartAsync(settings => settings with { Store = seam.Store, Development = false }, folder);
        try
        {
            var district = await web.CreateDistrictAsync();
            using var client = web.Client(district.AdminToken);
            var csv = district.Students(300);

            var (status, message) = await ImportAsync(client, csv);
            var fault = Assert.Single(seam.Faults);
            Assert.True(fault is SqliteException { SqliteErrorCode: 13 }, $"The write failed on {fault.GetType().Name}: {fault.Message}");
            Assert.Equal((ImportStatus.Failed, ImportMessages.OutOfSpace, 0), (status, message, await CountStudentsAsync(client)));
            await AssertIntactAsync(inner, "sqlite");

            // Room again: the same file imports.
            full = false;
            var (again, _) = await ImportAsync(client, csv);
            Assert.Equal((ImportStatus.Completed, 300), (again, await CountStudentsAsync(client)));
            await AssertIntactAsync(inner, "sqlite");
            ProofReport.Write(output, "faults", $"sqlite real disk full: the file held at {pages} pages, the final write failed with SQLITE_FULL, " +
                $"the import ended '{status}' ({message}) with 0 users, integrity ok; with room again the same file imported {again} (300 users)");
        }
        finally
        {
            await web.DisposeAsync();
            await inner.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_postgres_backend_ended_during_the_final_write_writes_nothing_and_the_write_is_tried_again_or_the_import_fails()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("rostra-terminate-").FullName;
        var inner = StoreFactory.Open(database.ConnectionString);
        FaultingStore.Connections[inner] = database.ConnectionString;
        await inner.MigrateAsync(default);
        var seam = FinalWriteSeam.Wrap(inner);
        // The backend of the write's own connection, ended from an admin session while the write's transaction is open.
        var backends = new List<int>();
        ((SqlStore)inner).ConnectionOpened = (connection, _) =>
        {
            if (FinalWriteSeam.InFinalWrite)
            {
                lock (backends) backends.Add(((NpgsqlConnection)connection).ProcessID);
            }
            return Task.CompletedTask;
        };
        var terminations = 0;
        void Terminate()
        {
            int pid;
            lock (backends) pid = backends[^1];
            using var admin = new NpgsqlConnection(TestPostgres.Server);
            admin.Open();
            // Waits (up to a minute) until the backend has actually exited.
            using var end = new NpgsqlCommand("SELECT pg_terminate_backend(@pid, 60000)", admin);
            end.Parameters.AddWithValue("pid", pid);
            Assert.Equal(true, end.ExecuteScalar());
            Interlocked.Increment(ref terminations);
        }
        var web = await WebApp.StartAsync(settings => settings with { Store = seam.Store, Development = false }, folder);
        try
        {
            // Once: the write is ended mid-transaction, nothing is written, the import is still importing; the engine's
            // next try (held until the database is checked) writes every user.
            var district = await web.CreateDistrictAsync();
            using var client = web.Client(district.AdminToken);
            var csv = district.Students(30);
            seam.Arm(during: Terminate, times: 1, holdRetry: true);
            var id = await ConfirmAsync(client, csv);
            var fault = await seam.FirstFault.Task.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(fault is NpgsqlException, $"The write failed on {fault.GetType().Name}: {fault.Message}");
            var between = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
            Assert.Equal(ImportStatus.Importing, between.GetProperty("status").GetString());
            Assert.Equal(0, await CountStudentsAsync(client));
            await AssertIntactAsync(inner, "postgres");
            seam.Release();
            var done = await WebApp.WaitAsync(client, id);
            Assert.Equal((ImportStatus.Completed, 30), (done.GetProperty("status").GetString()!, await CountStudentsAsync(client)));
            Assert.Equal((1, 2), (terminations, seam.Writes));
            await AssertIntactAsync(inner, "postgres");

            // Every time: after the engine's last try the import fails, nothing written; the same file then imports.
            var other = await web.CreateDistrictAsync();
            using var otherClient = web.Client(other.AdminToken);
            var otherCsv = other.Students(30);
            seam.Arm(during: Terminate, times: int.MaxValue, holdRetry: false);
            var (status, message) = await ImportAsync(otherClient, otherCsv);
            var writes = seam.Writes;
            Assert.Equal((ImportStatus.Failed, ImportMessages.Failed, 0), (status, message, await CountStudentsAsync(otherClient)));
            Assert.Equal(ImportEngine.FinalWriteAttempts, writes);
            await AssertIntactAsync(inner, "postgres");
            seam.Arm(during: null, times: 0, holdRetry: false);
            var (again, _) = await ImportAsync(otherClient, otherCsv);
            Assert.Equal((ImportStatus.Completed, 30), (again, await CountStudentsAsync(otherClient)));
            await AssertIntactAsync(inner, "postgres");
            ProofReport.Write(output, "faults", $"postgres pg_terminate_backend in the final write: once, 0 users until the retry, then completed (30 users); " +
                $"at each of {writes} tries, '{status}' ({message}) with 0 users, then the same file imported {again}");
        }
        finally
        {
            await web.DisposeAsync();
            await inner.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(database.Name);
        }
    }

    /// <summary>Uploads, waits until valid, confirms; returns the import's id.</summary>
    private static async Task<Guid> ConfirmAsync(HttpClient client, string csv)
    {
        var view = await WebApp.UploadAndWaitAsync(client, "student", csv);
        Assert.Equal(ImportStatus.Valid, view.GetProperty("status").GetString());
        var id = view.GetProperty("id").GetGuid();
        using var confirm = await client.PostAsync($"/api/imports/{id}/confirm", null);
        Assert.True(confirm.IsSuccessStatusCode, $"confirm answered {(int)confirm.StatusCode}");
        return id;
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The store given to the app, seeing every final write (<see cref="IJobStore.WriteStagedImportAsync"/>): it marks
    /// the write's own flow (<see cref="InFinalWrite"/>, so the connection seam knows the write's connection), runs
    /// <c>during</c> at the write's first progress report (inside its transaction, before any user is moved), records
    /// what the write threw, and can hold the next try until the test has looked at the database.
    /// </summary>
    public class FinalWriteSeam : DispatchProxy
    {
        private static readonly AsyncLocal<bool> Marked = new();

        private readonly Lock gate = new();
        private IRostraStore inner = null!;
        private Action? during;
        private int times;
        private TaskCompletionSource? held;
        private int writes;

        /// <summary>True inside a final write's own calls (and the connections it opens).</summary>
        public static bool InFinalWrite => Marked.Value;

        public IRostraStore Store => (IRostraStore)(object)this;

        /// <summary>The final writes tried since <see cref="Arm"/>.</summary>
        public int Writes => Volatile.Read(ref writes);

        public List<Exception> Faults { get; } = [];

        public TaskCompletionSource<Exception> FirstFault { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static FinalWriteSeam Wrap(IRostraStore inner)
        {
            var seam = (FinalWriteSeam)(object)Create<IRostraStore, FinalWriteSeam>();
            seam.inner = inner;
            return seam;
        }

        /// <summary>Runs <paramref name="during"/> in the next <paramref name="times"/> writes; with <paramref name="holdRetry"/>, every try after the first waits for <see cref="Release"/>.</summary>
        public void Arm(Action? during, int times, bool holdRetry)
        {
            lock (gate)
            {
                this.during = during;
                this.times = times;
                held = holdRetry ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
                writes = 0;
                Faults.Clear();
                FirstFault = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Release() => held?.TrySetResult();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IJobStore.WriteStagedImportAsync))
            {
                return WriteAsync((ImportWrite)args![0]!, (string)args[1]!, (Func<CancellationToken, Task>?)args[2], (CancellationToken)args[3]!);
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

        private async Task<WriteResult> WriteAsync(ImportWrite write, string worker, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
        {
            Action? act;
            Task? wait;
            lock (gate)
            {
                wait = writes++ > 0 ? held?.Task : null;
                act = times > 0 ? during : null;
                if (act is not null) times--;
            }
            if (wait is not null) await wait.WaitAsync(cancellationToken);
            if (act is not null)
            {
                var reported = 0;
                var caller = write.Written;
                write = write with
                {
                    Written = new Reporter(rows =>
                    {
                        if (Interlocked.Exchange(ref reported, 1) == 0) act();
                        caller?.Report(rows);
                    }),
                };
            }
            Marked.Value = true;
            try
            {
                return await inner.WriteStagedImportAsync(write, worker, beforeCommit, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lock (gate) Faults.Add(e);
                FirstFault.TrySetResult(e);
                throw;
            }
        }

        private sealed class Reporter(Action<int> action) : IProgress<int>
        {
            public void Report(int value) => action(value);
        }
    }
}
