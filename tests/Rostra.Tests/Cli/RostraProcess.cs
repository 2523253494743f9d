using System.Diagnostics;
using System.Text;

namespace Rostra.Tests.Cli;

/// <summary>The outcome of one run of the <c>rostra</c> executable.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr, byte[] StdoutBytes)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built <c>rostra.dll</c> as a separate process, as a user would from a shell.</summary>
public static class RostraProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "rostra.dll");

    /// <summary>Starts a long-running command (e.g. <c>serve</c>) with cheap hashing; the caller stops it.</summary>
    public static Process Start(string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["ROSTRA_HASH_ITERATIONS"] = "1";
        start.Environment["ROSTRA_HASH_MEMORY_KIB"] = "8";
        return Process.Start(start)!;
    }

    public static async Task<CliRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        // Cheap hashing: these tests are not about hash cost.
        start.Environment["ROSTRA_HASH_ITERATIONS"] = "1";
        start.Environment["ROSTRA_HASH_MEMORY_KIB"] = "8";
        start.Environment.Remove("ROSTRA_DB");
        start.Environment.Remove("ROSTRA_PASSWORD");
        foreach (var (k, v) in environment)
        {
            if (v is null) start.Environment.Remove(k);
            else start.Environment[k] = v;
        }
        using var process = Process.Start(start)!;
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readErr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        await copyOut;
        var bytes = stdout.ToArray();
        return new CliRun(process.ExitCode, Encoding.UTF8.GetString(bytes), await readErr, bytes);
    }
}
