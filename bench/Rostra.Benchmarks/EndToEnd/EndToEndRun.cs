using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Rostra.Benchmarks.Data;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Benchmarks.EndToEnd;

/// <summary>What the end-to-end run is asked to do.</summary>
internal sealed record EndToEndOptions(
    IReadOnlyList<int> Sizes,
    IReadOnlyList<string> Providers,
    string RostraDll,
    string WorkDirectory,
    string Output,
    string PostgresAdmin,
    int Repeat,
    double ErrorShare,
    int ImportRows,
    int Schools,
    bool InsertOnly = false);

internal sealed record ValidateMeasure(string Provider, int Rows, long Existing, double FileMiB, TimeSpan Wall, double RssMiB,
    TimeSpan SepWall, double SepRssMiB, int ErrorsReported, int RowsWithErrors, TimeSpan Seed)
{
    public double RowsPerSecond => Rows / Wall.TotalSeconds;
    public double Ratio => Wall / SepWall;
}

internal sealed record InsertMeasure(string Provider, int Rows, long Existing, TimeSpan Store, TimeSpan Raw)
{
    public double Ratio => Store / Raw;
}

internal sealed record ImportMeasure(string Provider, int Rows, TimeSpan CliWall, double CliRssMiB, TimeSpan Validate, TimeSpan ReadAndHash, TimeSpan Write);

/// <summary>
/// The end-to-end table: for each size and database, validation (a child process per run, against a district with as
/// many users as the file has rows) next to Sep parsing the same file; the store's write next to the database's own
/// bulk loader on the same rows; hashing on one core and on all; and one whole confirmed import at production cost.
/// </summary>
internal sealed class EndToEndRun(EndToEndOptions options)
{
    private readonly SyntheticDistrict _district = new(SyntheticDistrict.DefaultId, options.Schools);
    private readonly List<ValidateMeasure> _validations = [];
    private readonly List<InsertMeasure> _inserts = [];
    private readonly List<ImportMeasure> _imports = [];
    private readonly List<FairShareMeasure> _fairness = [];
    private readonly List<string> _notes = [];
    private HashScalingResult? _hashing;

    private static string BenchDll => typeof(EndToEndRun).Assembly.Location;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var work = Path.GetFullPath(options.WorkDirectory);
        Directory.CreateDirectory(work);
        var databases = options.Providers.Select(p => p switch
        {
            "sqlite" => (BenchDatabase)new SqliteBenchDatabase(Path.Combine(work, "sqlite")),
            "postgres" => new PostgresBenchDatabase(options.PostgresAdmin),
            _ => throw new UsageException($"Unknown provider '{p}' (sqlite, postgres)."),
        }).ToList();
        Directory.CreateDirectory(Path.Combine(work, "sqlite"));
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        foreach (var size in options.Sizes)
        {
            var file = Path.Combine(work, $"students-{size}.csv");
            var clean = Path.Combine(work, $"students-{size}-clean.csv");
            var spec = new FileSpec(UserType.Student, size, options.ErrorShare, Seed: 42, ExistingUsers: size);
            int rowsWithErrors;
            await using (var output = File.Create(file)) rowsWithErrors = new FileGenerator(_district).Write(spec, output);
            // The insert's rows: a clean file whose every row has an email, so sqlite3's .import (which reads empty
            // fields as empty strings, not NULL) loads exactly what the store writes.
            await using (var output = File.Create(clean))
                new FileGenerator(_district).Write(new FileSpec(UserType.Student, size, 0, Seed: 7, StudentEmailShare: 1.0), output);
            Log($"{size:N0} rows: files written ({new FileInfo(file).Length / 1048576.0:F1} MiB)");
            var users = await InsertData.ReadUsersAsync(clean, _district, UserType.Student, cancellationToken);

            foreach (var db in databases)
            {
                var seed = $"rostra_bench_seed_{size}";
                var seedTime = await SeedAsync(db, seed, size, cancellationToken);
                Log($"{db.Provider} {size:N0}: seeded {size:N0} existing users in {seedTime.TotalSeconds:F1} s");
                if (!options.InsertOnly) await MeasureValidateAsync(db, seed, file, size, rowsWithErrors, seedTime, cancellationToken);
                await MeasureInsertAsync(db, seed, users, size, work, cancellationToken);
                await db.DropAsync(seed, cancellationToken);
            }
            File.Delete(clean);
        }

        if (!options.InsertOnly)
        {
            Log("hashing: one core and all cores");
            _hashing = await HashScaling.MeasureAsync(PasswordHashOptions.Default, TimeSpan.FromSeconds(3), 3, cancellationToken);
        }

        if (options.ImportRows > 0 && !options.InsertOnly)
        {
            foreach (var db in databases) await MeasureImportAsync(db, work, cancellationToken);
        }

