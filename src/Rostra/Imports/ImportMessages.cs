namespace Rostra.Imports;

/// <summary>
/// Every message an import ends with, whichever way it ran (the web or <c>rostra import</c>), in one place: the history,
/// the Import page, the API and the command line show these words.
/// </summary>
public static class ImportMessages
{
    public const string Cancelled = "Cancelled. Nothing was imported.";

    public const string CancelledOnCommandLine = "Cancelled on the command line. Nothing was imported.";

    public const string Expired = "Not confirmed in time, so nothing was imported. Upload the file again to import it.";

    public const string StaleValidation =
        "The server restarted while checking this file. Nothing was imported: upload the file again.";

    public const string Interrupted =
        "The server stopped before this import finished. Nothing was imported: upload the file again.";

    /// <summary>A <c>rostra import</c> whose process ended (killed, or its machine stopped) before the import did.</summary>
    public const string CommandLineStopped =
        "The command-line import stopped before it finished. Nothing was imported: run rostra import again.";

    public const string Taken =
        "Some usernames or emails were taken by another import after this file was checked. Nothing was imported: " +
        "fix the rows listed in the error report and upload the file again.";

    /// <summary>An update or sync whose planned users were changed after validation (<c>user.changed</c>): the file is not wrong.</summary>
    public const string Changed =
        "Some of the users in this file were changed by someone else after it was checked. Nothing was imported: " +
        "upload the same file again to see what it changes now.";

    /// <summary>The database could not grow (its disk, or its size limit, is full) while the import worked.</summary>
    public const string OutOfSpace =
        "The database ran out of space while working on this file. Nothing was imported: ask your technical contact to " +
        "free space, then upload the file again.";

    public const string Failed =
        "Something went wrong on the server while working on this file. Nothing was imported: upload the file again, " +
        "and if it happens again, tell your technical contact.";

    /// <summary>What an import that failed on <paramref name="exception"/> ends with.</summary>
    public static string For(Exception exception) => Storage.StoreErrors.IsOutOfSpace(exception) ? OutOfSpace : Failed;
}
