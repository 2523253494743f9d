using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.ImportErrors;
using Rostra.Web.Imports;

namespace Rostra.Tests.Cli;

/// <summary><c>rostra import</c> runs on the same engine as an upload: the web sees its imports, and a killed one ends.</summary>
public sealed class CommandLineEngineTests
{
    private static readonly string StudentHeader = TestTemplates.StudentHeader;

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_command_line_import_with_errors_is_in_the_web_history_with_its_error_report(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var bad = box.WriteFile("bad.csv",
            StudentHeader + "\r\n" +
            "Ann,Lee,alee,Secret#456,7,00417,\r\n" +
            "Bob,,bob,Hidden#Word1,3,1001,\r\n");
        var run = await box.RunAsync("import", bad, "--district", "lincoln", "--type", "student", "--program", "READING");
        Assert.True(run.ExitCode == 1, run.ToString());

        await using var store = StoreFactory.Open(box.Db);
        var history = await store.ListImportsAsync("lincoln", 10, default);
        var import = Assert.Single(history);
        Assert.Equal(("bad.csv", ImportStatus.Invalid, 2, 1, "reading"), (import.FileName, import.Status, import.Rows, import.ErrorCount, import.ProgramId));

        // The error report the web offers for it: the row as written, Password blank, and what is wrong.
        using var report = new MemoryStream();
        var header = await store.GetImportHeaderAsync(import.Id, default);
        var reportLines = ReportLines.ReadAsync(header?.Count ?? 0, store.ReadImportErrorsAsync(import.Id, ErrorFilter.All, default), store.ReadErrorRowsAsync(import.Id, default), default);
        await ErrorReport.WriteAsync(header, reportLines, report, default);
        var lines = Encoding.UTF8.GetString(report.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Bob,,bob,,3,1001,,3,Last Name:", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Hidden#Word1", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_clean_command_line_import_is_completed_in_the_history_and_hashed_by_its_own_process(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var file = box.WriteFile("students.csv", StudentHeader + "\r\n" + Rows(12));
        var run = await box.RunWithAsync(null, new Dictionary<string, string?> { ["ROSTRA_CHUNK_ROWS"] = "5" },
            "import", file, "--district", "lincoln", "--type", "student");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("12 students were successfully imported", run.Stdout, StringComparison.Ordinal);

        await using var store = StoreFactory.Open(box.Db);
        var import = Assert.Single(await store.ListImportsAsync("lincoln", 10, default));
        Assert.Equal((ImportStatus.Completed, 12, 12), (import.Status, import.Imported, import.HashedRows));
        var chunks = await store.GetImportChunksAsync(import.Id, default);
        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.StartsWith("cli/", c.HashedBy, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_killed_command_line_import_is_failed_by_the_next_one_and_nothing_is_written(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var big = box.WriteFile("big.csv", StudentHeader + "\r\n" + Rows(300));
        await using var store = StoreFactory.Open(box.Db);

        // Real hash cost on one worker, so the import is still hashing when it is killed.
        using (var process = Start(box, big))
        {
            try
            {
                var timeout = Stopwatch.StartNew();
                while (!((await store.ListImportsAsync("lincoln", 10, default)) is [{ Status: ImportStatus.Importing, HashedRows: > 0 }]))
                {
                    if (process.HasExited) Assert.Fail("rostra import ended before it was killed: " + await process.StandardError.ReadToEndAsync());
                    Assert.True(timeout.Elapsed < TimeSpan.FromMinutes(2), "the import never started hashing");
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        var killed = Assert.Single(await store.ListImportsAsync("lincoln", 10, default));

        // The next rostra import ends it, once its lease has lapsed.
        var fixedFile = box.WriteFile("one.csv", StudentHeader + "\r\nZed,Zo,zzo,Secret#999,3,1001,\r\n");
        for (var attempt = 0; ; attempt++)
        {
            await CliSandbox.Ok(box.RunAsync("import", fixedFile, "--district", "lincoln", "--type", "student"));
            if ((await store.GetImportAsync("lincoln", killed.Id, default))!.Status != ImportStatus.Importing) break;
            Assert.True(attempt < 20, "the killed import stayed importing");
            fixedFile = box.WriteFile($"one{attempt}.csv", StudentHeader + $"\r\nZed,Zo,zz{attempt},Secret#999,3,1001,\r\n");
        }
        var ended = (await store.GetImportAsync("lincoln", killed.Id, default))!;
        Assert.Equal(ImportStatus.Failed, ended.Status);
        Assert.Equal("The command-line import stopped before it finished. Nothing was imported: run rostra import again.", ended.Message);
        var users = await store.ListUsersAsync(new UserQuery("lincoln", Limit: 1000), default);
        Assert.DoesNotContain(users.Users, u => u.Username.StartsWith("kid", StringComparison.Ordinal));
    }

    private static string Rows(int count) =>
        string.Concat(Enumerable.Range(1, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"Kid,No{i},kid{i},Secret#{i:D4},3,1001,\r\n")));

    private static Process Start(CliSandbox box, string file)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = box.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "rostra.dll"), "--db", box.Db, "import", file, "--district", "lincoln", "--type", "student" })
            start.ArgumentList.Add(a);
        start.Environment.Remove("ROSTRA_DB");
        start.Environment["ROSTRA_JOB_WORKERS"] = "1";
        start.Environment["ROSTRA_CHUNK_ROWS"] = "10";
        start.Environment["ROSTRA_LEASE_SECONDS"] = "1";
        start.Environment["ROSTRA_HASH_PARALLELISM"] = "1";
        return Process.Start(start)!;
    }
}
