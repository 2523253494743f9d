namespace Rostra.TestSupport;

/// <summary>The folder of the source tree the tests were built from (the one holding <c>Rostra.slnx</c>).</summary>
public static class RepositoryFolder
{
    /// <summary>The repository root, found by walking up from the test's build folder.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path under the repository root, given in parts.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>Where test runs leave what helps after a failure (screenshots, received snapshots): TestResults at the root, or ROSTRA_TEST_RESULTS.</summary>
    public static string Results =>
        Environment.GetEnvironmentVariable("ROSTRA_TEST_RESULTS") is { Length: > 0 } configured ? configured : Path("TestResults");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Rostra.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Rostra.slnx above {AppContext.BaseDirectory}: run the tests from the source tree.");
    }
}