        foreach (var db in databases.Where(_ => !options.InsertOnly))
        {
            var m = await FairShareRun.MeasureAsync(db, work, options.Sizes.Max(), cancellationToken);
            _fairness.Add(m);
            Log($"{db.Provider}: small confirmed import {m.Alone.TotalSeconds:F2} s alone, {m.Behind.TotalSeconds:F2} s behind {m.LargeRows:N0} unconfirmed rows ({m.LargeChunksLeft} chunks left)");
        }

        var versions = new List<string>();
        foreach (var db in databases) versions.Add(await db.VersionAsync(cancellationToken));
        var markdown = await ResultsReport.WriteAsync(options, started, clock.Elapsed, versions, _validations, _inserts, _hashing, _imports, _fairness, _notes, cancellationToken);
        var outputPath = Path.GetFullPath(options.Output);
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        await File.WriteAllTextAsync(outputPath, markdown, cancellationToken);
        Log($"results: {outputPath}");
        Console.WriteLine(markdown);
        return 0;
    }

    private async Task<TimeSpan> SeedAsync(BenchDatabase db, string name, long existing, CancellationToken cancellationToken)
    {
        await db.DropAsync(name, cancellationToken);
        if (db is PostgresBenchDatabase pg) await pg.CreateAsync(name, cancellationToken);
        var clock = Stopwatch.StartNew();
        await using (var store = StoreFactory.Open(db.Connection(name)))
            await DistrictSeeder.SeedAsync(store, _district, existing, cancellationToken);
        var elapsed = clock.Elapsed;
        // A district's database in its steady state: statistics up to date, as autovacuum leaves it within a minute.
        await db.SettleAsync(name, cancellationToken);
        return elapsed;
    }

    private async Task MeasureValidateAsync(BenchDatabase db, string seed, string file, int size, int rowsWithErrors, TimeSpan seedTime, CancellationToken cancellationToken)
    {
        ChildResult? best = null, sepBest = null;
        double rss = 0, sepRss = 0;
        var errors = 0;
        for (var i = 0; i < options.Repeat; i++)
        {
            // Alternate which goes first so that neither always meets a cold page cache.
            var sep = await SepAsync(file, cancellationToken);
            var run = await ChildProcess.RunCheckedAsync("dotnet",
                [options.RostraDll, "validate", file, "--district", _district.Id, "--type", "student", "--format", "json", "--db", db.Connection(seed)],
                measureMemory: true, expected: [0, 1], cancellationToken: cancellationToken);
            using (var json = JsonDocument.Parse(run.Stdout))
            {
                errors = json.RootElement.GetProperty("errors").GetArrayLength();
                var rows = json.RootElement.GetProperty("rows").GetInt32();
                if (rows != size) throw new InvalidOperationException($"rostra validate read {rows} rows of {size}.");
            }
            if (best is null || run.Wall < best.Wall) best = run;
            if (sepBest is null || sep.Wall < sepBest.Wall) sepBest = sep;
            rss = Math.Max(rss, run.MaxRssMiB);
            sepRss = Math.Max(sepRss, sep.MaxRssMiB);
        }
        var m = new ValidateMeasure(db.Provider, size, size, new FileInfo(file).Length / 1048576.0, best!.Wall, rss, sepBest!.Wall, sepRss,
            errors, rowsWithErrors, seedTime);
        _validations.Add(m);
        Log($"{db.Provider} {size:N0}: validate {m.Wall.TotalSeconds:F2} s, {m.RssMiB:F0} MiB; Sep {m.SepWall.TotalSeconds:F2} s; ratio {m.Ratio:F1}; {errors} errors for {rowsWithErrors} planted");
    }

    private static Task<ChildResult> SepAsync(string file, CancellationToken cancellationToken) =>
        ChildProcess.RunCheckedAsync("dotnet", [BenchDll, "sep-parse", file], measureMemory: true, cancellationToken: cancellationToken);

    private async Task MeasureInsertAsync(BenchDatabase db, string seed, List<NewUser> users, int size, string work, CancellationToken cancellationToken)
    {
        var repeat = size >= 1_000_000 ? 1 : options.Repeat;
        TimeSpan bestStore = TimeSpan.MaxValue, bestRaw = TimeSpan.MaxValue;
        var target = seed.Replace("seed", "insert", StringComparison.Ordinal);
        var rawDirectory = Path.Combine(work, "raw");
        for (var i = 0; i < repeat; i++)
        {
            await db.CloneAsync(seed, target, cancellationToken);
            var firstId = await db.MaxUserIdAsync(target, cancellationToken) + 1;
            var files = InsertData.WriteRawFiles(rawDirectory, users, firstId, Guid.NewGuid());
            var raw = await db.RawLoadAsync(target, files, cancellationToken);
            await db.DropAsync(target, cancellationToken);

            await db.CloneAsync(seed, target, cancellationToken);
            TimeSpan storeTime;
            await using (var store = StoreFactory.Open(db.Connection(target)))
            {
                var write = await DistrictSeeder.NewImportAsync(store, _district.Id, UserType.Student, "clean.csv", cancellationToken);
                // The one write path from staging on: rows staged, chunks marked hashed (the hashes given), the final write.
                var clock = Stopwatch.StartNew();
                var result = await SeedingThroughStaging.WriteAsync(store, write, users, cancellationToken);
                storeTime = clock.Elapsed;
                if (!result.Succeeded || result.Imported != users.Count)
                    throw new InvalidOperationException($"The staged write wrote {result.Imported} of {users.Count}: {string.Join("; ", result.Errors.Take(3).Select(e => e.Code + " " + e.Value))}");
            }
            await db.DropAsync(target, cancellationToken);
            bestStore = storeTime < bestStore ? storeTime : bestStore;
            bestRaw = raw < bestRaw ? raw : bestRaw;
        }
        Directory.Delete(rawDirectory, recursive: true);
        var m = new InsertMeasure(db.Provider, size, size, bestStore, bestRaw);
        _inserts.Add(m);
        Log($"{db.Provider} {size:N0}: staged write {m.Store.TotalSeconds:F2} s, raw load {m.Raw.TotalSeconds:F2} s, ratio {m.Ratio:F2}");
    }

    /// <summary>
    /// One whole confirmed import at production hashing cost: <c>rostra import</c> as a child process for the wall time,
    /// then the same three phases in this process, each timed, on a fresh copy of the same database.
    /// </summary>
    private async Task MeasureImportAsync(BenchDatabase db, string work, CancellationToken cancellationToken)
    {
        var rows = options.ImportRows;
        var file = Path.Combine(work, $"import-{rows}.csv");
        await using (var output = File.Create(file))
            new FileGenerator(_district).Write(new FileSpec(UserType.Student, rows, 0, Seed: 11), output);
        const long existing = 10_000;
        var seed = "rostra_bench_seed_import";
        await SeedAsync(db, seed, existing, cancellationToken);

        var target = "rostra_bench_import";
        await db.CloneAsync(seed, target, cancellationToken);
        var cli = await ChildProcess.RunCheckedAsync("dotnet",
            [options.RostraDll, "import", file, "--district", _district.Id, "--type", "student", "--program", SyntheticDistrict.ProgramId, "--format", "json", "--db", db.Connection(target)],
            measureMemory: true, cancellationToken: cancellationToken);
        using (var json = JsonDocument.Parse(cli.Stdout))
        {
            var imported = json.RootElement.GetProperty("imported").GetInt32();
            if (imported != rows) throw new InvalidOperationException($"rostra import imported {imported} of {rows}.");
        }
        await db.DropAsync(target, cancellationToken);

        await db.CloneAsync(seed, target, cancellationToken);
        TimeSpan validate, hash, write;
        await using (var store = StoreFactory.Open(db.Connection(target)))
        {
            var context = await ValidationContexts.CreateAsync(store, _district.District, UserType.Student, new ImportLimits(), cancellationToken);
            var clock = Stopwatch.StartNew();
            await using (var stream = File.OpenRead(file))
            {
                var result = await FileValidator.ValidateAsync(stream, context, null, cancellationToken);
                if (!result.IsValid) throw new InvalidOperationException($"The import file has {result.Errors.Count} errors.");
            }
            validate = clock.Elapsed;

            // Hashing and the staged final write at production cost, as the engine runs them, on this process's cores.
            var hasher = new PasswordHasher(PasswordHashOptions.Default);
            var now = DateTimeOffset.UtcNow;
            var record = new ImportRecord(Guid.NewGuid(), _district.Id, SyntheticDistrict.ProgramId, UserType.Student, Path.GetFileName(file), new string('0', 64),
                ImportStatus.Validating, 0, 0, 0, 0, now, "bench", now);
            await store.CreateImportAsync(record, cancellationToken);
            var engine = new ImportEngine(store, hasher, new PasswordVault(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()),
                new ImportEngineSettings("bench", Environment.ProcessorCount), Microsoft.Extensions.Logging.Abstractions.NullLogger<ImportEngine>.Instance);
            await using (var stream = File.OpenRead(file))
                await engine.ValidateAsync(record, _district.District, stream, new ImportLimits(), null, cancellationToken);
            clock.Restart();
            var ended = await engine.RunToEndAsync(record, null, cancellationToken);
            hash = clock.Elapsed;
            write = TimeSpan.Zero;
            if (ended.Status != ImportStatus.Completed) throw new InvalidOperationException($"The timed import ended {ended.Status}.");
        }
        await db.DropAsync(target, cancellationToken);
        await db.DropAsync(seed, cancellationToken);
        File.Delete(file);
        var m = new ImportMeasure(db.Provider, rows, cli.Wall, cli.MaxRssMiB, validate, hash, write);
        _imports.Add(m);
        Log($"{db.Provider} import of {rows:N0}: {cli.Wall.TotalSeconds:F2} s (validate {validate.TotalSeconds:F2}, read+hash {hash.TotalSeconds:F2}, write {write.TotalSeconds:F2})");
    }

    private static void Log(string message) =>
        Console.Error.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {message}");

    /// <summary>A line about the machine, for the results file.</summary>
    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {memory:F0} GiB; " +
               $"{RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}";
    }
}
