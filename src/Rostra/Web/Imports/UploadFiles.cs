namespace Rostra.Web.Imports;

/// <summary>
/// The files of imports under <c>{data}/uploads</c>: <c>{id}.csv</c> is the uploaded file, kept while the import
/// may still need it (validating, valid, importing) and deleted when it ends; <c>{id}.errors.csv</c> is its
/// error report, written when validation or confirm finds errors, without passwords.
/// </summary>
internal sealed class UploadFiles(WebRuntime runtime, ILogger<UploadFiles> logger)
{
    public string Directory => runtime.UploadsDirectory;

    public string Upload(Guid id) => Path.Combine(Directory, $"{id:D}.csv");

    /// <summary>Where an upload is written until it is complete.</summary>
    public string Partial(Guid id) => Path.Combine(Directory, $"{id:D}.csv.part");

    public void EnsureDirectory() => System.IO.Directory.CreateDirectory(Directory);

    public static FileStream OpenRead(string path) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read | FileShare.Delete,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 64 * 1024,
        });

    public void DeleteUpload(Guid id) => Delete(Upload(id));

    public void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not delete {Path}.", path);
        }
        catch (UnauthorizedAccessException e)
        {
            logger.LogWarning(e, "Could not delete {Path}.", path);
        }
    }

    /// <summary>The imports whose complete upload is in the folder (validation had not finished with it).</summary>
    public IEnumerable<Guid> PendingUploads()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            yield break;
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.csv"))
        {
            if (Guid.TryParse(Path.GetFileNameWithoutExtension(path), out var id))
            {
                yield return id;
            }
        }
    }

    /// <summary>
    /// At startup, after the uploads this node was validating have been failed: deletes every file left here, so no
    /// file with passwords outlives its import (valid rows are staged in the database, not kept here).
    /// </summary>
    public void RemoveLeftovers()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            Delete(path);
        }
    }
}
