using System.Diagnostics;
using Rostra.Core;
using Rostra.Core.Passwords;

namespace Rostra.Benchmarks.EndToEnd;

/// <summary>Hashes per second on one core and on every core, through the import's own parallel path.</summary>
internal sealed record HashScalingResult(
    int Cores, double SingleCorePerSecond, double AllCoresPerSecond, double RawAllCoresPerSecond, PasswordHashOptions Options)
{
    /// <summary>All-core rate over cores × single-core rate: 1.0 is perfect scaling.</summary>
    public double Efficiency => AllCoresPerSecond / (Cores * SingleCorePerSecond);

    /// <summary>The same for libsodium called on every core with no batching at all: what the hardware allows.</summary>
    public double RawEfficiency => RawAllCoresPerSecond / (Cores * SingleCorePerSecond);
}

internal static class HashScaling
{
    /// <summary>
    /// Alternates a single-core and an all-core round <paramref name="rounds"/> times and keeps each one's best,
    /// so a neighbour's burst on the shared machine hurts both sides alike.
    /// </summary>
    public static async Task<HashScalingResult> MeasureAsync(PasswordHashOptions options, TimeSpan perRound, int rounds, CancellationToken cancellationToken)
    {
        var cores = Environment.ProcessorCount;
        var hasher = new PasswordHasher(options with { Parallelism = cores });
        double single = 0, all = 0, raw = 0;
        hasher.Hash("Warm-up-1!");
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var n = 0;
            while (clock.Elapsed < perRound)
            {
                hasher.Hash($"Pa55-word-{n}!");
                n++;
            }
            single = Math.Max(single, n / clock.Elapsed.TotalSeconds);

            // Enough users for the all-core round to last about as long as the single-core one.
            var count = Math.Max(cores * 8, (int)(single * cores * perRound.TotalSeconds));
            var users = Users(count);
            clock.Restart();
            var hashed = 0;
            await foreach (var _ in hasher.HashAllAsync(users, null, cancellationToken)) hashed++;
            all = Math.Max(all, hashed / clock.Elapsed.TotalSeconds);

            // The bound: one thread per core hashing in a loop, no batches, no ordering.
            var each = count / cores;
            clock.Restart();
            Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores, CancellationToken = cancellationToken }, t =>
            {
                for (var i = 0; i < each; i++) hasher.Hash($"Pa55-word-{t}-{i}!");
            });
            raw = Math.Max(raw, each * cores / clock.Elapsed.TotalSeconds);
        }
        return new HashScalingResult(cores, single, all, raw, options);
    }

    private static async IAsyncEnumerable<NewUser> Users(int count)
    {
        for (var i = 0; i < count; i++)
            yield return new NewUser("bench", $"zoe.obrien.{i}", "Zoë", "O'Brien", null, [Roles.Student], null, ["1001"], [], new Secret.Plain($"Pa55-word-{i}!"), i + 2);
        await Task.CompletedTask;
    }
}
