using System.Text;
using System.Text.Json;

namespace Rostra.Tests.Cli;

/// <summary>The command line as a user runs it: a separate process against a SQLite file or PostgreSQL.</summary>
public sealed class CliTests
{
    private static readonly string StudentHeader = TestTemplates.StudentHeader;

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static JsonElement Json(CliRun run) => JsonDocument.Parse(run.Stdout).RootElement;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Validates_imports_and_lists_a_clean_student_file(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var file = box.WriteFile("students.csv",
            StudentHeader + "\r\n" +
            "José,Núñez,jnunez,Secret#123,K,1001,jose@lincoln.org\r\n" +
            "Ann,Lee,alee,Secret#456,7,00417,\r\n" +
            "\"Mary Ann\",\"O'Brien\",mobrien,Secret#789,10,LHS,\r\n");

        var validate = await box.RunAsync("validate", file, "--district", "lincoln", "--type", "student", "--format", "json");
        Assert.True(validate.ExitCode == 0, validate.ToString());
        var v = Json(validate);
        Assert.Equal("valid", v.GetProperty("status").GetString());
        Assert.Equal(3, v.GetProperty("rows").GetInt32());
        Assert.Equal(0, v.GetProperty("errors").GetArrayLength());

        var import = await box.RunAsync("import", file, "--district", "lincoln", "--type", "student", "--format", "json");
        Assert.True(import.ExitCode == 0, import.ToString());
        var i = Json(import);
        Assert.Equal("imported", i.GetProperty("status").GetString());
        Assert.Equal("lincoln", i.GetProperty("district").GetString());
        Assert.Equal("student", i.GetProperty("userType").GetString());
        Assert.Equal(3, i.GetProperty("imported").GetInt32());

        var list = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--format", "json"));
        var users = Json(list).EnumerateArray().ToDictionary(u => u.GetProperty("username").GetString()!);
        Assert.Equal(3, users.Count);
        var jose = users["jnunez"];
        Assert.Equal("José", jose.GetProperty("firstName").GetString());
        Assert.Equal("Núñez", jose.GetProperty("lastName").GetString());
        Assert.Equal("jose@lincoln.org", jose.GetProperty("email").GetString());
        Assert.Equal("K", jose.GetProperty("grade").GetString());
        Assert.Equal(["student"], jose.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["1001"], jose.GetProperty("schoolIds").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["reading"], jose.GetProperty("programs").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("O'Brien", users["mobrien"].GetProperty("lastName").GetString());
        Assert.Equal(["00417"], users["alee"].GetProperty("schoolIds").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_file_with_errors_exits_1_lists_every_error_and_imports_nothing(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var file = box.WriteFile("bad.csv",
            StudentHeader + "\n" +
            "Ann,Lee,alee,Secret#456,7,00417,\n" +
            "Bob,,bob,short,14,9999,\n" +
            "Cy,Fox,alee,Secret#456,3,1001,not-an-email\n");

        var run = await box.RunAsync("import", file, "--district", "lincoln", "--type", "student", "--format", "json");
        Assert.True(run.ExitCode == 1, run.ToString());
        var json = Json(run);
        Assert.Equal("invalid", json.GetProperty("status").GetString());
        Assert.Equal(0, json.GetProperty("imported").GetInt32());
        var errors = json.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString(), e.GetProperty("code").GetString()))
            .ToList();
        Assert.Equal(
        [
            (3, "Last Name", "field.required"),
            (3, "Password", "password.too_short"),
            (3, "Password", "password.complexity"),
            (3, "Grade", "grade.invalid"),
            (3, "School ID", "school.unknown"),
            (4, "Username", "username.duplicate"),
            (4, "Email", "email.invalid"),
        ], errors);
        foreach (var e in json.GetProperty("errors").EnumerateArray().Where(e => e.GetProperty("column").GetString() == "Password"))
            Assert.Equal(JsonValueKind.Null, e.GetProperty("value").ValueKind);

        var list = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--format", "json"));
        Assert.Equal(0, Json(list).GetArrayLength());
    }

    [Fact]
    public async Task Text_mode_prints_a_summary_and_errors_grouped_by_row_on_stderr()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        var file = box.WriteFile("bad.csv", StudentHeader + "\nBob,Ray,bob,Secret#123,5,417,\n");
        var run = await box.RunAsync("validate", file, "--district", "lincoln", "--type", "student");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("1 row, 1 error", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Row 2:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("school.unknown", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("00417", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_prints_the_header_with_bom_and_crlf()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        var run = await CliSandbox.Ok(box.RunAsync("template", "school-admin"));
        Assert.Equal([0xEF, 0xBB, 0xBF, .. "First Name,Last Name,Username,Password,Email,School ID,Teacher Role\r\n"u8.ToArray()], run.StdoutBytes);
    }

    [Fact]
    public async Task The_workbook_template_of_a_district_lists_its_schools_and_a_spreadsheets_workbook_imports_every_name_as_typed()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        await CliSandbox.Ok(box.RunAsync("school", "add", "1002", "--district", "lincoln", "--name", "Washington Elementary", "--grades", "PK,TK,K-5"));

        var template = await CliSandbox.Ok(box.RunAsync("template", "student", "--format", "xlsx", "--district", "lincoln"));
        using (var workbook = new MemoryStream(template.StdoutBytes))
        {
            var format = Rostra.Core.Csv.CsvFile.Detect(workbook);
            Assert.True(format.IsWorkbook);
            Assert.Equal(StudentHeader.Split(','), Assert.Single(Rostra.Core.Csv.CsvFile.ReadRecords(workbook, format)).Fields);
            using var zip = new System.IO.Compression.ZipArchive(workbook);
            using var schools = new StreamReader(zip.GetEntry("xl/worksheets/sheet2.xml")!.Open());
            var xml = await schools.ReadToEndAsync();
            Assert.Contains(">00417<", xml, StringComparison.Ordinal);
            Assert.Contains(">Washington Elementary<", xml, StringComparison.Ordinal);
        }
        Assert.Equal(2, (await box.RunAsync("template", "student", "--district", "lincoln")).ExitCode);

        var file = box.WriteBytes("class.xlsx", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "students.xlsx")));
        var run = await box.RunAsync("import", file, "--district", "lincoln", "--type", "student", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(6, Json(run).GetProperty("imported").GetInt32());
        var list = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--format", "json"));
        Assert.Equal(
            ["123456789012345 Nguyễn Trần", "jose.nunez José Núñez", "lech.walesa Lech Wałęsa", "simon.zak Šimon Žák", "sofia.munoz Sofía Muñoz", "zoe.bronte Zoë Brontë"],
            Json(list).EnumerateArray()
                .Select(u => $"{u.GetProperty("username").GetString()} {u.GetProperty("firstName").GetString()} {u.GetProperty("lastName").GetString()}")
                .Where(u => !u.StartsWith("admin", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bad_arguments_and_unknown_districts_or_programs_exit_2()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        var file = box.WriteFile("s.csv", StudentHeader + "\nAnn,Lee,alee,Secret#456,7,00417,\n");
        Assert.Equal(2, (await box.RunAsync("validate", file, "--district", "lincoln")).ExitCode);
        Assert.Equal(2, (await box.RunAsync("validate", file, "--district", "lincoln", "--type", "parent")).ExitCode);
        var unknown = await box.RunAsync("validate", file, "--district", "nowhere", "--type", "student");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("nowhere", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await box.RunAsync("import", file, "--district", "lincoln", "--type", "student", "--program", "math")).ExitCode);
        Assert.Equal(2, (await box.RunAsync("validate", Path.Combine(box.Directory, "missing.csv"), "--district", "lincoln", "--type", "student")).ExitCode);
        Assert.Equal(2, (await box.RunAsync("school", "add", "2001", "--district", "lincoln", "--name", "X", "--grades", "Z-3")).ExitCode);
        Assert.Equal(2, (await box.RunAsync("frobnicate")).ExitCode);
    }

    [Fact]
    public async Task Program_may_be_left_out_only_when_the_district_has_one()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        await CliSandbox.Ok(box.RunAsync("program", "add", "math", "--district", "lincoln", "--name", "Math"));
        var file = box.WriteFile("s.csv", StudentHeader + "\nAnn,Lee,alee,Secret#456,7,00417,\n");
        var ambiguous = await box.RunAsync("import", file, "--district", "lincoln", "--type", "student");
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("--program", ambiguous.Stderr, StringComparison.Ordinal);
        await CliSandbox.Ok(box.RunAsync("import", file, "--district", "lincoln", "--type", "student", "--program", "math"));
        var list = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--format", "json"));
        Assert.Equal(["math"], Json(list)[0].GetProperty("programs").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_roster_synced_district_refuses_import_and_changes_nothing(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync(rosterSync: "clever");
        var file = box.WriteFile("s.csv", StudentHeader + "\nAnn,Lee,alee,Secret#456,7,00417,\n");
        var run = await box.RunAsync("import", file, "--district", "lincoln", "--type", "student", "--format", "json");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("district.roster_synced", Json(run).GetProperty("errors")[0].GetProperty("code").GetString());
        var list = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--format", "json"));
        Assert.Equal(0, Json(list).GetArrayLength());
    }

    [Fact]
    public async Task A_windows_1252_file_imports_with_accents_and_a_warning()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        var file = box.WriteBytes("excel.csv", CodePages1252.GetBytes(StudentHeader + "\r\nRenée,Müller,rmuller,Secret#123,3,1001,\r\n"));
        var run = await box.RunAsync("import", file, "--district", "lincoln", "--type", "student", "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("file.encoding_fallback", Json(run).GetProperty("warnings")[0].GetProperty("code").GetString());
        var list = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln"));
        Assert.Contains("rmuller,Renée,Müller", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_school_admin_with_teacher_role_also_gets_teacher_and_users_list_filters_by_type()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        var file = box.WriteFile("admins.csv",
            "Email,School ID,Teacher Role,First Name,Last Name,Username,Password\n" +
            "pat@lincoln.org,\"1001, LHS\",Yes,Pat,Kim,pkim,LongSecret#123\n" +
            "sam@lincoln.org,1001,,Sam,,sam,LongSecret#456\n");
        await CliSandbox.Ok(box.RunAsync("import", file, "--district", "lincoln", "--type", "school-admin"));
        var list = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--type", "school-admin", "--format", "json"));
        var users = Json(list).EnumerateArray().ToDictionary(u => u.GetProperty("username").GetString()!);
        Assert.Equal(["school-admin", "teacher"], users["pkim"].GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal(["1001", "LHS"], users["pkim"].GetProperty("schoolIds").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal(["school-admin"], users["sam"].GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var teachers = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--type", "teacher", "--format", "json"));
        Assert.Equal(["pkim"], Json(teachers).EnumerateArray().Select(u => u.GetProperty("username").GetString()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_second_import_of_the_same_users_reports_them_taken(string provider)
    {
        await using var box = await CliSandbox.CreateAsync(provider);
        await box.SetUpDistrictAsync();
        var file = box.WriteFile("t.csv", TestTemplates.TeacherHeader + "\nTia,Ray,tray,LongSecret#123,tia@lincoln.org,1001\n");
        await CliSandbox.Ok(box.RunAsync("import", file, "--district", "lincoln", "--type", "teacher"));
        var again = await box.RunAsync("import", file, "--district", "lincoln", "--type", "teacher", "--format", "json");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(["username.taken", "email.taken"],
            Json(again).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Admin_add_takes_the_password_from_stdin_or_the_environment_and_token_add_prints_a_token()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        await CliSandbox.Ok(box.RunWithAsync("Admin#Password1\n", null, "admin", "add", "dana", "--district", "lincoln", "--email", "dana@lincoln.org"));
        await CliSandbox.Ok(box.RunWithAsync(null, new Dictionary<string, string?> { ["ROSTRA_PASSWORD"] = "Admin#Password2" },
            "admin", "add", "eli", "--district", "lincoln"));
        var weak = await box.RunWithAsync("short\n", null, "admin", "add", "fay", "--district", "lincoln");
        Assert.Equal(2, weak.ExitCode);
        var token = await CliSandbox.Ok(box.RunAsync("token", "add", "--user", "dana"));
        Assert.StartsWith("rostra_", token.Stdout.Trim(), StringComparison.Ordinal);
        var admins = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "lincoln", "--type", "district-admin", "--format", "json"));
        Assert.Equal(["dana", "eli"], Json(admins).EnumerateArray().Select(u => u.GetProperty("username").GetString()).Order());
    }

    [Fact]
    public async Task A_sentinel_password_is_nowhere_in_output_or_database()
    {
        const string accepted = "Sentinel#Accepted42";
        const string rejected = "Sentinel#Rejected42";
        await using var box = await CliSandbox.CreateAsync("sqlite");
        await box.SetUpDistrictAsync();
        var good = box.WriteFile("good.csv", StudentHeader + $"\nAnn,Lee,alee,{accepted},7,00417,\n");
        var bad = box.WriteFile("bad.csv", StudentHeader + $"\nBo,Lee,blee,{rejected},7,00417,nope\n");
        var output = new StringBuilder();
        foreach (var format in new[] { "text", "json" })
        {
            var r1 = await box.RunAsync("validate", bad, "--district", "lincoln", "--type", "student", "--format", format);
            var r2 = await box.RunAsync("import", bad, "--district", "lincoln", "--type", "student", "--format", format);
            Assert.Equal(1, r2.ExitCode);
            output.Append(r1).Append(r2);
        }
        var ok = await CliSandbox.Ok(box.RunAsync("import", good, "--district", "lincoln", "--type", "student", "--format", "json"));
        output.Append(ok).Append(await box.RunAsync("users", "list", "--district", "lincoln", "--format", "json"));

        var everything = output.ToString();
        Assert.DoesNotContain("Sentinel", everything, StringComparison.Ordinal);
        foreach (var path in System.IO.Directory.GetFiles(box.Directory, "rostra.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(path);
            foreach (var sentinel in new[] { accepted, rejected })
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(sentinel)), $"{sentinel} found in {path}");
                Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(sentinel)), $"{sentinel} (UTF-16) found in {path}");
            }
        }
    }

    [Fact]
    public async Task Serve_starts_the_web_app_on_the_given_address_and_seeds_the_demo_once()
    {
        await using var box = await CliSandbox.CreateAsync("sqlite");
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var url = $"http://127.0.0.1:{port}";
        using var server = RostraProcess.Start(box.Directory, ["--db", box.Db, "serve", "--seed-demo", "--urls", url]);
        using var http = new HttpClient();
        // Polls until the server answers; the deadline only bounds a server that never comes up (a loaded machine is slow).
        var healthy = false;
        var until = DateTime.UtcNow.AddSeconds(90);
        while (!healthy && !server.HasExited && DateTime.UtcNow < until)
        {
            try { healthy = (await http.GetAsync($"{url}/healthz")).IsSuccessStatusCode; }
            catch (HttpRequestException) { }
            if (!healthy) await Task.Delay(100);
        }
        Assert.True(healthy, "rostra serve did not answer /healthz");
        var login = await http.GetStringAsync($"{url}/login");
        Assert.Contains("Sign in", login, StringComparison.OrdinalIgnoreCase);
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
        Assert.Contains("demo.admin", await server.StandardOutput.ReadToEndAsync(), StringComparison.Ordinal);

        var admins = await CliSandbox.Ok(box.RunAsync("users", "list", "--district", "demo-usd", "--type", "district-admin", "--format", "json"));
        Assert.Contains("demo.admin", admins.Stdout, StringComparison.Ordinal);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

internal static class CodePages1252
{
    static CodePages1252() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] GetBytes(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252).GetBytes(text);
    }
}
