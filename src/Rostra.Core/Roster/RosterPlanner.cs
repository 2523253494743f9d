namespace Rostra.Core.Roster;

/// <summary>
/// Compares a valid row with the user it names (SPEC §10): what the row creates, updates, leaves unchanged or
/// reactivates, field by field. Pure: no database, no clock.
/// </summary>
public static class RosterPlanner
{
    /// <summary>The field name of a program access change (not a template column).</summary>
    public const string ProgramField = "Program";

    /// <summary>
    /// The planned change of one row. <paramref name="existing"/> is the district's user of this type with the row's
    /// username, or null for a new user; <paramref name="programId"/> the program the import gives.
    /// </summary>
    public static PlannedChange Plan(NewUser row, UserType type, ExistingUser? existing, string? programId)
    {
        if (existing is null) return new PlannedChange(row.Row, row.Username, PlanAction.Create, null, null, []);

        var changes = new List<FieldChange>();
        Compare(changes, Column.FirstName, existing.FirstName, row.FirstName);
        Compare(changes, Column.LastName, existing.LastName, row.LastName);
        if (type == UserType.Student)
        {
            var stored = existing.Grade is not null && Grade.TryParse(existing.Grade, out var g) ? g : (Grade?)null;
            if (stored != row.Grade) changes.Add(new FieldChange(Column.Grade.HeaderName(), stored?.ToString() ?? existing.Grade, row.Grade?.ToString()));
        }
        Compare(changes, Column.Email, existing.Email, row.Email);
        if (!SameSet(existing.SchoolIds, row.SchoolIds))
            changes.Add(new FieldChange(Column.SchoolId.HeaderName(), JoinIds(existing.SchoolIds), JoinIds(row.SchoolIds)));
        if (type == UserType.SchoolAdmin)
        {
            var was = existing.Roles.Contains(Roles.Teacher, StringComparer.Ordinal);
            var will = row.Roles.Contains(Roles.Teacher, StringComparer.Ordinal);
            if (was != will) changes.Add(new FieldChange(Column.TeacherRole.HeaderName(), was ? "Y" : "N", will ? "Y" : "N"));
        }
        if (programId is not null && !existing.ProgramIds.Contains(programId, StringComparer.Ordinal))
            changes.Add(new FieldChange(ProgramField, JoinIds(existing.ProgramIds), JoinIds([.. existing.ProgramIds, programId])));
        // A blank Password keeps the current one; any other replaces it, and is only ever said to change.
        if (row.Password is not null) changes.Add(new FieldChange(Column.Password.HeaderName(), null, null));

        var action = !existing.Active ? PlanAction.Reactivate : changes.Count == 0 ? PlanAction.Unchanged : PlanAction.Update;
        return new PlannedChange(row.Row, existing.Username, action, existing.Id, existing.Version, changes);
    }

    /// <summary>The planned deactivation of a user a sync file leaves out.</summary>
    public static PlannedChange Deactivate(RosterMember member) =>
        new(null, member.Username, PlanAction.Deactivate, member.Id, member.Version, []);

    private static void Compare(List<FieldChange> changes, Column column, string? from, string? to)
    {
        from = string.IsNullOrEmpty(from) ? null : from;
        to = string.IsNullOrEmpty(to) ? null : to;
        if (!string.Equals(from, to, StringComparison.Ordinal)) changes.Add(new FieldChange(column.HeaderName(), from, to));
    }

    private static bool SameSet(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count == 1 && b.Count == 1) return string.Equals(a[0], b[0], StringComparison.OrdinalIgnoreCase);
        var left = new HashSet<string>(a, StringComparer.OrdinalIgnoreCase);
        return left.SetEquals(b);
    }

    private static string? JoinIds(IReadOnlyList<string> ids) => ids.Count == 0 ? null : string.Join(',', ids);
}
