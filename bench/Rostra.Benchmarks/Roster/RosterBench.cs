using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Rostra.Benchmarks.Data;
using Rostra.Benchmarks.EndToEnd;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Benchmarks.Roster;

/// <summary>
/// Update and sync at scale (SPEC §10), on SQLite, every figure a ratio to a baseline measured in the same run:
/// <list type="bullet">
/// <item><b>sync plan</b>: <c>rostra validate FILE --mode sync</c> of the district's own export (one row in ten with a
/// changed First Name) against the district of N users, as a child process under <c>/usr/bin/time -v</c> (wall time
/// and peak RSS); baseline: plain validation (<c>--mode create</c>) of the same rows, each with a password (a create
/// needs one), against the same district with no users.</item>
/// <item><b>write of updates</b>: the final write of an update import that changes every row's Last Name (plan
/// checked, revert data kept, users updated in one transaction), timed alone; baseline: the database's own
/// <c>UPDATE users … FROM</c> of the same new values, already loaded in a table.</item>
/// </list>
/// </summary>
internal static class RosterBench
{
    private const string Worker = "bench:0";

    public static async Task<string> RunAsync(string rostraDll, int users, string work, int repeat, CancellationToken ct)
    {
        Directory.CreateDirectory(work);
        var district = new SyntheticDistrict();
        var full = Path.Combine(work, "roster-full.db");
        var empty = Path.Combine(work, "roster-empty.db");
        foreach (var path in new[] { full, empty }) DeleteDatabase(path);
        var clock = Stopwatch.StartNew();
        await using (var store = StoreFactory.Open(full)) await DistrictSeeder.SeedAsync(store, district, users, ct);
        await using (var store = StoreFactory.Open(empty)) await DistrictSeeder.SeedAsync(store, district, 0, ct);
        Console.Error.WriteLine($"roster: seeded {users:N0} users in {clock.Elapsed.TotalSeconds:F0} s");

        // The district's own export, as an admin downloads it; one row in ten then edited.
        var exported = Path.Combine(work, "roster-export.csv");
        int students;
        await using (var store = StoreFactory.Open(full))
        await using (var writer = new StreamWriter(exported, false, CsvExport.Utf8WithBom))
            await RosterExport.WriteCsvAsync(writer, UserType.Student, store.ExportUsersAsync(district.Id, UserType.Student, ct), ct);
        var lines = await File.ReadAllLinesAsync(exported, ct);
        students = lines.Length - 1;
        var sync = Path.Combine(work, "roster-sync.csv");
        var plain = Path.Combine(work, "roster-plain.csv");
        var update = Path.Combine(work, "roster-update.csv");
        await File.WriteAllLinesAsync(sync, lines.Select((l, i) => i > 0 && i % 10 == 0 ? "X" + l : l), CsvExport.Utf8WithBom, ct);
        // Password is the 4th column of the student template; blank in the export.
        await File.WriteAllLinesAsync(plain, lines.Select((l, i) => i == 0 ? l : SetColumn(l, 3, "Bench-Password-1")), CsvExport.Utf8WithBom, ct);
        await File.WriteAllLinesAsync(update, lines.Select((l, i) => i == 0 ? l : SetColumn(l, 1, "Updated")), CsvExport.Utf8WithBom, ct);

        var planRuns = new List<ChildResult>();
        var plainRuns = new List<ChildResult>();
        for (var r = 0; r < repeat; r++)
        {
            plainRuns.Add(await ValidateAsync(rostraDll, plain, empty, "create", district.Id, ct));
            planRuns.Add(await ValidateAsync(rostraDll, sync, full, "sync", district.Id, ct));
        }
        var plan = Median(planRuns);
        var baseline = Median(plainRuns);

        var writeTimes = new List<TimeSpan>();
        var rawTimes = new List<TimeSpan>();
        for (var r = 0; r < repeat; r++)
        {
            var copy = Path.Combine(work, "roster-write.db");
            DeleteDatabase(copy);
            File.Copy(full, copy);
            writeTimes.Add(await WriteUpdatesAsync(copy, district, update, ct));
            DeleteDatabase(copy);
            File.Copy(full, copy);
            rawTimes.Add(await RawUpdateAsync(copy, update, ct));
            DeleteDatabase(copy);
        }
        var write = MedianTime(writeTimes);
        var raw = MedianTime(rawTimes);

        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# Update and sync at scale (SQLite)");
        text.AppendLine();
        text.AppendLine(string.Create(inv, $"District of {users:N0} users ({students:N0} students, 300 schools); median of {repeat} runs; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd}."));
        text.AppendLine();
        text.AppendLine("| measure | Rostra | baseline | ratio |");
        text.AppendLine("|---|---|---|---|");
        text.AppendLine(string.Create(inv, $"| sync plan of {students:N0} students (1 in 10 changed), wall | {plan.Wall.TotalSeconds:F1} s | plain validation of the same rows {baseline.Wall.TotalSeconds:F1} s | **{plan.Wall / baseline.Wall:F2}×** |"));
        text.AppendLine(string.Create(inv, $"| sync plan, peak memory (max RSS) | {plan.MaxRssMiB:F0} MiB | {baseline.MaxRssMiB:F0} MiB | **{plan.MaxRssMiB / Math.Max(1, baseline.MaxRssMiB):F2}×** |"));
        text.AppendLine(string.Create(inv, $"| write of {students:N0} updates (final write alone) | {write.TotalSeconds:F2} s | `UPDATE users … FROM` of the same rows {raw.TotalSeconds:F2} s | **{write / raw:F2}×** |"));
        text.AppendLine();
        text.AppendLine("The seconds are this machine's on this run (shared, noisy); read the ratios. How each is measured: the summary of `bench/Rostra.Benchmarks/Roster/RosterBench.cs`.");
        return text.ToString();
    }

