using Rostra.Storage;

namespace Rostra.Web.Auth;

/// <summary>
/// Once a minute, forgets failed sign-ins that stopped coming: a username whose last failure is older than the lockout
/// duration and that is not locked starts again from none (for every username alike, so the answer still never tells
/// which exist). Usernames no user has are kept at most <see cref="WebRuntime.UnknownSignInFailuresKept"/>, the most
/// recent, so a flood of made-up usernames cannot grow the table without bound.
/// </summary>
internal sealed class SignInFailureHousekeeping(IRostraStore store, WebRuntime runtime, TimeProvider time, ILogger<SignInFailureHousekeeping> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = time.GetUtcNow();
                    var forgotten = await store.ForgetSignInFailuresAsync(now - runtime.LockoutDuration, runtime.UnknownSignInFailuresKept, now, stoppingToken);
                    if (forgotten > 0) logger.LogDebug("Failed sign-ins of {Count} usernames forgotten.", forgotten);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Forgetting old failed sign-ins failed; it runs again in a minute.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
