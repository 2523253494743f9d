using System.Threading.RateLimiting;
using Rostra.Core.Passwords;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Web.Auth;

/// <summary>The outcome of a sign-in attempt.</summary>
internal abstract record SignInOutcome
{
    public sealed record SignedIn(UserAccount User) : SignInOutcome;

    /// <summary>Wrong username or password; which one is never said.</summary>
    public sealed record Rejected : SignInOutcome;

    /// <summary>
    /// Too many attempts for this username: locked after failures, or over the per-username rate. The answer is the
    /// same whether the username exists or not, and says when to try again.
    /// </summary>
    public sealed record Paused(TimeSpan RetryAfter) : SignInOutcome;
}

/// <summary>
/// Checks a username and password. Failures are counted per username in the database, one atomic statement each, whether
/// or not the user exists: every <see cref="WebRuntime.LockoutFailures"/>th failure in a row locks the username for
/// <see cref="WebRuntime.LockoutDuration"/> (an operator lifts it with <c>rostra admin unlock</c>), and a right password
/// is refused while the lock holds, even when it arrives amid concurrent wrong ones. Each username also has a rate
/// (<see cref="WebRuntime.SignInsPerAccountPerMinute"/>) on this node, whatever the outcome.
/// </summary>
internal sealed class SignInService : IDisposable
{
    private readonly IDirectoryStore directory;
    private readonly ISignInStore store;
    private readonly PasswordHasher hasher;
    private readonly WebRuntime runtime;
    private readonly TimeProvider time;
    private readonly PartitionedRateLimiter<string> perAccount;

    // An unknown username costs the same hashing work as a known one, so timing does not tell them apart.
    private readonly Lazy<string> decoyHash;

    public SignInService(IDirectoryStore directory, ISignInStore store, PasswordHasher hasher, WebRuntime runtime, TimeProvider time)
    {
        this.directory = directory;
        this.store = store;
        this.hasher = hasher;
        this.runtime = runtime;
        this.time = time;
        decoyHash = new(() => hasher.Hash("not a real password, only spends the same time"));
        perAccount = PartitionedRateLimiter.Create<string, string>(username => RateLimitPartition.GetSlidingWindowLimiter(
            username,
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = runtime.SignInsPerAccountPerMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
            }));
    }

    public async Task<SignInOutcome> SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        var name = (username ?? "").Trim();
        // No user can have a name outside the username rule: nothing to count or look up, the same work and answer.
        if (!RowChecker.IsValidUsername(name))
        {
            hasher.Verify(decoyHash.Value, password);
            return new SignInOutcome.Rejected();
        }
        using var lease = perAccount.AttemptAcquire(name.ToLowerInvariant());
        if (!lease.IsAcquired)
        {
            return new SignInOutcome.Paused(lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1));
        }
        var now = time.GetUtcNow();
        if (await store.GetSignInLockAsync(name, now, cancellationToken) is { } lockedUntil)
        {
            return new SignInOutcome.Paused(lockedUntil - now);
        }
        var user = await directory.FindUserAsync(name, cancellationToken);
        // A deactivated user is refused exactly as an unknown one (failures counted the same): nothing tells the two apart.
        if (!AccountCheck.MaySignIn(user))
        {
            user = null;
        }
        bool right;
        if (user?.PasswordHash is { } hash)
        {
            right = hasher.Verify(hash, password);
        }
        else
        {
            hasher.Verify(decoyHash.Value, password);
            right = false;
        }
        now = time.GetUtcNow();
        if (!right)
        {
            var failures = await store.RecordSignInFailureAsync(name, runtime.LockoutFailures, now, now + runtime.LockoutDuration, cancellationToken);
            return failures.LockedUntil is { } until && until > now ? new SignInOutcome.Paused(until - now) : new SignInOutcome.Rejected();
        }
        // A lock set by wrong passwords counted while this one was checked wins over it.
        if (!await store.ClearSignInFailuresAsync(name, now, cancellationToken))
        {
            return new SignInOutcome.Paused((await store.GetSignInLockAsync(name, now, cancellationToken) ?? now + runtime.LockoutDuration) - now);
        }
        return new SignInOutcome.SignedIn(user!);
    }

    public void Dispose() => perAccount.Dispose();
}
