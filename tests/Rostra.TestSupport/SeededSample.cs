using System.Globalization;
using System.Runtime.CompilerServices;
using CsCheck;

namespace Rostra.TestSupport;

/// <summary>
/// Property tests that run the same cases on every run: case <c>i</c> is generated from the seed and <c>i</c> alone,
/// so a failure on one machine fails the same way on any other. The seed is <see cref="DefaultSeed"/> unless
/// <c>ROSTRA_PROPERTY_SEED</c> names another (to explore new cases, or to replay the ones a failure reports).
/// </summary>
public static class SeededSample
{
    public const string SeedVariable = "ROSTRA_PROPERTY_SEED";

    public const ulong DefaultSeed = 20_260_101;

    /// <summary>The seed of this run.</summary>
    public static ulong Seed =>
        Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text
            ? ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : DefaultSeed;

    /// <summary>
    /// Calls <paramref name="assert"/> with <paramref name="iter"/> cases of <paramref name="gen"/>, one after another.
    /// A failing case fails the test with its number, the seed to replay it and the case as <paramref name="print"/> shows it
    /// (CsCheck's printer by default).
    /// </summary>
    public static void SampleSeeded<T>(
        this Gen<T> gen, Action<T> assert, int iter, Func<T, string>? print = null, [CallerMemberName] string property = "")
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(assert);
        print ??= Check.Print;
        var seed = Seed;
        for (var i = 0; i < iter; i++)
        {
            var value = gen.Generate(new PCG((uint)i, seed), null, out _);
            try
            {
                assert(value);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(
                    $"{property} failed on case {i} of {iter} ({SeedVariable}={seed.ToString(CultureInfo.InvariantCulture)} replays it):\n" +
                    $"{print(value)}\n{e.Message}", e);
            }
        }
    }
}
