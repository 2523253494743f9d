using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Rostra.Benchmarks.Data;
using Rostra.Benchmarks.EndToEnd;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Storage;
using SpreadCheetah;

namespace Rostra.Benchmarks.Workbooks;

/// <summary>
/// Validating a workbook against validating the same rows as CSV (SPEC §11, issue 12 item 5): the same generated
/// students written once as CSV and once as an <c>.xlsx</c> (by SpreadCheetah, as a spreadsheet program stores them:
/// text cells, Grade as a number where it is one), each validated by <c>rostra validate</c> as a child process under
/// <c>/usr/bin/time -v</c>, alternating which goes first. Targets: the workbook within 3× the CSV's time and 400 MB peak.
/// </summary>
internal static class WorkbookValidateBench
{
    public const double TimeTarget = 3.0;
    public const double MemoryTargetMiB = 400;

    public static async Task<int> RunAsync(string rostraDll, int rows, int repeat, string work, string output, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        Directory.CreateDirectory(work);
        var district = new SyntheticDistrict(SyntheticDistrict.DefaultId, 300);
        var csv = Path.Combine(work, $"workbook-{rows}.csv");
        var xlsx = Path.Combine(work, $"workbook-{rows}.xlsx");
        var db = Path.Combine(work, "workbook.db");

        var clock = Stopwatch.StartNew();
        int planted;
        await using (var file = File.Create(csv))
            planted = new FileGenerator(district).Write(new FileSpec(UserType.Student, rows, 0.001, 42, 0, 0.7), file);
        Log($"{rows:N0} rows as CSV ({new FileInfo(csv).Length / 1048576.0:F1} MiB) in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        await WriteWorkbookAsync(csv, xlsx, cancellationToken);
        Log($"the same rows as a workbook ({new FileInfo(xlsx).Length / 1048576.0:F1} MiB) in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var path in new[] { db, db + "-wal", db + "-shm" }) File.Delete(path);
        await using (var store = StoreFactory.Open(db))
            await DistrictSeeder.SeedAsync(store, district, 0, cancellationToken);

        var runs = new Dictionary<string, List<(TimeSpan Wall, double RssMiB, int Errors)>> { ["csv"] = [], ["xlsx"] = [] };
        for (var i = 0; i < repeat; i++)
        {
            foreach (var kind in i % 2 == 0 ? new[] { "csv", "xlsx" } : ["xlsx", "csv"])
            {
                var result = await ChildProcess.RunCheckedAsync("dotnet",
                    [rostraDll, "validate", kind == "csv" ? csv : xlsx, "--district", district.Id, "--type", "student", "--format", "json", "--db", db],
                    measureMemory: true, expected: [0, 1], cancellationToken: cancellationToken);
                using var json = JsonDocument.Parse(result.Stdout);
                var read = json.RootElement.GetProperty("rows").GetInt32();
                if (read != rows) throw new InvalidOperationException($"rostra validate read {read} rows of {rows} from the {kind} file.");
                var errors = json.RootElement.GetProperty("errors").GetArrayLength();
                runs[kind].Add((result.Wall, result.MaxRssMiB, errors));
                Log($"{kind}: {result.Wall.TotalSeconds:F2} s, {result.MaxRssMiB:F0} MiB, {errors} errors");
            }
        }

        var csvBest = runs["csv"].MinBy(r => r.Wall);
        var xlsxBest = runs["xlsx"].MinBy(r => r.Wall);
        var ratio = xlsxBest.Wall / csvBest.Wall;
        var peak = runs["xlsx"].Max(r => r.RssMiB);
        var csvPeak = runs["csv"].Max(r => r.RssMiB);
        var sameErrors = runs.Values.SelectMany(r => r).Select(r => r.Errors).Distinct().Count() == 1;
        var text = new StringBuilder()
            .AppendLine("# Validating a workbook against the same rows as CSV")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Run {started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, best of {repeat} each (alternating which goes first); peak memory is the largest of the runs. Written by `./bench.sh --workbook` (`Rostra.Benchmarks workbook`).")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{rows:N0} students ({planted:N0} with a planted error); CSV {new FileInfo(csv).Length / 1048576.0:F1} MiB, workbook {new FileInfo(xlsx).Length / 1048576.0:F1} MiB (SpreadCheetah: text cells, Grade a number cell where it is one).")
            .AppendLine()
            .AppendLine("| file | validate (best) | peak memory |")
            .AppendLine("|---|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| CSV (baseline) | {csvBest.Wall.TotalSeconds:F2} s | {csvPeak:F0} MiB |")
            .AppendLine(CultureInfo.InvariantCulture, $"| .xlsx | {xlsxBest.Wall.TotalSeconds:F2} s | {peak:F0} MiB |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"- workbook ÷ CSV time: **{ratio:F2}×** (target ≤ {TimeTarget:F0}×): {(ratio <= TimeTarget ? "met" : "not met")}")
            .AppendLine(CultureInfo.InvariantCulture, $"- workbook peak memory: **{peak:F0} MiB** (target ≤ {MemoryTargetMiB:F0} MB): {(peak * 1.048576 <= MemoryTargetMiB ? "met" : "not met")}")
            .AppendLine(CultureInfo.InvariantCulture, $"- the same errors reported from both files: {(sameErrors ? "yes" : "no")} ({runs["csv"][0].Errors} errors)");
        var markdown = text.ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, markdown, cancellationToken);
        Console.WriteLine(markdown);
        return 0;
    }

    /// <summary>Every record of the CSV as a row of the workbook's first sheet, streamed.</summary>
    private static async Task WriteWorkbookAsync(string csv, string xlsx, CancellationToken cancellationToken)
    {
        await using var input = File.OpenRead(csv);
        var format = CsvFile.Detect(input, cancellationToken);
        await using var output = File.Create(xlsx);
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(output, new SpreadCheetahOptions { BufferSize = 1 << 16 }, cancellationToken);
        await spreadsheet.StartWorksheetAsync("Students", token: cancellationToken);
        var grade = -1;
        Cell[]? cells = null;
        foreach (var record in CsvFile.ReadRecords(input, format, cancellationToken))
        {
            if (record.Row == 1) grade = Array.FindIndex(record.Fields, f => f.Trim().Equals("Grade", StringComparison.OrdinalIgnoreCase));
            if (cells is null || cells.Length != record.Fields.Length) cells = new Cell[record.Fields.Length];
            for (var i = 0; i < cells.Length; i++)
            {
                var value = record.Fields[i];
                cells[i] = i == grade && record.Row > 1 && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    ? new Cell(number)
                    : new Cell(value);
            }
            await spreadsheet.AddRowAsync(cells, cancellationToken);
        }
        await spreadsheet.FinishAsync(cancellationToken);
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] workbook: {message}");
}
