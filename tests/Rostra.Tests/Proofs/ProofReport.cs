using Xunit.Abstractions;

namespace Rostra.Tests.Proofs;

/// <summary>
/// The figures of a proof: to the test's output, and appended to <c>$ROSTRA_PROOF_REPORT/NAME.txt</c> when that
/// folder is set (scripts/reliability.sh collects them for docs/reliability.md).
/// </summary>
public static class ProofReport
{
    public static void Write(ITestOutputHelper output, string name, string line)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("ROSTRA_PROOF_REPORT") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.AppendAllText(Path.Combine(folder, $"{name}.txt"), line + Environment.NewLine);
        }
    }
}
