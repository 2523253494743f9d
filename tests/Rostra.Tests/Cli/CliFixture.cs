using System.Text;

namespace Rostra.Tests.Cli;

/// <summary>
/// A temp folder with its own database for one test: a SQLite file, or a fresh PostgreSQL database
/// on the server named by <c>ROSTRA_TEST_PG</c>.
/// </summary>
public sealed class CliSandbox : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _env = [];

    private readonly TempFolder _folder = new("rostra-cli-");

    private CliSandbox(string provider)
    {
        Provider = provider;
    }

    public string Provider { get; }
    public string Directory => _folder.Path;
    public string Db { get; private set; } = "";
    public string? SqlitePath { get; private set; }
    private PostgresTestDatabase? _pgDatabase;

    public static async Task<CliSandbox> CreateAsync(string provider)
    {
        var sandbox = new CliSandbox(provider);
        if (provider == "sqlite")
        {
            sandbox.SqlitePath = Path.Combine(sandbox.Directory, "rostra.db");
            sandbox.Db = sandbox.SqlitePath;
        }
        else
        {
            sandbox._pgDatabase = await TestPostgres.CreateDatabaseAsync();
            sandbox.Db = sandbox._pgDatabase.ConnectionString;
        }
        return sandbox;
    }

    public Task<CliRun> RunAsync(params string[] args) => RunWithAsync(null, null, args);

    public Task<CliRun> RunWithAsync(string? stdin, IReadOnlyDictionary<string, string?>? env, params string[] args)
    {
        var environment = new Dictionary<string, string?>(_env);
        if (env is not null) foreach (var (k, v) in env) environment[k] = v;
        return RostraProcess.RunAsync(Directory, environment, stdin, ["--db", Db, .. args]);
    }

    /// <summary>Writes a file into the sandbox and returns its path.</summary>
    public string WriteFile(string name, string content, Encoding? encoding = null)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, (encoding ?? new UTF8Encoding(false)).GetBytes(content));
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A district with one program and three schools, the usual starting point.</summary>
    public async Task SetUpDistrictAsync(string district = "lincoln", string sso = "none", string rosterSync = "none")
    {
        await Ok(RunAsync("district", "add", district, "--name", "Lincoln Unified", "--sso", sso, "--roster-sync", rosterSync));
        await Ok(RunAsync("program", "add", "reading", "--district", district, "--name", "Reading Plus"));
        await Ok(RunAsync("school", "add", district == "lincoln" ? "1001" : district + "1", "--district", district, "--name", "Lincoln Elementary", "--grades", "K-5"));
        await Ok(RunAsync("school", "add", district == "lincoln" ? "00417" : district + "2", "--district", district, "--name", "Oak Middle", "--grades", "6-8"));
        await Ok(RunAsync("school", "add", district == "lincoln" ? "LHS" : district + "3", "--district", district, "--name", "Lincoln High", "--grades", "9-12"));
    }

    public static async Task<CliRun> Ok(Task<CliRun> run)
    {
        var r = await run;
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    public async ValueTask DisposeAsync()
    {
        if (_pgDatabase is not null) await _pgDatabase.DisposeAsync();
        _folder.Dispose();
    }
}
