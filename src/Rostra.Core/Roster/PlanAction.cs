namespace Rostra.Core.Roster;

/// <summary>What an update or sync import does to one user.</summary>
public enum PlanAction
{
    Create,
    Update,
    Unchanged,
    Reactivate,
    Deactivate,
}

/// <summary>Slugs of <see cref="PlanAction"/> as the API and the command line write them.</summary>
public static class PlanActions
{
    public static IReadOnlyList<PlanAction> All { get; } =
        [PlanAction.Create, PlanAction.Update, PlanAction.Unchanged, PlanAction.Reactivate, PlanAction.Deactivate];

    public static string Slug(this PlanAction action) => action switch
    {
        PlanAction.Create => "create",
        PlanAction.Update => "update",
        PlanAction.Unchanged => "unchanged",
        PlanAction.Reactivate => "reactivate",
        PlanAction.Deactivate => "deactivate",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static bool TryParse(string? value, out PlanAction action)
    {
        foreach (var a in All)
        {
            if (string.Equals(a.Slug(), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                action = a;
                return true;
            }
        }
        action = default;
        return false;
    }
}
