using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Rostra.Benchmarks;
using Rostra.Benchmarks.Data;
using Rostra.Benchmarks.EndToEnd;
using Rostra.Benchmarks.Micro;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Storage;

// Rostra's benchmarks: seeded data, a baseline in the same run, results as ratios. See bench/README.md.
const string Usage = """
    usage: Rostra.Benchmarks <command> [options]

      micro [BenchmarkDotNet args]      reading, validation and hashing micro benchmarks (e.g. --filter '*' --job short)
      generate --type student|teacher|school-admin --rows N --out FILE
               [--errors SHARE] [--seed N] [--existing N] [--schools N] [--district ID] [--student-emails SHARE]
      seed-db --db CONNECTION [--users N] [--schools N] [--district ID] [--bulk]
      sep-parse FILE                    the parse baseline: Sep reads every column of FILE
      hash [PASSWORD]                   an Argon2id hash at production cost (how the seed's hash was made)
      hash-scaling [--seconds N]        Argon2id hashes per second on one core and on all
      search --db CONNECTION [--users N]  the Users listing at N users, filtered and searched (seeded when the database has none), as ratios to one user found by username
      roster --rostra PATH/rostra.dll [--students 1m] [--updates 100k] [--providers sqlite,postgres] [--pg CONNECTION]
             [--work DIR] [--out FILE.md] [--repeat 3] [--write-only | --plan-only] [--keep]
          a sync plan of a district's own export against the district, and a write of updates, as ratios
          (--keep: leave the seeded district and the files in the work directory, to run a plan again by hand)
      workbook --rostra PATH/rostra.dll [--rows 1m] [--repeat 3] [--work DIR] [--out FILE.md]
                                        validating N rows as .xlsx against the same rows as CSV (time ratio, peak memory)
      e2e --rostra PATH/rostra.dll [--sizes 10k,100k,1m] [--providers sqlite,postgres] [--pg CONNECTION]
          [--work DIR] [--out FILE.md] [--repeat N] [--errors SHARE] [--import-rows N] [--schools N] [--insert-only]
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;
var command = args[0];
var rest = args[1..];

try
{
    switch (command)
    {
        case "micro":
            BenchmarkSwitcher.FromTypes([typeof(ReadingBenchmarks), typeof(HashingBenchmarks)]).Run(rest);
            return 0;

        case "generate":
        {
            var a = new Args(rest);
            if (!UserTypes.TryParse(a.Get("type", "student"), out var type)) throw new UsageException("--type is student, teacher or school-admin.");
            var district = new SyntheticDistrict(a.Get("district", SyntheticDistrict.DefaultId), a.Int("schools", 300));
            var spec = new FileSpec(type, a.Int("rows", 1000), a.Double("errors", 0), a.Int("seed", 42), a.Long("existing", 0),
                a.Double("student-emails", 0.7));
            var clock = Stopwatch.StartNew();
            int errorRows;
            await using (var output = a.Get("out") is { } path ? File.Create(path) : Console.OpenStandardOutput())
                errorRows = new FileGenerator(district).Write(spec, output);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Rows:N0} {type.Slug()} rows, {errorRows:N0} with an error ({string.Join(", ", spec.ErrorKinds)}), in {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }

        case "seed-db":
        {
            var a = new Args(rest);
            var district = new SyntheticDistrict(a.Get("district", SyntheticDistrict.DefaultId), a.Int("schools", 300));
            var users = a.Long("users", 0);
            var clock = Stopwatch.StartNew();
            if (a.Flag("bulk")) await BulkSeeder.SeedAsync(a.Required("db"), district, users, ct);
            else
            {
                await using var store = StoreFactory.Open(a.Required("db"));
                await DistrictSeeder.SeedAsync(store, district, users, ct);
            }
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"district {district.Id}: {district.Schools.Count} schools, {users:N0} existing users, in {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }

        case "search":
        {
            var a = new Args(rest);
            Console.Write(await Rostra.Benchmarks.Search.UserSearchBench.RunAsync(a.Required("db"), a.Long("users", 1_000_000), ct));
            return 0;
        }

        case "sep-parse":
        {
            var a = new Args(rest);
            var path = a.Positional.Count == 1 ? a.Positional[0] : throw new UsageException("sep-parse FILE");
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            Console.WriteLine(SepParse.CountChars(stream));
            return 0;
        }

        case "validate-split":
        {
            // Where validation's time goes: the same file with the store's look-ups and with none.
            var a = new Args(rest);
            var path = a.Positional.Count == 1 ? a.Positional[0] : throw new UsageException("validate-split FILE --db CONNECTION");
            var district = new SyntheticDistrict(a.Get("district", SyntheticDistrict.DefaultId), a.Int("schools", 300));
            await using var store = StoreFactory.Open(a.Required("db"));
            foreach (var (name, users) in new (string, IUserLookup)[] { ("no look-ups", new InMemoryUsers([], [])), (store.Provider, store), ("no look-ups", new InMemoryUsers([], [])), (store.Provider, store) })
            {
                var context = new ValidationContext(district.District, UserType.Student, district.Schools, users, new ImportLimits());
                await using var stream = File.OpenRead(path);
                var clock = Stopwatch.StartNew();
                var result = await FileValidator.ValidateAsync(stream, context, null, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {clock.Elapsed.TotalSeconds:F2} s, {result.Errors.Count} errors"));
            }
            return 0;
        }

        case "hash":
        {
            // How DistrictSeeder.PrecomputedHash was made.
            var a = new Args(rest);
            Console.WriteLine(new PasswordHasher(PasswordHashOptions.Default).Hash(a.Positional.Count == 1 ? a.Positional[0] : "Bench-Password-1"));
            return 0;
        }

        case "hash-scaling":
        {
            var a = new Args(rest);
            var result = await HashScaling.MeasureAsync(PasswordHashOptions.Default, TimeSpan.FromSeconds(a.Double("seconds", 3)), a.Int("rounds", 3), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Cores} cores: one core {result.SingleCorePerSecond:F1} hashes/s, all cores {result.AllCoresPerSecond:F1} hashes/s, {result.Efficiency:P0} of cores × one core"));
            return 0;
        }

        case "roster":
        {
            var a = new Args(rest);
            var options = new Rostra.Benchmarks.Roster.RosterOptions(
                Path.GetFullPath(a.Required("rostra")),
                Args.ParseCount(a.Get("students", "1m")),
                Args.ParseCount(a.Get("updates", "100k")),
                a.Get("providers", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                a.Get("pg", Environment.GetEnvironmentVariable("ROSTRA_BENCH_PG") ?? "Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres"),
                a.Get("work", "bench/work"),
                a.Int("repeat", 3),
                a.Flag("write-only"),
                a.Flag("plan-only"),
                a.Flag("keep"));
            var report = await Rostra.Benchmarks.Roster.RosterBench.RunAsync(options, ct);
            var output = a.Get("out", "bench/results/roster.md");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, report, ct);
            Console.Write(report);
            return 0;
        }

        case "workbook":
        {
            var a = new Args(rest);
            return await Rostra.Benchmarks.Workbooks.WorkbookValidateBench.RunAsync(Path.GetFullPath(a.Required("rostra")), a.Int("rows", 1_000_000),
                a.Int("repeat", 3), a.Get("work", "bench/work"), a.Get("out", "bench/results/workbook.md"), ct);
        }

        case "e2e":
        {
            var a = new Args(rest);
            var options = new EndToEndOptions(
                a.Get("sizes", "10k,100k,1m").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Args.ParseCount).ToList(),
                a.Get("providers", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Path.GetFullPath(a.Required("rostra")),
                a.Get("work", "bench/work"),
                a.Get("out", "bench/results/e2e.md"),
                a.Get("pg", Environment.GetEnvironmentVariable("ROSTRA_BENCH_PG") ?? "Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres"),
                a.Int("repeat", 3),
                a.Double("errors", 0.001),
                a.Int("import-rows", 2000),
                a.Int("schools", 300),
                a.Flag("insert-only"));
            return await new EndToEndRun(options).RunAsync(ct);
        }

        default:
            Console.Error.WriteLine($"Unknown command '{command}'.");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
