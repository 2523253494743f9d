using Rostra.Fuzz;

namespace Rostra.Core.Tests.Fuzz;

/// <summary>
/// The fuzz target of scripts/fuzz.sh over its committed corpus (seeds from the test files, and what AFL++ kept):
/// the quick, in-process part of the fuzzing that runs with every test run.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> CorpusFiles()
    {
        var folder = Path.Combine(RepositoryRoot(), "fuzz", "corpus");
        return [.. Directory.EnumerateFiles(folder).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_corpus_file_is_read_and_validated_without_breaking_a_rule(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "fuzz", "corpus", name));

        var exception = Record.Exception(() => FuzzTarget.Run(bytes));

        Assert.Null(exception);
    }

    [Fact]
    public void The_corpus_holds_the_seeds_from_the_test_files()
    {
        Assert.True(CorpusFiles().Count >= 15);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Rostra.slnx"))) folder = folder.Parent;
        return folder?.FullName ?? throw new DirectoryNotFoundException("Rostra.slnx not found above the test's folder.");
    }
}
