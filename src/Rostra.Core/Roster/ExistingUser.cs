namespace Rostra.Core.Roster;

/// <summary>
/// A user already on the platform as the plan compares it with a row. <see cref="Version"/> grows with every change
/// of the user, so a confirm can tell that a planned user was changed after validation. <see cref="Grade"/> is the
/// stored text (<c>K</c>, <c>1</c> …); <see cref="SchoolIds"/> and <see cref="ProgramIds"/> as stored.
/// </summary>
public sealed record ExistingUser(
    long Id,
    string DistrictId,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> ProgramIds,
    bool Active,
    long Version)
{
    /// <summary>The user type this user was imported as; null for a district admin (or no imported role).</summary>
    public UserType? UserType =>
        Roles.Contains(Core.Roles.DistrictAdmin, StringComparer.Ordinal) ? null
        : Roles.Contains(Core.Roles.SchoolAdmin, StringComparer.Ordinal) ? Core.UserType.SchoolAdmin
        : Roles.Contains(Core.Roles.Teacher, StringComparer.Ordinal) ? Core.UserType.Teacher
        : Roles.Contains(Core.Roles.Student, StringComparer.Ordinal) ? Core.UserType.Student
        : null;
}

/// <summary>Who holds an email on the platform: the user's id and lower-cased username.</summary>
public readonly record struct EmailHolder(long UserId, string UsernameKey);

/// <summary>An active user of a district and type, as a sync looks for the ones its file leaves out.</summary>
public readonly record struct RosterMember(long Id, string Username, long Version);
