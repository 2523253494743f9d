using System.Text;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Core.Tests;

/// <summary>
/// The districts, schools and file builders the tests share. Every test builds its own file from these;
/// nothing is read from disk.
/// </summary>
internal static class TestFiles
{
    public static string StudentHeader => TestTemplates.StudentHeader;
    public static string TeacherHeader => TestTemplates.TeacherHeader;
    public static string SchoolAdminHeader => TestTemplates.SchoolAdminHeader;

    public static District Lincoln { get; } = new("lincoln-usd", "Lincoln USD");

    public static District GoogleSso { get; } = new("lincoln-usd", "Lincoln USD", Sso: Sso.Google);

    /// <summary>
    /// Lincoln's schools, plus one school of another district: validation is handed the platform's schools in
    /// some callers, and must still only accept the district's own.
    /// </summary>
    public static IReadOnlyList<School> Schools { get; } =
    [
        new("1001", "lincoln-usd", "Lincoln Elementary", GradeSet.Parse("K-5")),
        new("1002", "lincoln-usd", "Washington Elementary", GradeSet.Parse("PK,TK,K-5")),
        new("00417", "lincoln-usd", "Roosevelt Middle", GradeSet.Parse("6-8")),
        new("LHS", "lincoln-usd", "Lincoln High", GradeSet.Parse("9-12")),
        new("2001", "jefferson-usd", "Jefferson Elementary", GradeSet.Parse("K-5")),
    ];

    public static string Student(
        string first = "Ann", string last = "Lee", string username = "ann.lee", string password = "Secret#12",
        string grade = "3", string school = "1001", string email = "ann@lincoln.org") =>
        Line(first, last, username, password, grade, school, email);

    public static string Teacher(
        string first = "Tom", string last = "Ray", string username = "tom.ray", string password = "LongSecret#12",
        string email = "tom@lincoln.org", string school = "1001") =>
        Line(first, last, username, password, email, school);

    public static string SchoolAdmin(
        string first = "Sue", string last = "Kim", string username = "sue.kim", string password = "LongSecret#12",
        string email = "sue@lincoln.org", string school = "1001", string teacherRole = "") =>
        Line(first, last, username, password, email, school, teacherRole);

    /// <summary>One CSV line, quoted the way Excel quotes: only cells holding a comma, a quote or a line break.</summary>
    public static string Line(params string[] cells) => string.Join(',', cells.Select(c => Quote(c, ',')));

    public static string Quote(string cell, char delimiter) =>
        cell.Contains(delimiter) || cell.Contains('"') || cell.Contains('\r') || cell.Contains('\n')
            ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : cell;

    /// <summary>A file of <paramref name="lines"/> as Excel's "CSV UTF-8" writes it: UTF-8 without BOM here, CRLF after every line.</summary>
    public static byte[] CsvBytes(params string[] lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\r\n")));

    public static byte[] Bytes(Encoding encoding, string text) => [.. encoding.GetPreamble(), .. encoding.GetBytes(text)];

    public static ValidationContext Context(
        UserType type, District? district = null, IUserLookup? users = null, ImportLimits? limits = null) =>
        new(district ?? Lincoln, type, Schools, users ?? new TakenUsers(), limits ?? new ImportLimits());

    public static Task<ValidationResult> Validate(UserType type, byte[] file, District? district = null, IUserLookup? users = null, ImportLimits? limits = null) =>
        FileValidator.ValidateAsync(new MemoryStream(file), Context(type, district, users, limits), null, CancellationToken.None);

    public static Task<ValidationResult> Validate(UserType type, params string[] lines) => Validate(type, CsvBytes(lines));

    public static async Task<List<NewUser>> ReadUsers(UserType type, byte[] file, District? district = null)
    {
        var users = new List<NewUser>();
        await foreach (var user in FileValidator.ReadUsersAsync(new MemoryStream(file), Context(type, district), CancellationToken.None))
            users.Add(user);
        return users;
    }

    /// <summary>Asserts one issue exactly: row, column, code and value.</summary>
    public static void AssertIssue(ImportIssue issue, int? row, string? column, string code, string? value = null)
    {
        Assert.Equal(code, issue.Code);
        Assert.Equal(row, issue.Row);
        Assert.Equal(column, issue.Column);
        Assert.Equal(value, issue.Value);
        Assert.False(string.IsNullOrWhiteSpace(issue.Message));
    }

    public static string Codes(ValidationResult result) => string.Join(" ", result.Errors.Select(e => $"{e.Row}:{e.Column}:{e.Code}"));
}

/// <summary>
/// The platform's existing users for a test: a stand-in for the database look-up, answering from two sets.
/// Records the size of every batch it was asked about.
/// </summary>
internal sealed class TakenUsers(IEnumerable<string>? usernames = null, IEnumerable<string>? emails = null) : IUserLookup
{
    private readonly HashSet<string> _usernames = new(usernames ?? [], StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _emails = new(emails ?? [], StringComparer.OrdinalIgnoreCase);

    public List<int> UsernameBatches { get; } = [];

    public Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken)
    {
        UsernameBatches.Add(lowercased.Count);
        return Task.FromResult<IReadOnlySet<string>>(lowercased.Where(_usernames.Contains).ToHashSet(StringComparer.Ordinal));
    }

    public Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(lowercased.Where(_emails.Contains).ToHashSet(StringComparer.Ordinal));
}
