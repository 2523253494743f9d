namespace Rostra.Core.Roster;

/// <summary>What an update or sync validation asks of the platform, set-based, a batch at a time.</summary>
public interface IRosterLookup
{
    /// <summary>The users (of any district) whose lower-cased username is one of <paramref name="usernameKeys"/>.</summary>
    Task<IReadOnlyList<ExistingUser>> FindUsersAsync(IReadOnlyCollection<string> usernameKeys, CancellationToken cancellationToken);

    /// <summary>Who holds each of <paramref name="emailKeys"/> (lower-cased) that is taken, keyed by the email key.</summary>
    Task<IReadOnlyDictionary<string, EmailHolder>> FindEmailHoldersAsync(IReadOnlyCollection<string> emailKeys, CancellationToken cancellationToken);

    /// <summary>How many users a district has, of every type, active or not.</summary>
    Task<int> CountDistrictUsersAsync(string districtId, CancellationToken cancellationToken);

    /// <summary>
    /// Every user of a district (every type, active or not) with its schools and programs, streamed in one pass: what a
    /// file that names about the whole district is compared with (<see cref="RosterSnapshot"/>).
    /// </summary>
    IAsyncEnumerable<ExistingUser> ListDistrictUsersAsync(string districtId, CancellationToken cancellationToken);

    /// <summary>The users with these ids, as a sync deactivates them (their order is not kept).</summary>
    Task<IReadOnlyList<RosterMember>> FindMembersAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>The active users of a district with the role of <paramref name="type"/>, streamed.</summary>
    IAsyncEnumerable<RosterMember> ListActiveMembersAsync(string districtId, UserType type, CancellationToken cancellationToken);
}

/// <summary>Where validation hands the planned changes of an update or sync file, a batch at a time, in row order
/// (deactivations last), unchanged rows included.</summary>
public interface IPlanSink
{
    /// <summary>Takes a batch; a sink may still be storing it when this returns (see <see cref="CompleteAsync"/>).</summary>
    Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken);

    /// <summary>Returns once every batch handed on is stored, with the failure of any that could not be.</summary>
    Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
