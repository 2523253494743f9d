namespace Rostra.Core.Roster;

/// <summary>What an import does with the users it finds (SPEC §10).</summary>
public enum ImportMode
{
    /// <summary>Creates every row; an existing username is <c>username.taken</c>. The default.</summary>
    Create,

    /// <summary>Creates new usernames and updates the district's users of the type; leaves the others alone.</summary>
    Update,

    /// <summary>As <see cref="Update"/>, and deactivates the district's users of the type that the file leaves out.</summary>
    Sync,
}

/// <summary>Slugs of <see cref="ImportMode"/>: <c>create</c>, <c>update</c>, <c>sync</c>.</summary>
public static class ImportModes
{
    public static IReadOnlyList<ImportMode> All { get; } = [ImportMode.Create, ImportMode.Update, ImportMode.Sync];

    public static string Slug(this ImportMode mode) => mode switch
    {
        ImportMode.Create => "create",
        ImportMode.Update => "update",
        ImportMode.Sync => "sync",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>What the mode does, in the words of the Import Users page.</summary>
    public static string Description(this ImportMode mode) => mode switch
    {
        ImportMode.Create => "Add new users",
        ImportMode.Update => "Add new and update existing users",
        ImportMode.Sync => "This file is the full roster: also deactivate users who are not in it",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>True for update and sync: the modes that carry a plan.</summary>
    public static bool HasPlan(this ImportMode mode) => mode != ImportMode.Create;

    public static bool TryParse(string? value, out ImportMode mode)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "create": mode = ImportMode.Create; return true;
            case "update": mode = ImportMode.Update; return true;
            case "sync": mode = ImportMode.Sync; return true;
            default: mode = ImportMode.Create; return false;
        }
    }
}
