using System.Diagnostics;
using Rostra.Core.Passwords;

namespace Rostra.Imports;

/// <summary>
/// How long one password hash takes on one core of this node, with the configured hash parameters: measured once
/// (a few hashes of a throwaway password), then kept current from the chunks this node hashes. It sizes chunks so that
/// each is about the same time of work whatever the parameters and the machine.
/// </summary>
public sealed class HashCost(PasswordHasher hasher)
{
    private const int Samples = 3;

    /// <summary>The largest chunk, so a tiny hash cost never makes one chunk of a whole import.</summary>
    private const int MaxChunkRows = 5_000;

    private readonly Lazy<double> measured = new(() => Measure(hasher));
    private double observed = double.NaN;

    /// <summary>Seconds per hash: the last chunks hashed here, else the measurement.</summary>
    public double SecondsPerHash => Volatile.Read(ref observed) is var o && !double.IsNaN(o) ? o : measured.Value;

    /// <summary>Rows whose hashing takes about <paramref name="time"/> on one core.</summary>
    public int RowsFor(TimeSpan time) => (int)Math.Clamp(Math.Round(time.TotalSeconds / Math.Max(SecondsPerHash, 1e-6)), 1, MaxChunkRows);

    /// <summary>Hears a chunk hashed here: <paramref name="hashes"/> passwords in <paramref name="elapsed"/>.</summary>
    public void Observe(int hashes, TimeSpan elapsed)
    {
        if (hashes <= 0) return;
        var perHash = elapsed.TotalSeconds / hashes;
        var before = Volatile.Read(ref observed);
        // A moving average: one slow chunk (a busy machine) moves it, without swinging the next chunk sizes wildly.
        Volatile.Write(ref observed, double.IsNaN(before) ? perHash : (before * 3 + perHash) / 4);
    }

    private static double Measure(PasswordHasher hasher)
    {
        var best = double.MaxValue;
        for (var i = 0; i < Samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            hasher.Hash("calibration-" + i);
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        return best;
    }
}
