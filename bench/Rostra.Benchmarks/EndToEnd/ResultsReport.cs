using System.Globalization;
using System.Text;

namespace Rostra.Benchmarks.EndToEnd;

/// <summary>The markdown results file: every figure next to its same-run baseline, and the targets met or not.</summary>
internal static class ResultsReport
{
    private const double ValidateSeconds = 5, ValidateMiB = 300, InsertRatio = 1.5, HashEfficiency = 0.9;

    public static async Task<string> WriteAsync(
        EndToEndOptions options, DateTimeOffset started, TimeSpan elapsed, IReadOnlyList<string> versions,
        IReadOnlyList<ValidateMeasure> validations, IReadOnlyList<InsertMeasure> inserts, HashScalingResult? hashing,
        IReadOnlyList<ImportMeasure> imports, IReadOnlyList<FairShareMeasure> fairness, IReadOnlyList<string> notes, CancellationToken cancellationToken)
    {
        var commit = (await ChildProcess.RunAsync("git", ["rev-parse", "--short", "HEAD"], cancellationToken: cancellationToken)).Stdout.Trim();
        var sb = new StringBuilder();
        sb.AppendLine("# Rostra end-to-end benchmark").AppendLine();
        sb.AppendLine(Inv($"Run {started:yyyy-MM-dd HH:mm} UTC at commit `{commit}`, {elapsed.TotalMinutes:F0} min, by `./bench.sh{(options.Sizes.Max() < 1_000_000 ? " --quick" : "")}`."));
        sb.AppendLine(Inv($"Machine: {EndToEndRun.Machine()}; {string.Join(", ", versions)}."));
        sb.AppendLine(Inv($"Each figure is the best of {options.Repeat} runs (1 for inserts of 1,000,000 rows); ratios compare with a baseline measured in the same run on the same data."));
        sb.AppendLine();

        sb.AppendLine("## Validate").AppendLine();
        sb.AppendLine(Inv($"`rostra validate FILE --type student --format json` as a child process under `/usr/bin/time -v`, against a district with {options.Schools} schools and as many existing users as the file has rows; {options.ErrorShare:P1} of rows carry one planted error each. Baseline: Sep reading every column of the same file, also a child process (.NET start-up included in both)."));
        sb.AppendLine();
        sb.AppendLine("| database | rows | file MiB | validate s | rows/s | µs/row | peak RSS MiB | Sep s | Sep RSS MiB | **× Sep** | errors found / rows planted |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var v in validations)
        {
            sb.AppendLine(Inv($"| {v.Provider} | {v.Rows:N0} | {v.FileMiB:F1} | {v.Wall.TotalSeconds:F2} | {v.RowsPerSecond:N0} | {v.Wall.TotalMicroseconds / v.Rows:F2} | {v.RssMiB:F0} | {v.SepWall.TotalSeconds:F2} | {v.SepRssMiB:F0} | **{v.Ratio:F1}** | {v.ErrorsReported:N0} / {v.RowsWithErrors:N0} |"));
        }
        sb.AppendLine();

        sb.AppendLine("## Insert").AppendLine();
        sb.AppendLine("Validated, already-hashed student rows (one precomputed Argon2id hash) written through the one write path (`SeedingThroughStaging`: rows staged in `import_rows`, chunks marked hashed with the given hashes, then `WriteStagedImportAsync`, the final write every import makes) into a copy of the seeded database, against the database's own loader writing the same rows into the same tables, indexes and constraints of another copy: `sqlite3 .import` (one transaction, foreign keys on) and `psql -1` with `\\copy … (FORMAT csv)`. The raw load gets ids precomputed and skips the username/email checks the store must make.");
        sb.AppendLine();
        sb.AppendLine("| database | rows written | existing users | staged write s | rows/s | raw load s | rows/s | **× raw** |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var i in inserts)
        {
            sb.AppendLine(Inv($"| {i.Provider} | {i.Rows:N0} | {i.Existing:N0} | {i.Store.TotalSeconds:F2} | {i.Rows / i.Store.TotalSeconds:N0} | {i.Raw.TotalSeconds:F2} | {i.Rows / i.Raw.TotalSeconds:N0} | **{i.Ratio:F2}** |"));
        }
        sb.AppendLine();

        if (hashing is not null)
        {
            sb.AppendLine("## Hashing").AppendLine();
            sb.AppendLine(Inv($"Argon2id at production cost (m = {hashing.Options.MemoryKiB} KiB, t = {hashing.Options.Iterations}, p = 1) through `PasswordHasher`: one core in a loop, then all cores through `HashAllAsync` (a sliding window, one hash per core at once); best of 3 alternating rounds."));
            sb.AppendLine();
            sb.AppendLine("| cores | one core, hashes/s | all cores (`HashAllAsync`), hashes/s | **all ÷ (cores × one)** | bound: one bare thread per core, hashes/s | bound ÷ (cores × one) |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|");
            sb.AppendLine(Inv($"| {hashing.Cores} | {hashing.SingleCorePerSecond:F1} | {hashing.AllCoresPerSecond:F1} | **{hashing.Efficiency:P0}** | {hashing.RawAllCoresPerSecond:F1} | {hashing.RawEfficiency:P0} |"));
            sb.AppendLine();
        }

        if (imports.Count > 0)
        {
            sb.AppendLine("## Whole confirmed import").AppendLine();
            sb.AppendLine("`rostra import FILE --format json` (validate, hash at production cost, write) as a child process on a copy of a database with 10,000 users, for the wall time and memory; then the same import in-process on another copy through the engine: validation and staging, then hashing on every core and the final write (`RunToEndAsync`, shown as read + hash; write 0 means it is inside that figure). The floor is rows ÷ the all-core hash rate above.");
            sb.AppendLine();
            sb.AppendLine("| database | rows | `rostra import` wall s | peak RSS MiB | in-process s | validate s | read + hash s | write s | hashing share | floor (hashing alone) s |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var m in imports)
            {
                var total = m.Validate + m.ReadAndHash + m.Write;
                var floor = hashing is null ? "" : Inv($"{m.Rows / hashing.AllCoresPerSecond:F2}");
                sb.AppendLine(Inv($"| {m.Provider} | {m.Rows:N0} | {m.CliWall.TotalSeconds:F2} | {m.CliRssMiB:F0} | {total.TotalSeconds:F2} | {m.Validate.TotalSeconds:F2} | {m.ReadAndHash.TotalSeconds:F2} | {m.Write.TotalSeconds:F2} | {m.ReadAndHash / total:P0} | {floor} |"));
            }
            sb.AppendLine();
        }

        if (fairness.Count > 0)
        {
            sb.AppendLine("## Confirmed small import behind a large unconfirmed one").AppendLine();
            sb.AppendLine("One engine with a worker per core at production hashing cost. A 30-row import of one district is validated, confirmed, and timed from CONFIRM to completed: first on the idle engine (the baseline), then while another district's large import, validated but not confirmed, is hashing on every worker. Chunks are about a second of hashing, and confirmed work is claimed first.");
            sb.AppendLine();
            sb.AppendLine("| database | small rows | large rows | alone s | behind the large one s | **× alone** | large import's chunks still to hash |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var f in fairness)
            {
                sb.AppendLine(Inv($"| {f.Provider} | {f.SmallRows} | {f.LargeRows:N0} | {f.Alone.TotalSeconds:F2} | {f.Behind.TotalSeconds:F2} | **{f.Ratio:F2}** | {f.LargeChunksLeft:N0} |"));
            }
            sb.AppendLine();
        }

        sb.AppendLine("## Targets").AppendLine();
        sb.AppendLine("| target | result | |");
        sb.AppendLine("|---|---|---|");
        foreach (var v in validations.Where(v => v.Rows >= 1_000_000))
        {
            var met = v.Wall.TotalSeconds <= ValidateSeconds && v.RssMiB <= ValidateMiB;
            sb.AppendLine(Inv($"| validate 1,000,000 rows against 1,000,000 users ≤ {ValidateSeconds} s and ≤ {ValidateMiB} MB ({v.Provider}) | {v.Wall.TotalSeconds:F2} s, {v.RssMiB:F0} MiB, {v.Ratio:F1}× Sep | {(met ? "met" : "**not met**")} |"));
        }
        foreach (var group in inserts.GroupBy(i => i.Provider))
        {
            var worst = group.MaxBy(i => i.Ratio)!;
            sb.AppendLine(Inv($"| insert within {InsertRatio}× raw load ({group.Key}) | worst {worst.Ratio:F2}× at {worst.Rows:N0} rows | {(worst.Ratio <= InsertRatio ? "met" : "**not met**")} |"));
        }
        if (hashing is not null)
            sb.AppendLine(Inv($"| hashing ≥ {HashEfficiency:P0} of cores × one core | {hashing.Efficiency:P0} (bare threads: {hashing.RawEfficiency:P0}) | {(hashing.Efficiency >= HashEfficiency ? "met" : "**not met**")} |"));
        foreach (var f in fairness)
        {
            sb.AppendLine(Inv($"| confirmed 30-row import completed ≤ 5 s after CONFIRM behind another district's {f.LargeRows:N0}-row unconfirmed import ({f.Provider}) | {f.Behind.TotalSeconds:F2} s ({f.Ratio:F2}× alone) | {(f.Behind.TotalSeconds <= 5 ? "met" : "**not met**")} |"));
        }
        foreach (var group in validations.GroupBy(v => v.Provider))
        {
            var list = group.OrderBy(v => v.Rows).ToList();
            if (list.Count < 2) continue;
            var (first, last) = (list[0], list[^1]);
            var perRow = (last.Wall.TotalMicroseconds / last.Rows) / (first.Wall.TotalMicroseconds / first.Rows);
            var flat = last.RssMiB <= first.RssMiB * 1.25;
            sb.AppendLine(Inv($"| scaling ({group.Key}): time per row and memory, {first.Rows:N0} → {last.Rows:N0} | time per row ×{perRow:F2}; peak RSS {first.RssMiB:F0} → {last.RssMiB:F0} MiB | time {(perRow <= 1.1 ? "linear or better" : "**worse than linear**")}; memory {(flat ? "flat" : "**not flat**")} |"));
        }
        sb.AppendLine();
        foreach (var note in notes) sb.AppendLine("- " + note);
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
