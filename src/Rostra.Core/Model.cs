namespace Rostra.Core;

/// <summary>A tenant. Import exists only when <see cref="RosterSync"/> is <c>none</c>.</summary>
public sealed record District(string Id, string Name, string RosterSync = Core.RosterSync.None, string Sso = Core.Sso.None)
{
    public bool IsRosterSynced => !string.Equals(RosterSync, Core.RosterSync.None, StringComparison.Ordinal);
    public bool UsesGoogleSso => string.Equals(Sso, Core.Sso.Google, StringComparison.Ordinal);
}

/// <summary>A product a district licenses; imported users get access to it.</summary>
public sealed record DistrictProgram(string DistrictId, string Id, string Name);

/// <summary>A school of one district. <see cref="SchoolId"/> is unique across the platform.</summary>
public sealed record School(string SchoolId, string DistrictId, string Name, GradeSet Grades);

/// <summary>
/// One problem found in a file: an error blocks the import, a warning never does.
/// <see cref="Row"/> is the spreadsheet row (header = 1), null for file-level issues;
/// <see cref="Column"/> is the template header name, null when not about one column;
/// <see cref="Value"/> is the offending value, never given for Password.
/// </summary>
public sealed record ImportIssue(int? Row, string? Column, string Code, string Message, string? Value = null);

/// <summary>A user read from a valid row, ready to be hashed and written.</summary>
public sealed record ImportedUser(
    int Row,
    string FirstName,
    string? LastName,
    string Username,
    string? Email,
    Grade? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> Roles,
    string? Password);

/// <summary>
/// What validation asks of the platform: which of these usernames or emails already belong to a user.
/// Storage answers set-based, a batch at a time.
/// </summary>
public interface IUserLookup
{
    /// <summary>Returns those of <paramref name="lowercased"/> (already lower-cased) that are taken on the platform.</summary>
    Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken);

    /// <summary>Returns those of <paramref name="lowercased"/> (already lower-cased) that are taken on the platform.</summary>
    Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken);
}
