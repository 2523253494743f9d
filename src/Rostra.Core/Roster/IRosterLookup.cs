namespace Rostra.Core.Roster;

/// <summary>What an update or sync validation asks of the platform, set-based, a batch at a time.</summary>
public interface IRosterLookup
{
    /// <summary>The users (of any district) whose lower-cased username is one of <paramref name="usernameKeys"/>.</summary>
    Task<IReadOnlyList<ExistingUser>> FindUsersAsync(IReadOnlyCollection<string> usernameKeys, CancellationToken cancellationToken);

    /// <summary>Who holds each of <paramref name="emailKeys"/> (lower-cased) that is taken, keyed by the email key.</summary>
    Task<IReadOnlyDictionary<string, EmailHolder>> FindEmailHoldersAsync(IReadOnlyCollection<string> emailKeys, CancellationToken cancellationToken);

    /// <summary>The active users of a district with the role of <paramref name="type"/>, streamed.</summary>
    IAsyncEnumerable<RosterMember> ListActiveMembersAsync(string districtId, UserType type, CancellationToken cancellationToken);
}

/// <summary>Where validation hands the planned changes of an update or sync file, a batch at a time, in row order
/// (deactivations last). Unchanged rows are counted, not handed on.</summary>
public interface IPlanSink
{
    Task AddAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken);
}
