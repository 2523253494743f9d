using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Rostra.Core;
using Xunit.Abstractions;

namespace Rostra.Tests.Proofs;

/// <summary>
/// A sentinel password goes through every way a file can end (imported, rejected with misaligned rows, cancelled,
/// failed at confirm); then every place a password could leak is searched for it: the server's log at Debug level,
/// the SQLite file and its WAL (or a pg_dump of PostgreSQL), every file the server keeps, every API response and
/// error report, every page the admin can reach, and the command line's output. Zero hits.
/// </summary>
[Collection(nameof(ProofCollection))]
public sealed partial class SecretsSentinelTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> DebugLogging = new()
    {
        ["Logging__LogLevel__Default"] = "Debug",
        ["Logging__LogLevel__Rostra"] = "Trace",
        ["Logging__LogLevel__Microsoft.AspNetCore.Hosting"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Routing"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Server.Kestrel"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Authentication"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Authorization"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Mvc"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Http"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Diagnostics"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.WebUtilities"] = "Debug",
        ["Logging__LogLevel__Npgsql"] = "Debug",
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_sentinel_password_is_found_nowhere_after_imported_rejected_cancelled_and_failed_files(string provider)
    {
        // Valid for every password rule, unique to this run.
        var sentinel = $"Sntl{Guid.NewGuid():N}"[..24] + "7x!";
        await using var server = await ProofServer.CreateAsync(provider);
        var district = await server.AddDistrictAsync("sentinel-usd");
        var node = await server.StartNodeAsync("sentinel-node", DebugLogging);
        var recorder = new RecordingHandler();
        using var client = ProofServer.Client(node.Address, district.Token, recorder);
        var ids = new List<Guid>();

        // Imported.
        var imported = await ProofServer.UploadAsync(client, ProofServer.Students(district, 5, "imp", sentinel));
        ids.Add(imported);
        Assert.Equal(ImportStatus.Valid, Status(await ProofServer.WaitAsync(client, imported)));
        using (await client.PostAsync($"/api/imports/{imported}/confirm", null)) { }
        Assert.Equal(ImportStatus.Completed, Status(await ProofServer.WaitAsync(client, imported)));

        // Rejected: ordinary errors, and rows whose fields do not line up with the header.
        var rejected = new StringBuilder(ProofServer.StudentHeader).Append("\r\n")
            .Append($"Ann,Lee,rej1.{district.Id},{sentinel},Z,{district.School},\r\n")                 // bad grade
            .Append($"John,Smith,Jr,rej2.{district.Id},{sentinel},3,{district.School},\r\n")           // an unquoted comma: one field too many
            .Append($"Ann,Lee,rej3.{district.Id},{sentinel}\r\n")                                      // a short row
            .Append($"Ann;Lee;rej4.{district.Id};{sentinel};3;{district.School};\r\n")                 // a semicolon row under a comma header
            .Append($"{sentinel},{sentinel},{sentinel},{sentinel},{sentinel},{sentinel},{sentinel},{sentinel}\r\n")
            .Append($"Ann,Lee,rej5.{district.Id},\"{sentinel},3,{district.School},\r\n")               // an unterminated quote to the end
            .ToString();
        var rejectedId = await ProofServer.UploadAsync(client, rejected, "rejected.csv");
        ids.Add(rejectedId);
        Assert.Equal(ImportStatus.Invalid, Status(await ProofServer.WaitAsync(client, rejectedId)));
        var cli = await server.RunAsync(new Dictionary<string, string?>(), "validate", WriteFile(server, "rejected.csv", rejected), "--district", district.Id, "--type", "student", "--format", "json");
        var cliText = await server.RunAsync(new Dictionary<string, string?>(), "validate", WriteFile(server, "rejected2.csv", rejected), "--district", district.Id, "--type", "student");

        // Cancelled once valid, before confirm: its passwords were staged.
        var cancelled = await ProofServer.UploadAsync(client, ProofServer.Students(district, 5, "can", sentinel));
        ids.Add(cancelled);
        Assert.Equal(ImportStatus.Valid, Status(await ProofServer.WaitAsync(client, cancelled)));
        using (await client.PostAsync($"/api/imports/{cancelled}/cancel", null)) { }
        Assert.Equal(ImportStatus.Cancelled, Status(await ProofServer.WaitAsync(client, cancelled)));

        // Failed: valid, then another import takes its usernames before it is confirmed.
        var loser = await ProofServer.UploadAsync(client, ProofServer.Students(district, 5, "race", sentinel));
        ids.Add(loser);
        Assert.Equal(ImportStatus.Valid, Status(await ProofServer.WaitAsync(client, loser)));
        var winner = await ProofServer.UploadAsync(client, ProofServer.Students(district, 5, "race", "Other-Pass1!"));
        ids.Add(winner);
        Assert.Equal(ImportStatus.Valid, Status(await ProofServer.WaitAsync(client, winner)));
        using (await client.PostAsync($"/api/imports/{winner}/confirm", null)) { }
        Assert.Equal(ImportStatus.Completed, Status(await ProofServer.WaitAsync(client, winner)));
        using (await client.PostAsync($"/api/imports/{loser}/confirm", null)) { }
        var lost = Status(await ProofServer.WaitAsync(client, loser));
        Assert.True(lost is ImportStatus.Failed or ImportStatus.Invalid, lost);
        Assert.Equal(11, await server.CountUsersAsync(district.Id)); // the admin, 5 imported, 5 of the winner

        // Every API answer about these imports, every report, every page reachable from the dashboard.
        var reports = new List<(string Where, byte[] Bytes)>();
        foreach (var path in await GetPathsAsync(client, ids))
        {
            using var response = await client.GetAsync(path);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            reports.Add((path, bytes));
            if (bytes.Length > 4 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K')
            {
                // A workbook: search the XML inside, not the compressed bytes.
                using var zip = new ZipArchive(new MemoryStream(bytes));
                foreach (var entry in zip.Entries)
                {
                    using var stream = entry.Open();
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy);
                    reports.Add(($"{path}!{entry.FullName}", copy.ToArray()));
                }
            }
        }
        var pages = await CrawlAsync(client);

        // The stores: the SQLite file and its WAL while the server runs, or a dump of PostgreSQL; every file the server keeps.
        var places = new List<(string Where, byte[] Bytes)>();
        places.AddRange(reports);
        places.AddRange(pages);
        places.AddRange(recorder.Responses);
        places.Add(("cli validate --format json", cli.StdoutBytes));
        places.Add(("cli validate stderr", Encoding.UTF8.GetBytes(cli.Stderr + cliText.Stdout + cliText.Stderr)));
        if (provider == "postgres")
        {
            places.Add(("pg_dump", await PgDumpAsync(server.PostgresConnection)));
        }
        foreach (var file in Directory.EnumerateFiles(server.Folder, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file).StartsWith("rejected", StringComparison.Ordinal))
            {
                continue; // the test's own copies of the file given to the command line
            }
            places.Add((file, ReadShared(file)));
        }
        node.Kill();
        places.Add(("server log", Encoding.UTF8.GetBytes(string.Join('\n', node.Lines))));

        var hits = places.Where(place => Contains(place.Bytes, sentinel)).Select(place => place.Where).ToList();
        output.WriteLine($"{provider}: searched {places.Count} places ({places.Sum(place => (long)place.Bytes.Length):N0} bytes), {recorder.Responses.Count} API responses, {pages.Count} pages, {node.Lines.Count()} log lines; {hits.Count} hits.");
        Assert.True(hits.Count == 0, $"The sentinel password was found in: {string.Join(", ", hits)}");
        Assert.True(node.Lines.Count(line => line.Contains("dbug:", StringComparison.Ordinal)) > 10, "The log was not at Debug level.");
        Assert.Contains(places, place => place.Where.EndsWith("rostra.db", StringComparison.Ordinal) || place.Where == "pg_dump");
    }

    /// <summary>Every GET of the API (from its OpenAPI document) for these imports, and the lists.</summary>
    private static async Task<List<string>> GetPathsAsync(HttpClient client, IReadOnlyList<Guid> ids)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out _))
            {
                continue;
            }
            if (path.Name.Contains("{id}", StringComparison.Ordinal))
            {
                paths.AddRange(ids.Select(id => path.Name.Replace("{id}", id.ToString(), StringComparison.Ordinal) + "?limit=1000"));
            }
            else if (!path.Name.Contains('{', StringComparison.Ordinal))
            {
                paths.Add(path.Name + "?limit=1000");
            }
        }
        Assert.True(paths.Count > 10, string.Join(", ", paths));
        return paths;
    }

    /// <summary>The pages an admin reaches by following links from the dashboard, with any import page of these imports.</summary>
    private static async Task<List<(string Where, byte[] Bytes)>> CrawlAsync(HttpClient client)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(["/"]);
        var pages = new List<(string, byte[])>();
        while (queue.Count > 0 && pages.Count < 200)
        {
            var path = queue.Dequeue();
            if (!seen.Add(path) || path.StartsWith("/logout", StringComparison.Ordinal))
            {
                continue;
            }
            using var response = await client.GetAsync(path);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            pages.Add((path, bytes));
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }
            foreach (Match link in Link().Matches(Encoding.UTF8.GetString(bytes)))
            {
                var href = WebUtility.HtmlDecode(link.Groups[1].Value);
                if (href.StartsWith('/') && !href.StartsWith("//", StringComparison.Ordinal))
                {
                    queue.Enqueue(href.Split('#')[0]);
                }
            }
        }
        Assert.True(pages.Count >= 5, $"Only {pages.Count} pages were reached.");
        return pages;
    }

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Link();

    private static async Task<byte[]> PgDumpAsync(string connection)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection);
        var start = new ProcessStartInfo("pg_dump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database! })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = Process.Start(start)!;
        using var dump = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(dump);
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {errors}");
        Assert.True(dump.Length > 1000, "pg_dump wrote almost nothing.");
        return dump.ToArray();
    }

    private static string WriteFile(ProofServer server, string name, string text)
    {
        var path = Path.Combine(server.Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static byte[] ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The sentinel as UTF-8 or as UTF-16 (either byte order) anywhere in <paramref name="bytes"/>.</summary>
    private static bool Contains(byte[] bytes, string sentinel) =>
        bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(sentinel)) >= 0
        || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(sentinel)) >= 0
        || bytes.AsSpan().IndexOf(Encoding.BigEndianUnicode.GetBytes(sentinel)) >= 0;

    private static string Status(JsonElement view) => view.GetProperty("status").GetString()!;

    /// <summary>Keeps every response body the client received.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        public List<(string Where, byte[] Bytes)> Responses { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            lock (Responses)
            {
                Responses.Add(($"{request.Method} {request.RequestUri}", [.. Encoding.UTF8.GetBytes(response.Headers.ToString()), .. bytes]));
            }
            var copy = new ByteArrayContent(bytes);
            foreach (var header in response.Content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content = copy;
            return response;
        }
    }
}
