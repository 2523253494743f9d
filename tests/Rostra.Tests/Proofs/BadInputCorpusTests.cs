using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Validation;
using Xunit.Abstractions;

namespace Rostra.Tests.Proofs;

/// <summary>
/// Hostile and broken files, each given to a running server (generated here, never committed): each ends with its
/// clear SPEC code, never "something went wrong"; while each is read, another district's requests and <c>/healthz</c>
/// are answered (timed and recorded, no thresholds); the server's peak memory stays bounded by the work, not the file.
/// </summary>
[Collection(nameof(ProofCollection))]
public sealed class BadInputCorpusTests(ITestOutputHelper output)
{
    private const long MaxFileBytes = 60L * 1024 * 1024;
    private const int MaxRows = 5_000;

    /// <summary>One hostile input and what the district admin must see.</summary>
    public sealed record BadInput(string Name, Func<ProofDistrict, byte[]> File, string FileName, string[] Codes, string? Status = ImportStatus.Invalid);

    private static readonly string Header = ProofServer.StudentHeader;

    /// <summary>The corpus. <see cref="BadInput.Codes"/>: every one must be among the import's errors or warnings.</summary>
    public static IReadOnlyList<BadInput> Corpus { get; } =
    [
        new("empty file", _ => [], "empty.csv", ["file.empty"]),
        new("only a byte order mark", _ => [0xEF, 0xBB, 0xBF], "bom.csv", ["file.empty"]),
        new("header only", _ => Utf8(Header + "\r\n"), "header.csv", ["file.no_rows"]),
        new("NUL bytes in a row", d => Utf8($"{Header}\r\nAnn\0\0,Lee,nul1.{d.Id},Secret-Pass1!,3,{d.School},\r\n"), "nul.csv", ["file.not_csv"]),
        new("an Excel 97 workbook renamed .csv", _ => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[4096]], "old.csv", ["file.not_csv"]),
        new("a zip bomb renamed .csv", _ => ZipBomb(), "bomb.csv", ["file.not_csv"]),
        new("10,000 columns in the header", _ => Utf8(Header + string.Concat(Enumerable.Range(1, 10_000 - 7).Select(i => $",Extra{i}")) + "\r\nAnn,Lee,x,y,1,2,\r\n"), "wide-header.csv", ["header.unknown_column"]),
        new("10,000 fields in a row", d => Utf8($"{Header}\r\nAnn,Lee,wide.{d.Id},Secret-Pass1!,3,{d.School}" + new string(',', 10_000 - 6) + "\r\n"), "wide-row.csv", ["row.field_count"]),
        new("100,000 quotes in a field", d => Utf8($"{Header}\r\n\"{new string('"', 100_000)}\",Lee,quotes.{d.Id},Secret-Pass1!,3,{d.School},\r\n"), "quotes.csv", ["field.too_long"]),
        new("100,000 quotes and nothing else", _ => Utf8(new string('"', 100_000)), "only-quotes.csv", []),
        new("300-character names with path separators and HTML", d => Utf8($"{Header}\r\n{Hostile(300)},{Hostile(300)},html.{d.Id},Secret-Pass1!,3,{d.School},\r\n"), "../..\\<img src=x onerror=alert(1)>" + new string('n', 260) + ".csv", ["field.too_long"]),
        new("misaligned password rows", d => Utf8($"{Header}\r\nJohn,Smith,Jr,mis1.{d.Id},Secret-Pw-1!,3,{d.School},\r\nAnn,Lee,mis2.{d.Id},Secret-Pw-1!\r\nAnn;Lee;mis3.{d.Id};Secret-Pw-1!;3;{d.School};\r\n"), "misaligned.csv", ["row.field_count"]),
        new("another type's template", d => Utf8($"First Name,Last Name,Username,Password,Email,School ID\r\nTia,Lee,t1.{d.Id},Secret-Pass-12!,t@example.com,{d.School}\r\n"), "teachers.csv", ["header.wrong_template"]),
        new("a duplicate and a missing column", d => Utf8($"First Name,First Name,Username,Password,Grade,School ID,Email\r\nAnn,Ann,dup.{d.Id},Secret-Pass1!,3,{d.School},\r\n"), "dup.csv", ["header.duplicate_column", "header.missing_column"]),
        new("more rows than the limit", d => Utf8(ProofServer.Students(d, MaxRows + 1, "many")), "many.csv", ["file.too_many_rows"]),
        new("a 50 MB line", _ => FiftyMegabyteLine(), "long-line.csv", ["file.not_csv"]),
        new("an unterminated quote at the start of a large file", d => UnterminatedQuote(d), "unterminated.csv", ["file.not_csv"]),
    ];

    [Fact]
    public async Task Every_bad_input_gets_its_clear_code_while_another_district_is_answered_and_memory_stays_bounded()
    {
        await using var server = await ProofServer.CreateAsync("sqlite");
        var district = await server.AddDistrictAsync("hostile-usd");
        var other = await server.AddDistrictAsync("calm-usd");
        var node = await server.StartNodeAsync("corpus", new Dictionary<string, string>
        {
            ["ROSTRA_MAX_FILE_BYTES"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
            ["ROSTRA_MAX_ROWS"] = MaxRows.ToString(CultureInfo.InvariantCulture),
        });
        using var client = ProofServer.Client(node.Address, district.Token);
        using var calm = ProofServer.Client(node.Address, other.Token);
        var failures = new List<string>();
        var table = new StringBuilder("| input | bytes | status | codes | /healthz during (ms, max) | other district's list (ms, max) |\n|---|---|---|---|---|---|\n");

        foreach (var input in Corpus)
        {
            var bytes = input.File(district);
            using var stop = new CancellationTokenSource();
            var probes = ProbeAsync(calm, stop.Token);
            Guid id;
            JsonElement done;
            List<string> codes;
            try
            {
                using var response = await client.PostAsync("/api/imports", ProofServer.Form(bytes, input.FileName));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    // Refused at the door (e.g. 413): the answer itself carries the code.
                    codes = [JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!];
                    done = default;
                    id = Guid.Empty;
                }
                else
                {
                    id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
                    done = await ProofServer.WaitAsync(client, id, timeout: TimeSpan.FromMinutes(5));
                    codes = await CodesAsync(client, id, done);
                }
            }
            finally
            {
                await stop.CancelAsync();
            }
            var (health, list) = await probes;
            var status = id == Guid.Empty ? "refused" : done.GetProperty("status").GetString()!;
            var message = id == Guid.Empty ? "" : done.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            table.Append(CultureInfo.InvariantCulture, $"| {input.Name} | {bytes.Length:N0} | {status} | {string.Join(' ', codes.Distinct())} | {health.Count}, {Max(health)} | {list.Count}, {Max(list)} |\n");

            if (input.Status is { } expected && status != expected && status != "refused")
            {
                failures.Add($"{input.Name}: status {status}, not {expected} ({message})");
            }
            if (status == ImportStatus.Failed || message.Contains("went wrong", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{input.Name}: failed as a server error: {message}");
            }
            if (status == ImportStatus.Invalid && codes.Count == 0)
            {
                failures.Add($"{input.Name}: invalid without a code");
            }
            foreach (var code in input.Codes.Where(code => !codes.Contains(code)))
            {
                failures.Add($"{input.Name}: no {code} among {string.Join(", ", codes.Distinct())}");
            }
            if (health.Count == 0 || list.Count == 0 || health.Any(h => h.Status != HttpStatusCode.OK) || list.Any(l => l.Status != HttpStatusCode.OK))
            {
                failures.Add($"{input.Name}: another district was not answered while it was read");
            }
        }

        // The hostile file name is shown as text, never as markup, and never as a path.
        var history = await client.GetStringAsync("/programs/reading/imports");
        Assert.DoesNotContain("<img src=x", history, StringComparison.OrdinalIgnoreCase);
        var names = (await client.GetFromJsonAsync<JsonElement>("/api/imports")).EnumerateArray().Select(i => i.GetProperty("fileName").GetString()!).ToList();
        Assert.All(names, name => Assert.False(name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal), name));

        var peak = PeakMemoryBytes(node.ProcessId);
        ProofReport.Write(output, "corpus", table.ToString());
        ProofReport.Write(output, "corpus", $"Peak server memory (VmHWM): {peak / (1024 * 1024):N0} MiB; largest input {Corpus.Max(input => input.File(district).Length) / (1024 * 1024):N0} MiB.");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        // Bounded by the work in flight, not the files (which add up to well over 100 MiB, and a zip that holds 1 GiB).
        Assert.True(peak < 1024L * 1024 * 1024, $"The server's memory peaked at {peak / (1024 * 1024):N0} MiB.");
        Assert.Equal(1, await server.CountUsersAsync(district.Id)); // the admin alone
    }

    [Fact]
    public async Task A_cut_off_multipart_upload_is_a_400_and_the_server_keeps_answering()
    {
        await using var server = await ProofServer.CreateAsync("sqlite");
        var district = await server.AddDistrictAsync("cutoff-usd");
        var node = await server.StartNodeAsync("cutoff");
        const string boundary = "cutoff-boundary";
        var body = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nstudent\r\n" +
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\n{Header}\r\nAnn,Lee,");

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, node.Address.Port);
        var stream = tcp.GetStream();
        var head = Encoding.ASCII.GetBytes(
            $"POST /api/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {district.Token}\r\n" +
            $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(body);
        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync();

        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        using var client = ProofServer.Client(node.Address, district.Token);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/imports")).EnumerateArray());
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<List<string>> CodesAsync(HttpClient client, Guid id, JsonElement import)
    {
        var codes = new List<string>();
        if (import.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array)
        {
            codes.AddRange(warnings.EnumerateArray().Select(w => w.GetProperty("code").GetString()!));
        }
        var errors = await client.GetFromJsonAsync<JsonElement>($"/api/imports/{id}/errors?limit=1000");
        Assert.True(errors.TryGetProperty("items", out var items) || errors.TryGetProperty("errors", out items), $"{import}\n{errors}");
        codes.AddRange(items.EnumerateArray().Select(e => e.GetProperty("code").GetString()!));
        return codes;
    }

    private sealed record Probe(HttpStatusCode Status, double Milliseconds);

    /// <summary>Another district's list and <c>/healthz</c>, one after the other, until stopped (at least once each).</summary>
    private static async Task<(List<Probe> Health, List<Probe> List)> ProbeAsync(HttpClient calm, CancellationToken stop)
    {
        var health = new List<Probe>();
        var list = new List<Probe>();
        do
        {
            health.Add(await TimeAsync(calm, "/healthz"));
            list.Add(await TimeAsync(calm, "/api/imports"));
        }
        while (!stop.IsCancellationRequested);
        return (health, list);
    }

    private static async Task<Probe> TimeAsync(HttpClient client, string path)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            return new Probe(response.StatusCode, watch.Elapsed.TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            return new Probe(0, watch.Elapsed.TotalMilliseconds);
        }
    }

    private static string Max(List<Probe> probes) => probes.Count == 0 ? "-" : probes.Max(p => p.Milliseconds).ToString("F0", CultureInfo.InvariantCulture);

    private static long PeakMemoryBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("No VmHWM in /proc.");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Hostile(int length)
    {
        const string piece = "../<script>alert(1)</script>\\..";
        var text = new StringBuilder();
        while (text.Length < length) text.Append(piece);
        return text.ToString(0, length).Replace(",", "", StringComparison.Ordinal);
    }

    /// <summary>A zip whose one entry holds 1 GiB of the same byte (about 1 MB compressed).</summary>
    private static byte[] ZipBomb()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = archive.CreateEntry("users.csv", CompressionLevel.SmallestSize);
            using var stream = entry.Open();
            var chunk = new byte[1024 * 1024];
            Array.Fill(chunk, (byte)'a');
            for (var i = 0; i < 1024; i++) stream.Write(chunk);
        }
        return zip.ToArray();
    }

    private static byte[] FiftyMegabyteLine()
    {
        var bytes = new byte[50 * 1024 * 1024 + 200];
        var header = Encoding.UTF8.GetBytes(Header + "\r\nAnn,");
        header.CopyTo(bytes, 0);
        Array.Fill(bytes, (byte)'x', header.Length, bytes.Length - header.Length - 2);
        bytes[^2] = (byte)'\r';
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>A quote opened in the first data row and never closed, then 40 MB of ordinary rows.</summary>
    private static byte[] UnterminatedQuote(ProofDistrict district)
    {
        var text = new StringBuilder($"{Header}\r\n\"Ann,Lee,open.{district.Id},Secret-Pass1!,3,{district.School},\r\n");
        var row = $"Ann,Lee,row.{district.Id},Secret-Pass1!,3,{district.School},\r\n";
        while (text.Length < 40 * 1024 * 1024) text.Append(row);
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
