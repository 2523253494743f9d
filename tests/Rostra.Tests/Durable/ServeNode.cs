using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Rostra.Tests.Durable;

/// <summary>
/// One <c>rostra serve</c> process, as a node behind a load balancer: its own port, data folder and node id, the shared
/// database. Cheap hashing unless the test asks for the real cost. Its log lines are kept.
/// </summary>
public sealed class ServeNode : IAsyncDisposable
{
    /// <summary>The hashing workers of each node.</summary>
    public const int Workers = 2;

    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "rostra.dll");
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private ServeNode(string nodeId, Process process, Uri address)
    {
        NodeId = nodeId;
        this.process = process;
        Address = address;
    }

    public string NodeId { get; }

    public Uri Address { get; }

    public IEnumerable<string> Lines => lines;

    public bool HasExited => process.HasExited;

    /// <summary>The process id, e.g. to read its peak memory from /proc.</summary>
    public int ProcessId => process.Id;

    public static async Task<ServeNode> StartAsync(string db, string nodeId, string folder, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Dll, "--db", db, "serve", "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(arg);
        start.Environment.Remove("ROSTRA_DB");
        start.Environment["ROSTRA_HASH_ITERATIONS"] = "1";
        start.Environment["ROSTRA_HASH_MEMORY_KIB"] = "8";
        start.Environment["ROSTRA_NODE_ID"] = nodeId;
        // The nodes of one database share the key that encrypts its key ring.
        start.Environment["ROSTRA_KEYFILE"] = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(folder))!, "keyring.key");
        start.Environment["ROSTRA_JOB_WORKERS"] = Workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ROSTRA_CHUNK_ROWS"] = "10";
        start.Environment["ROSTRA_LEASE_SECONDS"] = "3";
        start.Environment["ROSTRA_JOB_POLL_MS"] = "100";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = Process.Start(start)!;
        var node = new ServeNode(nodeId, process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) node.lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) node.lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await node.WaitHealthyAsync();
        return node;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Waits until a log line contains <paramref name="text"/>.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!lines.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > until || process.HasExited) throw new TimeoutException($"Node {NodeId} never logged '{text}'.\n{string.Join('\n', lines)}");
            await Task.Delay(50);
        }
    }

    /// <summary><c>kill -9</c>: no shutdown, no cleanup, connections dropped mid-transaction.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) Kill();
        await Task.CompletedTask;
        process.Dispose();
    }

    private async Task WaitHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"Node {NodeId} exited with {process.ExitCode}.\n{string.Join('\n', lines)}");
            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            if (DateTime.UtcNow > until) throw new TimeoutException($"Node {NodeId} did not become healthy.\n{string.Join('\n', lines)}");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
