namespace Rostra.Core;

/// <summary>The user types a district can import, each with its own template.</summary>
public enum UserType
{
    Student,
    Teacher,
    SchoolAdmin,
}

/// <summary>Slugs and display names of <see cref="UserType"/> as SPEC.md names them.</summary>
public static class UserTypes
{
    public static IReadOnlyList<UserType> All { get; } = [UserType.Student, UserType.Teacher, UserType.SchoolAdmin];

    /// <summary>The slug used on the command line, in the API and in JSON: <c>student</c>, <c>teacher</c>, <c>school-admin</c>.</summary>
    public static string Slug(this UserType type) => type switch
    {
        UserType.Student => "student",
        UserType.Teacher => "teacher",
        UserType.SchoolAdmin => "school-admin",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The name a person reads: Student, Teacher, School Admin.</summary>
    public static string DisplayName(this UserType type) => type switch
    {
        UserType.Student => "Student",
        UserType.Teacher => "Teacher",
        UserType.SchoolAdmin => "School Admin",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The role an imported user of this type gets.</summary>
    public static string Role(this UserType type) => type.Slug();

    public static bool TryParse(string? value, out UserType type)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "student": type = UserType.Student; return true;
            case "teacher": type = UserType.Teacher; return true;
            case "school-admin" or "schooladmin" or "school_admin": type = UserType.SchoolAdmin; return true;
            default: type = default; return false;
        }
    }
}

/// <summary>Role names stored on users.</summary>
public static class Roles
{
    public const string Student = "student";
    public const string Teacher = "teacher";
    public const string SchoolAdmin = "school-admin";
    public const string DistrictAdmin = "district-admin";
}

/// <summary>A district's roster sync setting. Import exists only for <see cref="None"/>.</summary>
public static class RosterSync
{
    public const string None = "none";
    public static IReadOnlyList<string> All { get; } = ["none", "clever", "classlink", "oneroster"];
}

/// <summary>A district's single sign-on setting.</summary>
public static class Sso
{
    public const string None = "none";
    public const string Google = "google";
    public static IReadOnlyList<string> All { get; } = ["none", "google"];
}
