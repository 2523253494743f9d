namespace Rostra.TestSupport;

/// <summary>A folder of its own under the system temp folder for one test, deleted when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "rostra-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    /// <summary>A SQLite database file in this folder (created on first open).</summary>
    public string SqliteFile => File("rostra.db");

    /// <summary>The full path of a file in this folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Delete(Path);

    /// <summary>Deletes a folder and what it holds; a handle still closing leaves it for the system to clean.</summary>
    public static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finished process; the system cleans its temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // The same, on a read-only leftover.
        }
    }
}
