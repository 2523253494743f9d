using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Rostra.Benchmarks.Data;
using Rostra.Benchmarks.EndToEnd;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Benchmarks.Roster;

/// <summary>What the roster run is asked to do.</summary>
internal sealed record RosterOptions(
    string RostraDll, int Students, int Updates, IReadOnlyList<string> Providers, string PostgresAdmin, string WorkDirectory, int Repeat, bool WriteOnly = false, bool PlanOnly = false, bool Keep = false);

/// <summary>One database's figures: medians of the runs (wall time and peak memory each on its own); the load average when its writes ended.</summary>
internal sealed record RosterMeasure(string Provider, ChildResult Plan, ChildResult Plain, TimeSpan Write, TimeSpan Raw, TimeSpan Seed, string WriteLoad = "");

/// <summary>
/// Update and sync at scale (SPEC §10), on SQLite and PostgreSQL, every figure a ratio to a baseline measured in the
/// same run on the same rows:
/// <list type="bullet">
/// <item><b>sync plan</b>: <c>rostra validate FILE --mode sync</c> of the district's own export of its N students (one
/// row in ten with a changed First Name) against that district, as a child process under <c>/usr/bin/time -v</c> (wall
/// time and peak RSS; the plan's changes are written to the database as on the web); baseline: plain validation
/// (<c>--mode create</c>) of the same rows, each with a password (a new user needs one), against the same district with
/// no users, so every row is valid in both.</item>
/// <item><b>write of updates</b>: the final write of an update import of the first 100,000 students with a changed Last
/// Name (the plan checked against the users' versions, revert data kept, users updated, in one transaction), timed
/// alone on a fresh copy of the district; baseline: the database's own <c>UPDATE users … FROM</c> of the same new values,
/// already loaded into a table, on another fresh copy.</item>
/// </list>
/// </summary>
internal static class RosterBench
{
    private const string Worker = "bench:0";

    /// <summary>Issue 9's targets at 1,000,000 students on this 2-core machine.</summary>
    private static readonly TimeSpan PlanTarget = TimeSpan.FromSeconds(15);

    private const double PlanMemoryTargetMB = 500;
    private const double WriteTarget = 2.0;

