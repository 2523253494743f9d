namespace Rostra.Web.Pages.Shared;

/// <summary>Admin sections of a program, as the navigation bar names them.</summary>
internal enum AdminSection
{
    None,
    ImportUsers,
    Users,
    Schools,
    ImportHistory,
}

/// <summary>What the layout shows around a page: who is signed in, where, and in which program.</summary>
internal sealed record NavContext(
    string UserName,
    string DistrictName,
    bool IsDistrictAdmin,
    string? ProgramId = null,
    string? ProgramName = null,
    AdminSection Section = AdminSection.None)
{
    public const string Key = "Nav";

    public static IReadOnlyList<(AdminSection Section, string Label, string Page)> Sections { get; } =
    [
        (AdminSection.ImportUsers, "Import Users", "import"),
        (AdminSection.Users, "Users", "users"),
        (AdminSection.Schools, "Schools", "schools"),
        (AdminSection.ImportHistory, "Import History", "imports"),
    ];
}
