using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Programs;

/// <summary>
/// ADMIN › IMPORT USERS (SPEC §8): templates, user type, upload, validation list, confirm. The page is static;
/// import.js drives the steps through the API.
/// </summary>
internal sealed class ImportModel(IDirectoryStore directory, WebRuntime runtime) : ProgramPageModel(directory)
{
    /// <summary>An import to show again, e.g. after a reload (<c>?import={id}</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "import")]
    public Guid? ImportId { get; set; }

    public long MaxUploadBytes => runtime.Limits.MaxFileBytes;

    /// <summary>Each type's template header, for the check done in the browser before uploading.</summary>
    public static string TemplatesJson { get; } = JsonSerializer.Serialize(
        UserTypes.All.ToDictionary(t => t.Slug(), t => new { name = t.DisplayName(), columns = Templates.Columns(t).Select(c => c.HeaderName()) }));

    public async Task<IActionResult> OnGetAsync(string programId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.ImportUsers, cancellationToken))
        {
            return NotFound();
        }
        return Page();
    }

    /// <summary>What each column needs, as the "What goes in each column?" table shows it.</summary>
    public IReadOnlyList<(string Column, string Student, string Teacher, string SchoolAdmin)> ColumnHelp =>
    [
        ("First Name", "Required", "Required", "Required"),
        ("Last Name", "Required", "Optional", "Optional"),
        ("Username", "Required: 3–64 letters, digits, . _ - @", "Required", "Required"),
        ("Password", District.UsesGoogleSso ? "Optional (Google sign-in)" : "Required: 8+ characters with upper- and lowercase letters, a digit and a symbol",
            District.UsesGoogleSso ? "Optional (Google sign-in)" : "Required: 12+ characters, same mix", District.UsesGoogleSso ? "Optional (Google sign-in)" : "Required: 12+ characters, same mix"),
        ("Email", District.UsesGoogleSso ? "Required (Google sign-in)" : "Optional", "Required", "Required"),
        ("Grade", "Required: PK, TK, K or 1–13", "—", "—"),
        ("School ID", "Required: one or more School IDs, separated by commas", "Required", "Required"),
        ("Teacher Role", "—", "—", "Optional: Y or N (blank means N)"),
    ];
}
