using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Programs;

internal sealed class SchoolModel(IDirectoryStore directory) : ProgramPageModel(directory)
{
    public School School { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string programId, string schoolId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.Schools, cancellationToken)
            || await Directory.GetSchoolAsync(District.Id, schoolId, cancellationToken) is not { } school)
        {
            return NotFound();
        }
        School = school;
        return Page();
    }

    public static string GradeName(Grade grade) => grade.ToString() switch
    {
        "PK" => "Prekindergarten (PK)",
        "TK" => "Transitional Kindergarten (TK)",
        "K" => "Kindergarten (K)",
        var n => $"Grade {n}",
    };
}
