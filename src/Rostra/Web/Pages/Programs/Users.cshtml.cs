using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Storage;
using Rostra.Web.Pages.Shared;

namespace Rostra.Web.Pages.Programs;

/// <summary>The district's users: search, filter by type and school, a page at a time.</summary>
internal sealed class UsersModel(IDirectoryStore directory) : ProgramPageModel(directory)
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? School { get; set; }

    // Not "page": Razor Pages reserves that route value for the page's own name, so ?page=2 never binds.
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<School> Schools { get; private set; } = [];

    public UserPage Result { get; private set; } = new([], 0);

    public int PageCount => Math.Max(1, (Result.Total + PageSize - 1) / PageSize);

    public static IReadOnlyList<(string Value, string Label)> Types { get; } =
    [
        (Roles.Student, "Students"),
        (Roles.Teacher, "Teachers"),
        (Roles.SchoolAdmin, "School admins"),
        (Roles.DistrictAdmin, "District admins"),
    ];

    public async Task<IActionResult> OnGetAsync(string programId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(programId, AdminSection.Users, cancellationToken))
        {
            return NotFound();
        }
        Schools = await Directory.ListSchoolsAsync(District.Id, cancellationToken);
        Type = Types.Any(t => t.Value == Type) ? Type : null;
        School = Schools.Any(s => s.SchoolId == School) ? School : null;
        Search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim();
        PageNumber = Math.Max(1, PageNumber);
        Result = await Directory.ListUsersAsync(new UserQuery(District.Id, Type, School, Search, (PageNumber - 1) * PageSize, PageSize), cancellationToken);
        if (Result.Users.Count == 0 && Result.Total > 0)
        {
            // An address past the end (the list shrank, or was typed): show the last page.
            PageNumber = PageCount;
            Result = await Directory.ListUsersAsync(new UserQuery(District.Id, Type, School, Search, (PageNumber - 1) * PageSize, PageSize), cancellationToken);
        }
        return Page();
    }

    /// <summary>The address of another page of the same search.</summary>
    public string PageUrl(int page)
    {
        var query = new List<string>();
        if (Search is not null) query.Add("q=" + Uri.EscapeDataString(Search));
        if (Type is not null) query.Add("type=" + Uri.EscapeDataString(Type));
        if (School is not null) query.Add("school=" + Uri.EscapeDataString(School));
        query.Add("p=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return $"/programs/{Program.Id}/users?{string.Join('&', query)}";
    }

    public static string RoleName(string role) => role switch
    {
        Roles.Student => "Student",
        Roles.Teacher => "Teacher",
        Roles.SchoolAdmin => "School Admin",
        Roles.DistrictAdmin => "District Admin",
        _ => role,
    };
}
