using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Roster;
using Rostra.Storage;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Programs;

internal sealed class HistoryModel(IDirectoryStore directory, IImportStore imports, IRosterStore rosters, RosterSettings roster) : ProgramPageModel(directory)
{
    private const int Shown = 200;

    public IReadOnlyList<ImportRecord> Imports { get; private set; } = [];

    /// <summary>Completed imports of the revert window, by id: null when Revert is offered, else why it is not.</summary>
    public IReadOnlyDictionary<Guid, string?> Revertible { get; private set; } = new Dictionary<Guid, string?>();

    /// <summary>The import whose revert is being confirmed (<c>?revert=ID</c>), when it may be reverted.</summary>
    public ImportRecord? Confirming { get; private set; }

    /// <summary>The outcome of the last revert: done, or refused with its reason.</summary>
    [TempData]
    public string? RevertDone { get; set; }

    [TempData]
    public string? RevertRefused { get; set; }

    /// <summary>Why the import asked to revert (<c>?revert=ID</c>) cannot be.</summary>
    public string? Refusal { get; private set; }

    /// <summary>What a revert of <paramref name="import"/> does, in the words of its counts.</summary>
    public static string RevertEffect(ImportRecord import)
    {
        if (import.Plan is not { } plan)
            return string.Create(CultureInfo.CurrentCulture, $"The {import.Imported:N0} {(import.Imported == 1 ? "user" : "users")} it created will be removed.");
        var parts = new List<string>();
        var c = plan.Counts;
        if (c.Create > 0) parts.Add(string.Create(CultureInfo.CurrentCulture, $"the {c.Create:N0} {(c.Create == 1 ? "user" : "users")} it created will be removed"));
        var updated = c.Update + c.Reactivate;
        if (updated > 0) parts.Add(string.Create(CultureInfo.CurrentCulture, $"the {updated:N0} {(updated == 1 ? "user it updated or reactivated gets" : "users it updated or reactivated get")} back the values and password they had before"));
        if (c.Deactivate > 0) parts.Add(string.Create(CultureInfo.CurrentCulture, $"the {c.Deactivate:N0} {(c.Deactivate == 1 ? "user" : "users")} it deactivated will be active again"));
        if (parts.Count == 0) return "It changed no user, so nothing will change.";
        var text = string.Join("; ", parts) + ".";
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    public IReadOnlyDictionary<string, string> ProgramNames { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(string programId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.ImportHistory, cancellationToken))
        {
            return NotFound();
        }
        Imports = await imports.ListImportsAsync(District.Id, Shown, cancellationToken);
        ProgramNames = (await Directory.ListProgramsAsync(District.Id, cancellationToken)).ToDictionary(p => p.Id, p => p.Name);
        if (Me.IsDistrictAdmin)
        {
            var revertible = new Dictionary<Guid, string?>();
            foreach (var import in Imports.Where(InRevertWindow))
                revertible[import.Id] = (await rosters.CanRevertImportAsync(District.Id, import.Id, roster.RevertWindow, cancellationToken)).Reason;
            Revertible = revertible;
            if (Guid.TryParse(Request.Query["revert"], out var id) && revertible.TryGetValue(id, out var reason))
            {
                if (reason is null) Confirming = Imports.First(i => i.Id == id);
                else Refusal = reason;
            }
        }
        return Page();
    }

    /// <summary>Reverts an import after its confirmation (SPEC §10); a refusal comes back with its reason.</summary>
    public async Task<IActionResult> OnPostRevertAsync(string programId, Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.ImportHistory, cancellationToken) || !Me.IsDistrictAdmin)
        {
            return NotFound();
        }
        var import = await imports.GetImportAsync(District.Id, id, cancellationToken);
        if (import is null) return NotFound();
        var result = await rosters.RevertImportAsync(District.Id, id, roster.RevertWindow, cancellationToken);
        if (result.Succeeded)
        {
            RevertDone = string.Create(CultureInfo.CurrentCulture,
                $"The import of {import.FileName} was reverted: {result.Users:N0} {(result.Users == 1 ? "user" : "users")} put back as they were before it.");
        }
        else
        {
            RevertRefused = $"The import of {import.FileName} was not reverted. {result.Reason}";
        }
        return RedirectToPage(new { programId });
    }

    /// <summary>A completed import that has not been reverted, finished within the revert window.</summary>
    private bool InRevertWindow(ImportRecord import) =>
        import.Status == ImportStatus.Completed && import.RevertedAt is null
        && import.CompletedAt is { } completed && completed >= DateTimeOffset.UtcNow - roster.RevertWindow;

    /// <summary>The link from an import to its page, named for what the page shows in its state.</summary>
    public static string OpenText(string status) => status switch
    {
        ImportStatus.Valid => "Open to confirm",
        ImportStatus.Validating or ImportStatus.Importing => "See progress",
        ImportStatus.Invalid => "See the errors",
        _ => "See what happened",
    };

    /// <summary>
    /// The file's rows. A file cancelled while it was being checked was not checked to its end: its rows are then the
    /// lines counted when it was read, about (a cell over two lines counts twice), with how far the check got.
    /// </summary>
    public static string RowsText(ImportRecord import) =>
        import.Status == ImportStatus.Cancelled && import.ProcessedRows < import.Rows
            ? string.Create(CultureInfo.CurrentCulture, $"about {import.Rows:N0} (cancelled after {import.ProcessedRows:N0} checked)")
            : import.Rows.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>
    /// What a completed update or sync did, in the numbers of its plan and of the page's success message: its Imported
    /// count alone (created and updated) leaves out the users it deactivated. Null for other imports.
    /// </summary>
    public static string? PlanText(ImportRecord import) =>
        import is { Status: ImportStatus.Completed, Plan.Counts: { } c }
            ? string.Create(CultureInfo.CurrentCulture, $"{c.Create:N0} new, {c.Update:N0} updated, {c.Deactivate:N0} deactivated, {c.Reactivate:N0} reactivated")
            : null;

    public bool HasReport(ImportRecord import) => import.ErrorCount > 0 && import.DistrictId == District.Id;
}
