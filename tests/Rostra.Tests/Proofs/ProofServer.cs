using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Tests.Cli;
using Rostra.Tests.Durable;

namespace Rostra.Tests.Proofs;

/// <summary>
/// A database (a SQLite file in a temp folder, or a fresh PostgreSQL database) set up through the command line
/// with districts, and <c>rostra serve</c> nodes on it, as a district's server runs.
/// </summary>
public sealed class ProofServer : IAsyncDisposable
{
    public const string AdminPassword = "Admin-Pass-1234!";
    public static readonly string StudentHeader = TestTemplates.StudentHeader;

    private readonly List<ServeNode> nodes = [];
    private readonly string? pgName;

    private ProofServer(string provider, string db, string folder, string? pgName)
    {
        Provider = provider;
        Db = db;
        Folder = folder;
        this.pgName = pgName;
    }

    public string Provider { get; }

    public string Db { get; }

    public string Folder { get; }

    /// <summary>The SQLite file, when the provider is SQLite.</summary>
    public string SqlitePath => Path.Combine(Folder, "rostra.db");

    /// <summary>The PostgreSQL connection string, when the provider is PostgreSQL.</summary>
    public string PostgresConnection => Provider == "postgres" ? Db : throw new InvalidOperationException("Not PostgreSQL.");

    public IReadOnlyList<ServeNode> Nodes => nodes;

    public static async Task<ProofServer> CreateAsync(string provider)
    {
        var folder = Directory.CreateTempSubdirectory("rostra-proof-").FullName;
        if (provider == "postgres")
        {
            var database = await TestPostgres.CreateDatabaseAsync();
            return new ProofServer(provider, database.ConnectionString, folder, database.Name);
        }
        return new ProofServer("sqlite", Path.Combine(folder, "rostra.db"), folder, null);
    }

    /// <summary>A district with the program <c>reading</c>, school <c>S{n}</c> (K-5), an admin and the admin's API token.</summary>
    public async Task<ProofDistrict> AddDistrictAsync(string id)
    {
        var school = $"S{id.Replace("-", "", StringComparison.Ordinal)}";
        await CliAsync("district", "add", id, "--name", $"District {id}");
        await CliAsync("program", "add", "reading", "--district", id, "--name", "Reading");
        await CliAsync("school", "add", school, "--district", id, "--name", "Lincoln Elementary", "--grades", "K-5");
        await CliAsync(new Dictionary<string, string?> { ["ROSTRA_PASSWORD"] = AdminPassword }, "admin", "add", $"admin.{id}", "--district", id);
        var token = (await CliAsync("token", "add", "--user", $"admin.{id}")).Stdout.Trim();
        return new ProofDistrict(id, school, $"admin.{id}", token);
    }

    public async Task<ServeNode> StartNodeAsync(string nodeId, IReadOnlyDictionary<string, string>? environment = null)
    {
        var nodeFolder = Directory.CreateDirectory(Path.Combine(Folder, nodeId)).FullName;
        var node = await ServeNode.StartAsync(Db, nodeId, nodeFolder, environment);
        nodes.Add(node);
        return node;
    }

    public Task<CliRun> CliAsync(params string[] args) => CliAsync(new Dictionary<string, string?>(), args);

    public async Task<CliRun> CliAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var run = await RunAsync(environment, args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    /// <summary>Runs <c>rostra</c> on this database, whatever its exit code.</summary>
    public Task<CliRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RostraProcess.RunAsync(Folder, environment, null, ["--db", Db, .. args]);

    /// <summary>Counts the users of a district straight from the database.</summary>
    public async Task<long> CountUsersAsync(string districtId) =>
        Convert.ToInt64(await ScalarAsync("SELECT COUNT(*) FROM users WHERE district_id = @d", ("d", districtId)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One value of a query on the database, on a connection of its own.</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        if (Provider == "postgres")
        {
            await using var connection = new NpgsqlConnection(Db);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            return await command.ExecuteScalarAsync();
        }
        await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={SqlitePath};Pooling=False");
        await sqlite.OpenAsync();
        await using var query = sqlite.CreateCommand();
        query.CommandText = sql;
        foreach (var (name, value) in parameters) query.Parameters.AddWithValue("@" + name, value);
        return await query.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes) await node.DisposeAsync();
        if (pgName is not null) await TestPostgres.DropDatabaseAsync(pgName);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A node's files still closing; the temp folder is cleaned by the system.
        }
    }

    // HTTP helpers shared by the proofs.

    public static HttpClient Client(Uri address, string token, HttpMessageHandler? handler = null)
    {
        var client = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static MultipartFormDataContent Form(byte[] file, string fileName = "students.csv", string type = "student")
    {
        var form = new MultipartFormDataContent { { new StringContent(type), "type" } };
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", fileName);
        return form;
    }

    public static async Task<Guid> UploadAsync(HttpClient client, byte[] file, string fileName = "students.csv")
    {
        using var response = await client.PostAsync("/api/imports", Form(file, fileName));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    public static Task<Guid> UploadAsync(HttpClient client, string csv, string fileName = "students.csv") =>
        UploadAsync(client, Encoding.UTF8.GetBytes(csv), fileName);

    /// <summary>Polls an import until its status satisfies <paramref name="done"/>.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, Guid id, Func<string, bool>? done = null, TimeSpan? timeout = null)
    {
        done ??= status => status is not (ImportStatus.Validating or ImportStatus.Importing);
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
            if (done(view.GetProperty("status").GetString()!)) return view;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Import {id} is still {view}.");
            await Task.Delay(50);
        }
    }

    /// <summary>A student file: <paramref name="count"/> valid rows with usernames <c>{prefix}{n}</c>.</summary>
    public static string Students(ProofDistrict district, int count, string prefix, string password = "Secret-Pass1!") =>
        StudentHeader + "\r\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"Ann{i},Lee,{prefix}{i}.{district.Id},{password},{1 + (i % 5)},{district.School},\r\n"));
}

/// <summary>What <see cref="ProofServer.AddDistrictAsync"/> made.</summary>
public sealed record ProofDistrict(string Id, string School, string Admin, string Token);

/// <summary>The proofs that start server processes run one at a time: they share two cores with everything else.</summary>
[CollectionDefinition(nameof(ProofCollection), DisableParallelization = true)]
public sealed class ProofCollection;
