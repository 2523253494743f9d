using System.CommandLine;
using System.Text;
using Rostra.Cli;

namespace Rostra.Tests.Cli;

/// <summary>
/// <c>rostra --help</c> and every command's help, as a user sees them, compared with the approved text in
/// <c>HelpSnapshot.approved.txt</c>. When the help changes on purpose, approve the new text:
/// <c>ROSTRA_APPROVE_SNAPSHOTS=1 dotnet test tests/Rostra.Tests -c Release --filter HelpSnapshot</c>, then review
/// the file's diff and commit it.
/// </summary>
public sealed class HelpSnapshotTests
{
    private static readonly string Approved = RepositoryFolder.Path("tests", "Rostra.Tests", "Cli", "HelpSnapshot.approved.txt");

    [Fact]
    public async Task The_help_of_rostra_and_of_every_command_is_the_approved_text()
    {
        using var folder = new TempFolder("rostra-help-");
        var text = new StringBuilder();
        foreach (var path in CommandPaths())
        {
            var run = await RostraProcess.RunAsync(folder.Path, new Dictionary<string, string?>(), null, [.. path, "--help"]);
            Assert.True(run.ExitCode == 0 && run.Stderr.Length == 0, run.ToString());
            text.Append("$ rostra ").AppendJoin(' ', [.. path, "--help"]).Append('\n')
                .Append(run.Stdout.ReplaceLineEndings("\n").TrimEnd()).Append("\n\n");
        }
        var actual = text.ToString();

        if (Environment.GetEnvironmentVariable("ROSTRA_APPROVE_SNAPSHOTS") == "1")
        {
            await File.WriteAllTextAsync(Approved, actual);
        }
        var approved = File.Exists(Approved) ? (await File.ReadAllTextAsync(Approved)).ReplaceLineEndings("\n") : "";
        if (actual != approved)
        {
            var received = Path.Combine(RepositoryFolder.Results, "HelpSnapshot.received.txt");
            Directory.CreateDirectory(RepositoryFolder.Results);
            await File.WriteAllTextAsync(received, actual);
            Assert.Fail(
                $"The help differs from {Approved}; what rostra printed is in {received}. If the change is meant, approve it with " +
                "ROSTRA_APPROVE_SNAPSHOTS=1 dotnet test tests/Rostra.Tests -c Release --filter HelpSnapshot, and commit the file.\n" +
                FirstDifference(approved, actual));
        }
    }

    /// <summary>Every command of the tree, root first, in the order <c>--help</c> lists them.</summary>
    private static List<string[]> CommandPaths()
    {
        var root = RostraCli.Build(new CliIo(TextWriter.Null, TextWriter.Null, TextReader.Null, () => Stream.Null, IsTerminal: false));
        var paths = new List<string[]>();
        void Walk(Command command, string[] path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands) Walk(sub, [.. path, sub.Name]);
        }
        Walk(root, []);
        return paths;
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "(end)";
            var right = i < a.Length ? a[i] : "(end)";
            if (left != right) return $"First difference, line {i + 1}:\n  approved: {left}\n  printed:  {right}";
        }
        return "";
    }
}
