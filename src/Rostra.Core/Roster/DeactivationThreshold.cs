namespace Rostra.Core.Roster;

/// <summary>
/// How many users a sync may deactivate without the confirm naming the number (SPEC §10): more than
/// <c>max(<see cref="Minimum"/>, <see cref="Percent"/> % of the district's active users of that type)</c> needs it.
/// Both are configuration.
/// </summary>
public readonly record struct DeactivationThreshold(int Minimum = DeactivationThreshold.DefaultMinimum, double Percent = DeactivationThreshold.DefaultPercent)
{
    public const int DefaultMinimum = 10;
    public const double DefaultPercent = 10;

    public static DeactivationThreshold Default { get; } = new(DefaultMinimum, DefaultPercent);

    /// <summary>The most deactivations allowed without acknowledgement, given the active users of the type.</summary>
    public int Limit(int activeUsers) => Math.Max(Minimum, (int)Math.Floor(activeUsers * Percent / 100.0));

    /// <summary>True when <paramref name="deactivations"/> needs the confirm to name it.</summary>
    public bool NeedsAcknowledgement(int deactivations, int activeUsers) => deactivations > Limit(activeUsers);
}