    private static Task<ChildResult> ValidateAsync(string rostraDll, string file, string db, string mode, string districtId, CancellationToken ct) =>
        ChildProcess.RunCheckedAsync("dotnet",
            [rostraDll, "validate", file, "--district", districtId, "--type", "student", "--mode", mode, "--format", "json", "--db", db],
            measureMemory: true, cancellationToken: ct);

    /// <summary>Plans, stages and confirms an update of every row as the engine does, and times the final write alone.</summary>
    private static async Task<TimeSpan> WriteUpdatesAsync(string db, SyntheticDistrict district, string file, CancellationToken ct)
    {
        await using var store = StoreFactory.Open(db);
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), district.Id, SyntheticDistrict.ProgramId, UserType.Student, "update.csv", new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, "bench", now, Mode: ImportMode.Update);
        await store.CreateImportAsync(import, ct);
        var context = new ValidationContext(district.District, UserType.Student, district.Schools, store, new ImportLimits(),
            ImportMode.Update, store, SyntheticDistrict.ProgramId, new Sink(store, import.Id));
        ValidationResult result;
        await using (var stream = File.OpenRead(file)) result = await FileValidator.ValidateAsync(stream, context, null, ct);
        if (!result.IsValid) throw new InvalidOperationException($"The update file is not valid: {string.Join("; ", result.Errors.Take(3).Select(e => e.Message))}");
        if (!await store.RenewImportLeaseAsync(import.Id, Worker, DateTimeOffset.UtcNow.AddHours(1), ct)) throw new InvalidOperationException("No lease.");
        var batch = new List<(int ChunkNo, NewUser User)>(2000);
        var index = 0;
        await using (var stream = File.OpenRead(file))
        {
            await foreach (var user in FileValidator.ReadUsersAsync(stream, context, ct))
            {
                batch.Add((index++ / 500, user with { Password = null }));
                if (batch.Count < 2000) continue;
                await store.StageRowsAsync(import.Id, district.Id, batch, ct);
                batch.Clear();
            }
        }
        await store.StageRowsAsync(import.Id, district.Id, batch, ct);
        await store.SavePlanAsync(import.Id, result.Plan!, ct);
        if (!await store.CompleteStagingAsync(import.Id, result.Rows, [], ct)) throw new InvalidOperationException("Staging did not complete.");
        await store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, ct);
        while (await store.ClaimChunkAsync(Worker, TimeSpan.FromHours(1), ct) is { } claim)
        {
            var passwords = await store.GetChunkPasswordsAsync(claim.ImportId, claim.ChunkNo, ct);
            await store.SaveChunkHashesAsync(claim.ImportId, claim.ChunkNo, Worker, "bench", [.. passwords.Select(p => new RowHash(p.Row, null))], ct);
        }
        if (await store.ClaimFinalWriteAsync(Worker, TimeSpan.FromHours(1), ct) is null) throw new InvalidOperationException("No final write to claim.");
        var clock = Stopwatch.StartNew();
        var written = await store.WriteStagedImportAsync(new ImportWrite(import.Id, district.Id, SyntheticDistrict.ProgramId), Worker, null, ct);
        clock.Stop();
        if (!written.Succeeded) throw new InvalidOperationException($"The write failed: {string.Join("; ", written.Errors.Take(3).Select(e => e.Message))}");
        return clock.Elapsed;
    }

    /// <summary>The baseline: the new values loaded into a table (not timed), then one <c>UPDATE … FROM</c> (timed).</summary>
    private static async Task<TimeSpan> RawUpdateAsync(string db, string file, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={db}");
        await connection.OpenAsync(ct);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE bench_updates (username_key TEXT PRIMARY KEY, last_name TEXT)";
            await create.ExecuteNonQueryAsync(ct);
        }
        await using (var transaction = connection.BeginTransaction())
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO bench_updates VALUES ($u, $l)";
            var u = insert.Parameters.Add("$u", SqliteType.Text);
            var l = insert.Parameters.Add("$l", SqliteType.Text);
            foreach (var line in (await File.ReadAllLinesAsync(file, ct)).Skip(1))
            {
                var cells = line.Split(',');
                u.Value = cells[2].ToLowerInvariant();
                l.Value = cells[1];
                await insert.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        var clock = Stopwatch.StartNew();
        await using (var transaction = connection.BeginTransaction())
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE users SET last_name = b.last_name, version = users.version + 1 FROM bench_updates b WHERE users.username_key = b.username_key";
            await update.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return clock.Elapsed;
    }

    private static string SetColumn(string line, int column, string value)
    {
        // The export quotes a cell only when it holds a comma; the bench district's names, usernames and emails hold
        // none, but School ID may list several: split on the first commas only.
        var cells = line.Split(',', column + 2);
        cells[column] = value;
        return string.Join(',', cells);
    }

    private static ChildResult Median(List<ChildResult> runs) => runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);

    private static TimeSpan MedianTime(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
    }

    private sealed class Sink(IRostraStore store, Guid importId) : IPlanSink
    {
        public Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken) => store.AddPlanChangesAsync(importId, changes, cancellationToken);
    }
}
