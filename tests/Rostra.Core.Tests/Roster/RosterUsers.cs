using Rostra.Core.Roster;
using Rostra.Core;
using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Roster;

/// <summary>
/// The platform's users for a plan test: a stand-in for the database look-ups, answering from a list. The storage
/// tests run the same questions against SQLite and PostgreSQL.
/// </summary>
internal sealed class RosterUsers(params ExistingUser[] users) : IRosterLookup, IUserLookup, IPlanSink
{
    private readonly List<ExistingUser> _users = [.. users];

    public List<PlannedChange> Planned { get; } = [];

    public static ExistingUser Student(
        long id, string username = "ann.lee", string first = "Ann", string? last = "Lee", string? email = "ann@lincoln.org",
        string grade = "3", string[]? schools = null, string[]? programs = null, bool active = true, string district = "lincoln-usd") =>
        new(id, district, username, first, last, email, [Roles.Student], grade, schools ?? ["1001"], programs ?? ["reading"], active, 1);

    public static ExistingUser Staff(
        long id, string role, string username, string first = "Tom", string? last = "Ray", string? email = "tom@lincoln.org",
        string[]? schools = null, bool teacher = false) =>
        new(id, "lincoln-usd", username, first, last, email, teacher ? [role, Roles.Teacher] : [role], null, schools ?? ["1001"], ["reading"], true, 1);

    public Task<IReadOnlyList<ExistingUser>> FindUsersAsync(IReadOnlyCollection<string> usernameKeys, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExistingUser>>([.. _users.Where(u => usernameKeys.Contains(u.Username.ToLowerInvariant()))]);

    public Task<IReadOnlyDictionary<string, EmailHolder>> FindEmailHoldersAsync(IReadOnlyCollection<string> emailKeys, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, EmailHolder>>(_users
            .Where(u => u.Email is not null && emailKeys.Contains(u.Email.ToLowerInvariant()))
            .ToDictionary(u => u.Email!.ToLowerInvariant(), u => new EmailHolder(u.Id, u.Username.ToLowerInvariant()), StringComparer.Ordinal));

    public Task<int> CountDistrictUsersAsync(string districtId, CancellationToken cancellationToken) =>
        Task.FromResult(_users.Count(u => u.DistrictId == districtId));

    /// <summary>When set, reading the district whole waits for it: a district that takes long to read.</summary>
    public Task? DistrictRead { get; set; }

    public async IAsyncEnumerable<ExistingUser> ListDistrictUsersAsync(string districtId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (DistrictRead is { } read) await read.WaitAsync(cancellationToken);
        await Task.CompletedTask;
        foreach (var u in _users.Where(u => u.DistrictId == districtId)) yield return u;
    }

    public Task<IReadOnlyList<RosterMember>> FindMembersAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RosterMember>>([.. _users.Where(u => ids.Contains(u.Id)).Select(u => new RosterMember(u.Id, u.Username, u.Version))]);

    public async IAsyncEnumerable<RosterMember> ListActiveMembersAsync(string districtId, UserType type, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var u in _users.Where(u => u.Active && u.DistrictId == districtId && u.UserType == type).OrderBy(u => u.Username, StringComparer.Ordinal))
            yield return new RosterMember(u.Id, u.Username, u.Version);
    }

    public Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(lowercased.Where(k => _users.Any(u => u.Username.ToLowerInvariant() == k)).ToHashSet(StringComparer.Ordinal));

    public Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(lowercased.Where(k => _users.Any(u => u.Email?.ToLowerInvariant() == k)).ToHashSet(StringComparer.Ordinal));

    public Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        Planned.AddRange(changes);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Validates <paramref name="lines"/> in <paramref name="mode"/> for the program <c>reading</c>, the plan going to
    /// <see cref="Planned"/>. Validates them every way the plan can find its users (a batch at a time, the whole district
    /// read once, and as the engine chooses) and requires the same errors and the same plan, change by change, from each.
    /// </summary>
    public async Task<ValidationResult> Validate(ImportMode mode, UserType type, params string[] lines)
    {
        var before = Planned.Count;
        var batched = await Validate(mode, type, PlanLookups.Batched, lines);
        var batchedPlan = Planned.Skip(before).Select(Describe).ToList();
        Planned.RemoveRange(before, Planned.Count - before);
        var whole = await Validate(mode, type, PlanLookups.WholeDistrict, lines);
        Assert.Equal(Describe(batched), Describe(whole));
        Assert.Equal(batchedPlan, Planned.Skip(before).Select(Describe).ToList());
        // As the engine validates: the district read whole here, its first batch looked up or not as the read goes.
        Planned.RemoveRange(before, Planned.Count - before);
        var auto = await Validate(mode, type, PlanLookups.Auto, lines);
        Assert.Equal(Describe(batched), Describe(auto));
        Assert.Equal(batchedPlan, Planned.Skip(before).Select(Describe).ToList());
        return whole;
    }

    /// <summary>Validates <paramref name="lines"/> once, as the engine does, reporting its progress to <paramref name="progress"/>.</summary>
    public Task<ValidationResult> Validate(ImportMode mode, UserType type, IProgress<ValidationProgress> progress, params string[] lines) =>
        Validate(mode, type, PlanLookups.Auto, lines, progress);

    private Task<ValidationResult> Validate(ImportMode mode, UserType type, PlanLookups lookups, string[] lines, IProgress<ValidationProgress>? progress = null) =>
        FileValidator.ValidateAsync(new MemoryStream(CsvBytes(lines)),
            new ValidationContext(Lincoln, type, Schools, this, new ImportLimits(), mode, this, "reading", this, lookups), progress, CancellationToken.None);

    private static string Describe(PlannedChange c) =>
        $"{c.Row} {c.Username} {c.Action} {c.UserId} {c.Version} [{string.Join("; ", c.Changes.Select(f => $"{f.Field}: {f.From} -> {f.To}"))}]";

    private static string Describe(ValidationResult r) =>
        $"{r.Rows} rows; errors {string.Join(", ", r.Errors.Select(e => $"{e.Row}:{e.Code}:{e.Column}"))}; plan {r.Plan?.Counts} {r.Plan?.ActiveUsers} {r.Plan?.TopChange}";
}
