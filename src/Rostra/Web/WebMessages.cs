using System.Globalization;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Web;

/// <summary>The words the pages and the API use for situations of their own, in one place.</summary>
internal static class WebMessages
{
    /// <summary>Why a roster-synced district cannot import, in the words validation uses.</summary>
    public static string RosterSynced(District district) => Issues.DistrictRosterSynced(district).Message;

    public static string TooLarge(long maxBytes) =>
        $"This file is larger than {Size(maxBytes)}, the most Rostra takes at once. Split it into smaller files and import them one after the other.";

    public static string CannotConfirm(string status) => status switch
    {
        ImportStatus.Validating => "This file is still being checked. Confirm once the check has finished.",
        ImportStatus.Invalid => "This file has errors, so it cannot be imported. Fix them and upload the file again.",
        ImportStatus.Cancelled => "This import was cancelled. Upload the file again to import it.",
        ImportStatus.Failed => "This import failed. Upload the file again to import it.",
        _ => $"This import is {status} and cannot be confirmed.",
    };

    public static string CannotCancel(string status) => status switch
    {
        ImportStatus.Completed => "This import has already finished: its users were created.",
        ImportStatus.Invalid => "This file had errors, so nothing was imported and there is nothing to cancel.",
        ImportStatus.Failed => "This import failed, so nothing was imported and there is nothing to cancel.",
        _ => $"This import is {status} and cannot be cancelled.",
    };

    /// <summary>A size as people read it: 100 MB, 1.5 MB, 640 KB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    public static string StatusLabel(string status) => status switch
    {
        ImportStatus.Validating => "Checking",
        ImportStatus.Invalid => "Has errors",
        ImportStatus.Valid => "Ready to confirm",
        ImportStatus.Importing => "Importing",
        ImportStatus.Completed => "Imported",
        ImportStatus.Cancelled => "Cancelled",
        ImportStatus.Failed => "Failed",
        _ => status,
    };
}
