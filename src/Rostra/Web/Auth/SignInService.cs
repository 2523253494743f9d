using Rostra.Core.Passwords;
using Rostra.Storage;

namespace Rostra.Web.Auth;

/// <summary>The outcome of a sign-in attempt.</summary>
internal abstract record SignInOutcome
{
    public sealed record SignedIn(UserAccount User) : SignInOutcome;

    /// <summary>Wrong username or password; which one is never said.</summary>
    public sealed record Rejected : SignInOutcome;

    public sealed record LockedOut(DateTimeOffset Until) : SignInOutcome;
}

/// <summary>
/// Checks a username and password, with lockout: after <see cref="WebRuntime.LockoutFailures"/> failures in a row
/// the account is locked for <see cref="WebRuntime.LockoutDuration"/>; once that passes, it gets as many tries again.
/// </summary>
internal sealed class SignInService(IRostraStore store, PasswordHasher hasher, WebRuntime runtime, TimeProvider time)
{
    // An unknown username costs the same hashing work as a known one, so timing does not tell them apart.
    private readonly Lazy<string> decoyHash = new(() => hasher.Hash("not a real password, only spends the same time"));

    public async Task<SignInOutcome> SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrWhiteSpace(username) ? null : await store.FindUserAsync(username.Trim(), cancellationToken);
        // A deactivated user is refused exactly as an unknown one: nothing tells the two apart.
        if (user?.PasswordHash is null || !user.Active)
        {
            hasher.Verify(decoyHash.Value, password);
            return new SignInOutcome.Rejected();
        }
        var now = time.GetUtcNow();
        if (user.LockedUntil is { } until && until > now)
        {
            return new SignInOutcome.LockedOut(until);
        }
        if (!hasher.Verify(user.PasswordHash, password))
        {
            // The count is not reset when a lock ends, so count within the current round of tries.
            var failures = (user.FailedLogins % runtime.LockoutFailures) + 1;
            DateTimeOffset? lockUntil = failures >= runtime.LockoutFailures ? now + runtime.LockoutDuration : null;
            await store.RecordFailedLoginAsync(user.Id, lockUntil, cancellationToken);
            return lockUntil is { } locked ? new SignInOutcome.LockedOut(locked) : new SignInOutcome.Rejected();
        }
        await store.RecordSuccessfulLoginAsync(user.Id, cancellationToken);
        return new SignInOutcome.SignedIn(user);
    }
}
