using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Rostra.Benchmarks.EndToEnd;

/// <summary>What one child process did: its wall time, its peak resident memory (when measured), its output.</summary>
internal sealed record ChildResult(int ExitCode, TimeSpan Wall, long? MaxRssKiB, string Stdout, string Stderr)
{
    public double MaxRssMiB => (MaxRssKiB ?? 0) / 1024.0;
}

/// <summary>
/// Runs a command as a child process, optionally under <c>/usr/bin/time -v</c> for its peak resident set size,
/// so that each measurement has a process of its own: no warm caches or heap left over from the one before.
/// </summary>
internal static partial class ChildProcess
{
    public const string TimePath = "/usr/bin/time";

    public static async Task<ChildResult> RunAsync(
        string fileName, IEnumerable<string> arguments, bool measureMemory = false, IDictionary<string, string>? environment = null,
        string? stdin = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        if (measureMemory)
        {
            info.FileName = TimePath;
            info.ArgumentList.Add("-v");
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (k, v) in environment) info.Environment[k] = v;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        await process.WaitForExitAsync(cancellationToken);
        clock.Stop();
        var err = await stderr;
        long? rss = null;
        if (measureMemory && MaxRss().Match(err) is { Success: true } m)
            rss = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return new ChildResult(process.ExitCode, clock.Elapsed, rss, await stdout, err);
    }

    /// <summary>Runs and throws with the output when the exit code is not one of <paramref name="expected"/>.</summary>
    public static async Task<ChildResult> RunCheckedAsync(
        string fileName, IEnumerable<string> arguments, bool measureMemory = false, IDictionary<string, string>? environment = null,
        string? stdin = null, int[]? expected = null, CancellationToken cancellationToken = default)
    {
        var list = arguments.ToList();
        var result = await RunAsync(fileName, list, measureMemory, environment, stdin, cancellationToken);
        if (!(expected ?? [0]).Contains(result.ExitCode))
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', list)} exited with {result.ExitCode}:\n{Tail(result.Stderr)}\n{Tail(result.Stdout)}");
        }
        return result;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex MaxRss();
}
