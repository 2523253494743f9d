using System.Diagnostics;

namespace Rostra.Tests.Cli;

/// <summary>
/// The README's run command, `dotnet run --project src/Rostra …`, started from another folder: the default database
/// is data/rostra.db under the folder it was started in (SPEC §6), not under the project's folder.
/// </summary>
public sealed class RunFolderTests
{
    [Fact]
    public async Task Dotnet_run_from_another_folder_keeps_the_database_in_that_folder()
    {
        var repository = RepositoryRoot();
        var project = Path.Combine(repository, "src", "Rostra");
        var folder = Directory.CreateTempSubdirectory("rostra-run-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // The build under test (test.sh builds Release first): run it, do not build again.
            foreach (var arg in new[] { "run", "--project", project, "-c", "Release", "--no-build", "--no-restore", "--", "db", "migrate" })
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment.Remove("ROSTRA_DB");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);

            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
            Assert.True(File.Exists(Path.Combine(folder, "data", "rostra.db")), "No data/rostra.db in the folder dotnet run was started from.");
            Assert.False(File.Exists(Path.Combine(project, "data", "rostra.db")), "dotnet run put the database under src/Rostra/data.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rostra.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The tests run outside the repository.");
    }
}
