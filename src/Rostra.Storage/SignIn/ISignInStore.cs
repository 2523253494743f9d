namespace Rostra.Storage;

/// <summary>
/// What sign-in keeps besides the users: failed sign-ins by username (known or not, counted atomically), the
/// security stamp that ends a user's sessions, and the API tokens a user can list and revoke.
/// </summary>
public interface ISignInStore
{
    /// <summary>Until when sign-ins with this username are refused, or null (never failed, or the lock has passed).</summary>
    Task<DateTimeOffset?> GetSignInLockAsync(string username, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one failed sign-in of a username in one atomic statement; every <paramref name="lockAfter"/>th failure in a
    /// row locks it until <paramref name="lockUntil"/>. Returns the count and the lock as stored.
    /// </summary>
    Task<SignInFailures> RecordSignInFailureAsync(string username, int lockAfter, DateTimeOffset now, DateTimeOffset lockUntil, CancellationToken cancellationToken);

    /// <summary>After a right password: forgets the failures unless the username is locked at <paramref name="now"/>; false when it is.</summary>
    Task<bool> ClearSignInFailuresAsync(string username, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Lifts a lock and forgets the failures (an operator letting an admin back in); false when there was nothing to lift.</summary>
    Task<bool> UnlockSignInAsync(string username, CancellationToken cancellationToken);

    /// <summary>
    /// Housekeeping of failed sign-ins. Forgets the failures of every username whose last failure is older than
    /// <paramref name="quietSince"/> and whose lock, if any, has passed at <paramref name="now"/> (the failure window:
    /// failures in a row count while they keep coming); then, of the usernames no user has, keeps only the
    /// <paramref name="unknownKeptAtMost"/> that failed last, so a flood of made-up usernames cannot grow the table
    /// without bound. Failures of existing users are never cut by that bound. Returns how many usernames were forgotten.
    /// </summary>
    Task<int> ForgetSignInFailuresAsync(DateTimeOffset quietSince, int unknownKeptAtMost, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives the user a new security stamp: every session signed in before ends.</summary>
    Task ChangeSecurityStampAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Adds a token (its SHA-256 only) with a name; returns its public id.</summary>
    Task<string> AddTokenAsync(long userId, byte[] tokenHash, string name, CancellationToken cancellationToken);

    /// <summary>The user's tokens, newest first.</summary>
    Task<IReadOnlyList<ApiTokenInfo>> ListTokensAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Deletes one of the user's tokens by its public id; false when the user has no such token.</summary>
    Task<bool> RevokeTokenAsync(long userId, string tokenId, CancellationToken cancellationToken);
}

/// <summary>Failed sign-ins of a username in a row, and the lock they set.</summary>
public sealed record SignInFailures(int Count, DateTimeOffset? LockedUntil);

/// <summary>An API token as its owner sees it: never the token, only its public id.</summary>
public sealed record ApiTokenInfo(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);
