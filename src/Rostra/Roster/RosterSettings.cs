using System.Globalization;
using Rostra.Core.Roster;

namespace Rostra.Roster;

/// <summary>
/// Settings of update and sync imports, from the environment: the deactivation threshold
/// (<c>ROSTRA_DEACTIVATION_MIN</c>, default 10; <c>ROSTRA_DEACTIVATION_PERCENT</c>, default 10) and how long an import
/// can be reverted (30 days, SPEC §10).
/// </summary>
public sealed record RosterSettings(DeactivationThreshold Threshold, TimeSpan RevertWindow)
{
    public static TimeSpan DefaultRevertWindow { get; } = TimeSpan.FromDays(30);

    public static RosterSettings FromEnvironment()
    {
        var minimum = int.TryParse(Environment.GetEnvironmentVariable("ROSTRA_DEACTIVATION_MIN"), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            ? m : DeactivationThreshold.DefaultMinimum;
        var percent = double.TryParse(Environment.GetEnvironmentVariable("ROSTRA_DEACTIVATION_PERCENT"), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p >= 0
            ? p : DeactivationThreshold.DefaultPercent;
        return new RosterSettings(new DeactivationThreshold(minimum, percent), DefaultRevertWindow);
    }

    /// <summary>
    /// Null when the import may be confirmed; otherwise the <c>import.deactivation_threshold</c> error: a sync that would
    /// deactivate more than the threshold, confirmed without naming exactly that number.
    /// </summary>
    public Core.ImportIssue? CheckThreshold(RosterPlan? plan, int? allowDeactivations)
    {
        if (plan is null || !Threshold.NeedsAcknowledgement(plan.Counts.Deactivate, plan.ActiveUsers)) return null;
        return allowDeactivations == plan.Counts.Deactivate
            ? null
            : Core.Validation.Issues.DeactivationThreshold(plan.Counts.Deactivate, Threshold.Limit(plan.ActiveUsers));
    }
}