    public static async Task<string> RunAsync(RosterOptions options, CancellationToken ct)
    {
        var work = Path.GetFullPath(options.WorkDirectory);
        Directory.CreateDirectory(work);
        var district = new SyntheticDistrict();
        var clock = Stopwatch.StartNew();
        var users = UsersForStudents(options.Students);
        var files = (RosterFiles?)null;
        var measures = new List<RosterMeasure>();
        var paging = new List<(string Provider, PagingMeasure Measure)>();
        foreach (var provider in options.Providers)
        {
            BenchDatabase db = provider switch
            {
                "sqlite" => new SqliteBenchDatabase(work),
                "postgres" => new PostgresBenchDatabase(options.PostgresAdmin),
                _ => throw new UsageException($"Unknown provider '{provider}': sqlite or postgres."),
            };
            const string full = "rostra_bench_roster_full", empty = "rostra_bench_roster_empty", target = "rostra_bench_roster_write";
            var seedClock = Stopwatch.StartNew();
            await SeedAsync(db, full, district, users, ct);
            var seed = seedClock.Elapsed;
            if (!options.WriteOnly) await SeedAsync(db, empty, district, 0, ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"roster {provider}: seeded {users:N0} users ({options.Students:N0} students) in {seed.TotalSeconds:F0} s"));
            // The files come from the first database's export; every database holds the same district.
            files ??= await WriteFilesAsync(db.Connection(full), district, options.Updates, work, ct);

            // The writes first, on copies of the district as seeded; the plans below record imports in the original.
            var writeTimes = new List<TimeSpan>();
            var rawTimes = new List<TimeSpan>();
            for (var r = 0; r < (options.PlanOnly ? 0 : options.Repeat); r++)
            {
                await db.CloneAsync(full, target, ct);
                writeTimes.Add(await WriteUpdatesAsync(db.Connection(target), district, files.Update, ct));
                await db.CloneAsync(full, target, ct);
                rawTimes.Add(db is PostgresBenchDatabase
                    ? await RawUpdatePostgresAsync(db.Connection(target), files.UpdateValues, ct)
                    : await RawUpdateSqliteAsync(db.Connection(target), files.UpdateValues, ct));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"roster {provider}: write of {files.Updates:N0} updates {writeTimes[^1].TotalSeconds:F2} s, UPDATE … FROM {rawTimes[^1].TotalSeconds:F2} s, load average {LoadAverage()}"));
            }
            var writeLoad = LoadAverage();
            await db.DropAsync(target, ct);
            if (options.WriteOnly)
            {
                await db.DropAsync(full, ct);
                measures.Add(new RosterMeasure(provider, NotRun, NotRun, MedianTime(writeTimes), MedianTime(rawTimes), seed, writeLoad));
                continue;
            }

            var planRuns = new List<ChildResult>();
            var plainRuns = new List<ChildResult>();
            for (var r = 0; r < options.Repeat; r++)
            {
                // Alternating, so neither side always runs on a warmer machine.
                plainRuns.Add(await ValidateAsync(options.RostraDll, files.Plain, db.Connection(empty), "create", district.Id, files.Students, ct));
                planRuns.Add(await ValidateAsync(options.RostraDll, files.Sync, db.Connection(full), "sync", district.Id, files.Students, ct));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"roster {provider}: sync plan {planRuns[^1].Wall.TotalSeconds:F1} s {planRuns[^1].MaxRssMiB:F0} MiB, plain {plainRuns[^1].Wall.TotalSeconds:F1} s {plainRuns[^1].MaxRssMiB:F0} MiB"));
            }
            // The changes table of the last plan, as its page reads it: the plan of every student is in the database now.
            paging.Add((provider, await MeasurePagingAsync(db.Connection(full), district.Id, ImportId(planRuns[^1]), ct)));
            if (!options.Keep)
            {
                await db.DropAsync(full, ct);
                await db.DropAsync(empty, ct);
            }
            else Console.Error.WriteLine($"roster {provider}: kept {db.Connection(full)} and {db.Connection(empty)}; files in {work}");
            measures.Add(new RosterMeasure(provider, Median(planRuns), Median(plainRuns),
                options.PlanOnly ? TimeSpan.Zero : MedianTime(writeTimes), options.PlanOnly ? TimeSpan.Zero : MedianTime(rawTimes), seed, writeLoad));
        }
        return options.WriteOnly ? WriteReport(options, files!, measures, clock.Elapsed) : Report(options, files!, measures, clock.Elapsed) + PagingReport(paging);
    }

    /// <summary>The import a <c>rostra validate --format json</c> recorded: its <c>"id"</c>.</summary>
    private static Guid ImportId(ChildResult validate)
    {
        var match = System.Text.RegularExpressions.Regex.Match(validate.Stdout, "\"id\": \"([0-9a-f-]{36})\"");
        return match.Success ? Guid.Parse(match.Groups[1].Value) : throw new InvalidOperationException("validate printed no import id.");
    }

    /// <summary>A page of 100 of the changes table, where it starts and what it shows, against reading the import's record.</summary>
    internal sealed record PagingMeasure(int Total, TimeSpan Baseline, IReadOnlyList<(string Page, int Total, TimeSpan Time)> Pages);

    /// <summary>
    /// The changes table as <c>GET /api/imports/{id}/changes</c> reads it (<c>GetPlanChangesAsync</c>, a page of 100 and
    /// its total): the first page, a middle one, the last one, and filtered by action (update first and last, unchanged
    /// last); each the median of 7 reads. Baseline: reading the import's own record by id (<c>GetImportAsync</c>), which
    /// the endpoint does first.
    /// </summary>
    private static async Task<PagingMeasure> MeasurePagingAsync(string db, string districtId, Guid importId, CancellationToken ct)
    {
        const int Limit = 100;
        await using var store = StoreFactory.Open(db);
        var all = (await store.GetPlanChangesAsync(importId, null, 0, 1, ct)).Total;
        var updates = (await store.GetPlanChangesAsync(importId, PlanAction.Update, 0, 1, ct)).Total;
        var unchanged = (await store.GetPlanChangesAsync(importId, PlanAction.Unchanged, 0, 1, ct)).Total;
        async Task<TimeSpan> TimeAsync(Func<Task> read)
        {
            await read();
            var times = new List<TimeSpan>();
            for (var i = 0; i < 7; i++)
            {
                var clock = Stopwatch.StartNew();
                await read();
                times.Add(clock.Elapsed);
            }
            return MedianTime(times);
        }
        var baseline = await TimeAsync(async () => _ = await store.GetImportAsync(districtId, importId, ct) ?? throw new InvalidOperationException("No such import."));
        var pages = new List<(string, int, TimeSpan)>();
        foreach (var (name, action, offset) in new (string, PlanAction?, int)[]
        {
            ("all, first page", null, 0),
            ("all, middle page", null, all / 2),
            ("all, last page", null, Math.Max(0, all - Limit)),
            ("update, first page", PlanAction.Update, 0),
            ("update, last page", PlanAction.Update, Math.Max(0, updates - Limit)),
            ("unchanged, last page", PlanAction.Unchanged, Math.Max(0, unchanged - Limit)),
        })
        {
            PlanChangePage page = null!;
            var time = await TimeAsync(async () => page = await store.GetPlanChangesAsync(importId, action, offset, Limit, ct));
            if (page.Items.Count == 0) throw new InvalidOperationException($"The changes page '{name}' is empty.");
            pages.Add((name, page.Total, time));
        }
        return new PagingMeasure(all, baseline, pages);
    }

    private static string PagingReport(List<(string Provider, PagingMeasure Measure)> paging)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("## The changes table");
        text.AppendLine();
        text.AppendLine("The last sync plan's changes as `GET /api/imports/{id}/changes` reads them (a page of 100 and its total), each the median of 7 reads. Baseline: reading the import's own record by id, which the endpoint does first.");
        text.AppendLine();
        text.AppendLine("| database | page | offset's total | ms | import record ms | **×** |");
        text.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (provider, m) in paging)
        {
            foreach (var (page, total, time) in m.Pages)
                text.AppendLine(string.Create(inv, $"| {provider} | {page} | {total:N0} | {time.TotalMilliseconds:F2} | {m.Baseline.TotalMilliseconds:F2} | **{time / m.Baseline:F1}** |"));
        }
        return text.ToString();
    }

    /// <summary>The plan figures of a <c>--write-only</c> run, which measures no plan.</summary>
    private static readonly ChildResult NotRun = new(0, TimeSpan.Zero, null, "", "");

    /// <summary>Every 20th seeded user is a teacher (<see cref="SyntheticDistrict.ExistingUser"/>): the users to seed for N students.</summary>
    private static long UsersForStudents(int students)
    {
        long users = students;
        while (users - (users + 19) / 20 < students) users++;
        return users;
    }

    private static async Task SeedAsync(BenchDatabase db, string name, SyntheticDistrict district, long users, CancellationToken ct)
    {
        await db.DropAsync(name, ct);
        if (db is PostgresBenchDatabase pg) await pg.CreateAsync(name, ct);
        // Through the database's own bulk path: a million users through the import engine would take longer than the measurements.
        await BulkSeeder.SeedAsync(db.Connection(name), district, users, ct);
        await db.SettleAsync(name, ct);
    }

    private sealed record RosterFiles(string Sync, string Plain, string Update, string UpdateValues, int Students, int Updates, double SyncMiB);

    /// <summary>
    /// The district's own export, as an admin downloads it, written four ways in one pass, each cell through the
    /// export's own CSV writer: the sync file (one row in ten with a changed First Name), the same rows with a
    /// password (plain validation), the first <paramref name="updates"/> rows with a changed Last Name (the update
    /// file), and those rows' lower-cased usernames with the new Last Name (the baseline's table).
    /// </summary>
    private static async Task<RosterFiles> WriteFilesAsync(string connection, SyntheticDistrict district, int updates, string work, CancellationToken ct)
    {
        var files = new RosterFiles(Path.Combine(work, "roster-sync.csv"), Path.Combine(work, "roster-plain.csv"), Path.Combine(work, "roster-update.csv"),
            Path.Combine(work, "roster-update-values.tsv"), 0, 0, 0);
        const UserType type = UserType.Student;
        var header = RosterExport.Header(type);
        var password = Templates.Columns(type).ToList().IndexOf(Column.Password);
        var first = Templates.Columns(type).ToList().IndexOf(Column.FirstName);
        var last = Templates.Columns(type).ToList().IndexOf(Column.LastName);
        int students = 0, updated = 0;
        await using (var store = StoreFactory.Open(connection))
        await using (var sync = new StreamWriter(files.Sync, false, CsvExport.Utf8WithBom))
        await using (var plain = new StreamWriter(files.Plain, false, CsvExport.Utf8WithBom))
        await using (var update = new StreamWriter(files.Update, false, CsvExport.Utf8WithBom))
        await using (var values = new StreamWriter(files.UpdateValues, false, new UTF8Encoding(false)))
        {
            foreach (var writer in new[] { sync, plain, update }) CsvExport.WriteRecord(writer, header);
            await foreach (var user in store.ExportUsersAsync(district.Id, type, ct))
            {
                var cells = RosterExport.Cells(type, user).ToArray();
                var changed = (string?[])cells.Clone();
                if (students % 10 == 9) changed[first] = "X" + changed[first];
                CsvExport.WriteRecord(sync, changed);
                changed[password] = "Bench-Password-1";
                CsvExport.WriteRecord(plain, changed);
                if (updated < updates)
                {
                    var newLast = "Updated" + (user.LastName ?? "");
                    cells[last] = newLast;
                    CsvExport.WriteRecord(update, cells);
                    await values.WriteLineAsync($"{user.Username.ToLowerInvariant()}\t{newLast}");
                    updated++;
                }
                students++;
            }
        }
        return files with { Students = students, Updates = updated, SyncMiB = new FileInfo(files.Sync).Length / 1048576.0 };
    }

    private static async Task<ChildResult> ValidateAsync(string rostraDll, string file, string db, string mode, string districtId, int rows, CancellationToken ct)
    {
        var result = await ChildProcess.RunCheckedAsync("dotnet",
            [rostraDll, "validate", file, "--district", districtId, "--type", "student", "--mode", mode, "--format", "json", "--db", db],
            measureMemory: true, cancellationToken: ct);
        // A run that did not validate every row measures nothing.
        if (!result.Stdout.Contains("\"status\": \"valid\"", StringComparison.Ordinal) || !result.Stdout.Contains($"\"rows\": {rows},", StringComparison.Ordinal))
            throw new InvalidOperationException($"validate --mode {mode} did not find all {rows:N0} rows valid:\n{result.Stdout[..Math.Min(2000, result.Stdout.Length)]}");
        return result;
    }

    /// <summary>Plans, stages and confirms an update of every row of <paramref name="file"/> as the engine does, and times the final write alone.</summary>
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
        if (result.Plan!.Counts.Update != result.Rows) throw new InvalidOperationException($"The update file plans {result.Plan.Counts}, not {result.Rows:N0} updates.");
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

    private const string RawUpdate =
        "UPDATE users SET last_name = b.last_name, version = users.version + 1 FROM bench_updates b WHERE users.username_key = b.username_key";

    /// <summary>The SQLite baseline: the new values loaded into a table (not timed), then one <c>UPDATE … FROM</c> (timed).</summary>
    private static async Task<TimeSpan> RawUpdateSqliteAsync(string db, string values, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        await connection.OpenAsync(ct);
        // As the store opens a connection: the users' search trigger folds names with the code's own folding.
        connection.CreateFunction("rostra_fold", (string? text) => text is null ? null : Rostra.Storage.Search.SearchText.Fold(text), isDeterministic: true);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; CREATE TABLE bench_updates (username_key TEXT PRIMARY KEY, last_name TEXT)";
            await create.ExecuteNonQueryAsync(ct);
        }
        await using (var transaction = connection.BeginTransaction())
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO bench_updates VALUES ($u, $l)";
            var u = insert.Parameters.Add("$u", SqliteType.Text);
            var l = insert.Parameters.Add("$l", SqliteType.Text);
            foreach (var (key, last) in ReadValues(values))
            {
                u.Value = key;
                l.Value = last;
                await insert.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        var clock = Stopwatch.StartNew();
        await using (var transaction = connection.BeginTransaction())
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = RawUpdate;
            await update.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return clock.Elapsed;
    }

    /// <summary>The PostgreSQL baseline: the new values copied into an analysed table (not timed), then one <c>UPDATE … FROM</c> (timed).</summary>
    private static async Task<TimeSpan> RawUpdatePostgresAsync(string db, string values, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var create = new NpgsqlCommand("CREATE TABLE bench_updates (username_key text PRIMARY KEY, last_name text)", connection))
            await create.ExecuteNonQueryAsync(ct);
        await using (var copy = await connection.BeginBinaryImportAsync("COPY bench_updates (username_key, last_name) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (key, last) in ReadValues(values))
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(key, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(last, NpgsqlDbType.Text, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE bench_updates", connection)) await analyze.ExecuteNonQueryAsync(ct);
        var clock = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        await using (var update = new NpgsqlCommand(RawUpdate, connection, transaction) { CommandTimeout = 0 })
        {
            await update.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return clock.Elapsed;
    }

    /// <summary>The baseline's values: <c>username_key</c> TAB <c>last_name</c> a line, as written above (neither holds a tab).</summary>
    private static IEnumerable<(string Key, string Last)> ReadValues(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            yield return (line[..tab], line[(tab + 1)..]);
        }
    }

    private static string Report(RosterOptions options, RosterFiles files, List<RosterMeasure> measures, TimeSpan took)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# Update and sync at scale");
        text.AppendLine();
        text.AppendLine(string.Create(inv,
            $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {took.TotalMinutes:F0} min, by `./bench.sh --roster{(options.PlanOnly ? " --plan-only" : "")} --students {options.Students} --repeat {options.Repeat}`; {Environment.ProcessorCount} cores. A district of {files.Students:N0} students (and a teacher for every 19; 300 schools); each figure is the median of {options.Repeat} runs. The seconds are this shared machine's on this run: read the ratios."));
        text.AppendLine();
        text.AppendLine("## The sync plan");
        text.AppendLine();
        text.AppendLine(string.Create(inv,
            $"`rostra validate FILE --mode sync` of the district's own export ({files.Students:N0} rows, {files.SyncMiB:F0} MiB, one row in ten with a changed First Name) against the district, as a child process under `/usr/bin/time -v`; its plan's changes are written to the database as on the web. Baseline: `rostra validate --mode create` of the same rows, each with a password, against the same district with no users."));
        text.AppendLine();
        text.AppendLine("| database | plan s | plain validation s | **time ×** | plan peak RSS MiB | plain peak RSS MiB | **memory ×** |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var m in measures)
            text.AppendLine(string.Create(inv,
                $"| {m.Provider} | {m.Plan.Wall.TotalSeconds:F1} | {m.Plain.Wall.TotalSeconds:F1} | **{m.Plan.Wall / m.Plain.Wall:F2}** | {m.Plan.MaxRssMiB:F0} | {m.Plain.MaxRssMiB:F0} | **{m.Plan.MaxRssMiB / Math.Max(1, m.Plain.MaxRssMiB):F2}** |"));
        text.AppendLine();
        if (!options.PlanOnly) WriteSection(text, files, measures);
        text.AppendLine("## Issue 9's targets");
        text.AppendLine();
        var scale = 1_000_000.0 / files.Students;
        var at = files.Students == 1_000_000 ? "" : string.Create(inv, $" (measured at {files.Students:N0}; scaled linearly to 1,000,000, which is an estimate)");
        text.AppendLine(string.Create(inv, $"| target | database | measured | met? |"));
        text.AppendLine("|---|---|---:|---|");
        foreach (var m in measures)
        {
            var seconds = m.Plan.Wall.TotalSeconds * scale;
            text.AppendLine(string.Create(inv, $"| sync plan of 1,000,000 students ≤ 15 s{at} | {m.Provider} | {seconds:F1} s | {(seconds <= PlanTarget.TotalSeconds ? "met" : "**not met**")} |"));
        }
        foreach (var m in measures)
        {
            var mb = m.Plan.MaxRssMiB * 1.048576;
            text.AppendLine(string.Create(inv, $"| sync plan peak memory ≤ 500 MB | {m.Provider} | {mb:F0} MB | {(mb <= PlanMemoryTargetMB ? "met" : "**not met**")}{(files.Students == 1_000_000 ? "" : " at this size")} |"));
        }
        if (!options.PlanOnly) WriteTargets(text, files, measures);
        return text.ToString();
    }

    /// <summary>A <c>--write-only</c> run's results: the write of updates and its target, nothing of the plan.</summary>
    private static string WriteReport(RosterOptions options, RosterFiles files, List<RosterMeasure> measures, TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine("# The write of updates");
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {took.TotalMinutes:F0} min, by `./bench.sh --roster --write-only --students {options.Students} --repeat {options.Repeat}`; {Environment.ProcessorCount} cores. A district of {files.Students:N0} students; each figure is the median of {options.Repeat} runs."));
        text.AppendLine();
        WriteSection(text, files, measures);
        text.AppendLine("| target | database | measured | met? |");
        text.AppendLine("|---|---|---:|---|");
        WriteTargets(text, files, measures);
        return text.ToString();
    }

    private static void WriteSection(StringBuilder text, RosterFiles files, List<RosterMeasure> measures)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("## The write of updates");
        text.AppendLine();
        text.AppendLine(string.Create(inv,
            $"The final write of an update import of {files.Updates:N0} students with a changed Last Name (each user's version checked against the plan, revert data kept, users updated, in one transaction), timed alone on a fresh copy of the district. Baseline: the database's own `UPDATE users SET last_name = b.last_name, version = users.version + 1 FROM bench_updates b WHERE users.username_key = b.username_key` of the same rows, the new values already in a table, on another fresh copy."));
        text.AppendLine();
        text.AppendLine("| database | Rostra's write s | `UPDATE … FROM` s | **×** | load average (1, 5, 15 min) as the writes ended |");
        text.AppendLine("|---|---:|---:|---:|---|");
        foreach (var m in measures)
            text.AppendLine(string.Create(inv, $"| {m.Provider} | {m.Write.TotalSeconds:F2} | {m.Raw.TotalSeconds:F2} | **{m.Write / m.Raw:F2}** | {m.WriteLoad} |"));
        text.AppendLine();
    }

    private static void WriteTargets(StringBuilder text, RosterFiles files, List<RosterMeasure> measures)
    {
        foreach (var m in measures)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| write of {files.Updates:N0} updates within 2× `UPDATE … FROM` | {m.Provider} | {m.Write / m.Raw:F2}× | {(m.Write / m.Raw <= WriteTarget ? "met" : "**not met**")} |"));
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), or "unknown" elsewhere.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The median wall time and, apart, the median peak memory of the runs.</summary>
    private static ChildResult Median(List<ChildResult> runs) =>
        new(0, MedianTime([.. runs.Select(r => r.Wall)]), runs.Select(r => r.MaxRssKiB ?? 0).Order().ElementAt(runs.Count / 2), "", "");

    private static TimeSpan MedianTime(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private sealed class Sink(IRostraStore store, Guid importId) : IPlanSink
    {
        public Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken) => store.AddPlanChangesAsync(importId, changes, cancellationToken);
    }
}
