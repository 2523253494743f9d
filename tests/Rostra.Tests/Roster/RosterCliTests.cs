using System.Text.Json;
using Rostra.Tests.Cli;

namespace Rostra.Tests.Roster;

/// <summary>
/// The round trip on the command line, as a district would run it (SPEC §10): import, export, edit the file, sync it,
/// read the plan, import it, see who is inactive, revert. On SQLite and PostgreSQL.
/// </summary>
public sealed class RosterCliTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static JsonElement Json(CliRun run) => JsonDocument.Parse(run.Stdout).RootElement;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_exported_roster_edited_and_synced_plans_applies_and_reverts(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var first = box.WriteFile("students.csv", TestTemplates.StudentHeader + "\r\n" +
            "Ann,Lee,alee,Secret#123,3,1001,ann@lincoln.org\r\n" +
            "Bo,Li,bli,Secret#456,4,1001,\r\n" +
            "Cy,Ox,cox,Secret#789,5,1001,\r\n");
        await CliSandbox.Ok(box.RunAsync("import", first, "--district", "lincoln", "--type", "student"));

        var export = await CliSandbox.Ok(box.RunAsync("users", "export", "--district", "lincoln", "--type", "student"));
        var lines = export.Stdout.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TestTemplates.StudentHeader, lines[0]);
        Assert.Equal("Ann,Lee,alee,,3,1001,ann@lincoln.org", lines[1]);
        var unchanged = box.WriteFile("unchanged.csv", string.Join("\r\n", lines) + "\r\n");
        var same = Json(await CliSandbox.Ok(box.RunAsync("validate", unchanged, "--district", "lincoln", "--type", "student", "--mode", "sync", "--format", "json")));
        Assert.Equal(3, same.GetProperty("plan").GetProperty("unchanged").GetInt32());

        // In the spreadsheet: Ann moves up a grade, Bo is deleted, Di is added.
        var edited = box.WriteFile("edited.csv", string.Join("\r\n", lines[0], lines[1].Replace(",3,", ",4,", StringComparison.Ordinal), lines[3],
            "Di,Ax,dax,Secret#000,2,1001,") + "\r\n");
        var check = Json(await CliSandbox.Ok(box.RunAsync("validate", edited, "--district", "lincoln", "--type", "student", "--mode", "sync", "--format", "json")));
        Assert.Equal("sync", check.GetProperty("mode").GetString());
        var plan = check.GetProperty("plan");
        Assert.Equal((1, 1, 1, 1, 0), (plan.GetProperty("create").GetInt32(), plan.GetProperty("update").GetInt32(), plan.GetProperty("unchanged").GetInt32(),
            plan.GetProperty("deactivate").GetInt32(), plan.GetProperty("reactivate").GetInt32()));
        Assert.True(check.GetProperty("id").TryGetGuid(out _));
        // In words, the updated count names the most common change.
        var words = await CliSandbox.Ok(box.RunAsync("validate", edited, "--district", "lincoln", "--type", "student", "--mode", "sync"));
        Assert.Contains("Plan (sync): 1 new, 1 updated — grade 3 → 4 — 1 unchanged, 1 to deactivate, 0 to reactivate.", words.Stdout, StringComparison.Ordinal);

        var import = await CliSandbox.Ok(box.RunAsync("import", edited, "--district", "lincoln", "--type", "student", "--mode", "sync", "--format", "json"));
        var done = Json(import);
        Assert.Equal(("imported", 2), (done.GetProperty("status").GetString(), done.GetProperty("imported").GetInt32()));
        var users = Json(await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--type", "student", "--format", "json")))
            .EnumerateArray().ToDictionary(u => u.GetProperty("username").GetString()!);
        Assert.Equal("4", users["alee"].GetProperty("grade").GetString());
        Assert.False(users["bli"].GetProperty("active").GetBoolean());
        Assert.True(users["dax"].GetProperty("active").GetBoolean());

        var revert = await box.RunAsync("import", "revert", done.GetProperty("id").GetString()!, "--district", "lincoln");
        Assert.True(revert.ExitCode == 0, revert.ToString());
        var again = await box.RunAsync("import", "revert", done.GetProperty("id").GetString()!, "--district", "lincoln");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("import.revert_conflict", again.Stderr, StringComparison.Ordinal);
        var back = Json(await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--type", "student", "--format", "json")))
            .EnumerateArray().ToDictionary(u => u.GetProperty("username").GetString()!);
        Assert.Equal(["alee", "bli", "cox"], back.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("3", back["alee"].GetProperty("grade").GetString());
        Assert.True(back["bli"].GetProperty("active").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_sync_over_the_threshold_exits_1_unless_allow_deactivations_names_its_number(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var rows = Enumerable.Range(1, 12).Select(i => $"S{i},Lee,stu{i},Secret#{i:000},3,1001,");
        await CliSandbox.Ok(box.RunAsync("import", box.WriteFile("all.csv", TestTemplates.StudentHeader + "\r\n" + string.Join("\r\n", rows) + "\r\n"),
            "--district", "lincoln", "--type", "student"));
        var one = box.WriteFile("one.csv", TestTemplates.StudentHeader + "\r\nS1,Lee,stu1,,3,1001,\r\n");

        var refused = await box.RunAsync("import", one, "--district", "lincoln", "--type", "student", "--mode", "sync", "--format", "json");
        var wrong = await box.RunAsync("import", one, "--district", "lincoln", "--type", "student", "--mode", "sync", "--allow-deactivations", "10", "--format", "json");

        Assert.Equal(1, refused.ExitCode);
        var error = Json(refused).GetProperty("errors")[0];
        Assert.Equal("import.deactivation_threshold", error.GetProperty("code").GetString());
        Assert.Contains("11", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, wrong.ExitCode);
        var active = Json(await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--type", "student", "--format", "json")));
        Assert.All(active.EnumerateArray(), u => Assert.True(u.GetProperty("active").GetBoolean()));

        var allowed = await box.RunAsync("import", one, "--district", "lincoln", "--type", "student", "--mode", "sync", "--allow-deactivations", "11");

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("11 deactivated", allowed.Stdout, StringComparison.Ordinal);
        var after = Json(await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--type", "student", "--format", "json")));
        Assert.Equal(11, after.EnumerateArray().Count(u => !u.GetProperty("active").GetBoolean()));
    }

    [Fact]
    public async Task A_sync_in_words_gives_the_command_in_its_mode_the_number_to_allow_and_then_what_it_did()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        var rows = Enumerable.Range(1, 13).Select(i => $"S{i},Lee,stu{i},Secret#{i:000},3,1001,");
        await CliSandbox.Ok(box.RunAsync("import", box.WriteFile("all.csv", TestTemplates.StudentHeader + "\r\n" + string.Join("\r\n", rows) + "\r\n"),
            "--district", "lincoln", "--type", "student"));
        // Two students move up, one grade each way: no change is shared, so none is picked out as the common one.
        var two = box.WriteFile("two.csv", TestTemplates.StudentHeader + "\r\nS1,Lee,stu1,,4,1001,\r\nS2,Lee,stu2,,5,1001,\r\n");

        var check = await CliSandbox.Ok(box.RunAsync("validate", two, "--district", "lincoln", "--type", "student", "--mode", "sync"));
        var refused = await box.RunAsync("import", two, "--district", "lincoln", "--type", "student", "--mode", "sync");
        var refusedJson = await box.RunAsync("import", two, "--district", "lincoln", "--type", "student", "--mode", "sync", "--format", "json");

        // The command to copy keeps the mode (without it every row is username.taken); the number is said, not put in it.
        Assert.Contains("It is ready to import: rostra import two.csv --district lincoln --type student --mode sync\n", check.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("Plan (sync): 0 new, 2 updated, 0 unchanged, 11 to deactivate, 0 to reactivate.", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("This file would deactivate 11 users, more than the 10 that can be deactivated without a check.", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("On the command line, the import needs --allow-deactivations 11.", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("On the command line, the import needs --allow-deactivations 11.", refused.Stderr, StringComparison.Ordinal);
        // The plan prints exactly its five counts.
        var plan = Json(refusedJson).GetProperty("plan");
        Assert.Equal(["create", "update", "unchanged", "deactivate", "reactivate"], plan.EnumerateObject().Select(p => p.Name));

        var done = await CliSandbox.Ok(box.RunAsync("import", two, "--district", "lincoln", "--type", "student", "--mode", "sync", "--allow-deactivations", "11"));

        Assert.Contains(": 0 new, 2 updated, 11 deactivated, 0 reactivated, 0 unchanged.", done.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("successfully imported", done.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_revert_takes_no_file_and_its_help_says_so()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();

        var help = await CliSandbox.Ok(box.RunAsync("import", "revert", "--help"));
        var importHelp = await CliSandbox.Ok(box.RunAsync("import", "--help"));
        var unknown = await box.RunAsync("import", "revert", Guid.NewGuid().ToString(), "--district", "lincoln");

        Assert.Contains("  rostra import revert <IMPORT_ID> [options]", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("<FILE>", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("  rostra import <FILE> [options]\n  rostra import revert <IMPORT_ID> [options]", importHelp.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        // Without a FILE, the revert is run: the import is what is missing, not the file.
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("District lincoln has no import", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_export_as_a_workbook_holds_the_values_cell_by_cell_and_validates_as_unchanged()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        await CliSandbox.Ok(box.RunAsync("import", box.WriteFile("students.csv", TestTemplates.StudentHeader + "\r\n" +
            "@Ann,Lee,alee,Secret#123,3,1001,ann@lincoln.org\r\n" +
            "Bo,+Li,bli,Secret#456,K,1001,\r\n"), "--district", "lincoln", "--type", "student"));

        var export = await CliSandbox.Ok(box.RunAsync("users", "export", "--district", "lincoln", "--type", "student", "--format", "xlsx"));

        using (var workbook = new MemoryStream(export.StdoutBytes))
        {
            var format = Rostra.Core.Csv.CsvFile.Detect(workbook);
            Assert.True(format.IsWorkbook);
            var records = Rostra.Core.Csv.CsvFile.ReadRecords(workbook, format).Select(r => r.Fields.ToArray()).ToList();
            Assert.Equal(3, records.Count);
            Assert.Equal(TestTemplates.StudentHeader.Split(','), records[0]);
            Assert.Equal(["@Ann", "Lee", "alee", "", "3", "1001", "ann@lincoln.org"], records[1]);
            Assert.Equal(["Bo", "+Li", "bli", "", "K", "1001", ""], records[2]);
        }
        var file = box.WriteBytes("rostra-students.xlsx", export.StdoutBytes);
        var same = Json(await CliSandbox.Ok(box.RunAsync("validate", file, "--district", "lincoln", "--type", "student", "--mode", "sync", "--format", "json")));
        Assert.Equal(2, same.GetProperty("plan").GetProperty("unchanged").GetInt32());
        Assert.Equal(0, same.GetProperty("plan").GetProperty("update").GetInt32());
    }
}
