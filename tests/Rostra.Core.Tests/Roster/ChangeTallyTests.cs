using Rostra.Core.Roster;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Roster;

/// <summary>The plan's most common single field change among its updated users (issue 9's "grade 4 → 5 for 310 of them").</summary>
public sealed class ChangeTallyTests
{
    private static PlannedChange Change(PlanAction action, params FieldChange[] changes) => new(2, "u", action, 1, 1, changes);

    private static FieldChange Grade(string from, string to) => new("Grade", from, to);

    [Fact]
    public void Names_the_change_most_updated_users_share_and_how_many_of_them()
    {
        var tally = new ChangeTally();

        tally.Add(Change(PlanAction.Update, Grade("4", "5"), new FieldChange("Last Name", "Lee", "Leigh")));
        tally.Add(Change(PlanAction.Update, Grade("4", "5")));
        tally.Add(Change(PlanAction.Update, Grade("3", "4")));
        tally.Add(Change(PlanAction.Update, new FieldChange("Last Name", "Lee", "Leigh")));
        tally.Add(Change(PlanAction.Update, Grade("4", "5"), new FieldChange("Email", null, "ann@lincoln.org")));

        Assert.Equal(new TopChange("Grade", "4", "5", 3), tally.Top);
    }

    [Fact]
    public void Counts_only_updates_and_never_a_password()
    {
        var tally = new ChangeTally();

        tally.Add(Change(PlanAction.Update, new FieldChange("Password", null, null)));
        tally.Add(Change(PlanAction.Update, new FieldChange("Password", null, null)));
        tally.Add(Change(PlanAction.Reactivate, Grade("4", "5")));
        tally.Add(Change(PlanAction.Reactivate, Grade("4", "5")));
        tally.Add(Change(PlanAction.Create));
        tally.Add(Change(PlanAction.Unchanged));
        Assert.Null(tally.Top);

        tally.Add(Change(PlanAction.Update, new FieldChange("Password", null, null), Grade("2", "3")));
        Assert.Equal(new TopChange("Grade", "2", "3", 1), tally.Top);
    }

    [Fact]
    public void Breaks_a_tie_by_field_then_old_value_then_new_value_whatever_the_order_rows_came_in()
    {
        FieldChange[] tied = [Grade("4", "5"), Grade("3", "4"), new("Email", "b@x.org", null), new("Email", null, "a@x.org"), Grade("3", "5")];
        foreach (var order in new[] { tied, [.. tied.Reverse()] })
        {
            var tally = new ChangeTally();
            foreach (var change in order) tally.Add(Change(PlanAction.Update, change));

            // "Email" < "Grade"; a blank old value comes before any other.
            Assert.Equal(new TopChange("Email", null, "a@x.org", 1), tally.Top);
        }
        var grades = new ChangeTally();
        foreach (var change in new[] { Grade("4", "5"), Grade("3", "5"), Grade("3", "4") }) grades.Add(Change(PlanAction.Update, change));
        Assert.Equal(new TopChange("Grade", "3", "4", 1), grades.Top);
    }

    [Fact]
    public void Keeps_at_most_its_cap_of_different_changes_and_keeps_counting_those()
    {
        var tally = new ChangeTally(maxKeys: 2);

        tally.Add(Change(PlanAction.Update, Grade("1", "2")));
        tally.Add(Change(PlanAction.Update, Grade("2", "3")));
        // Past the cap: a new change is not counted, however often it comes.
        for (var i = 0; i < 5; i++) tally.Add(Change(PlanAction.Update, Grade("3", "4")));
        tally.Add(Change(PlanAction.Update, Grade("2", "3")));

        Assert.Equal(new TopChange("Grade", "2", "3", 2), tally.Top);
    }

    [Fact]
    public async Task A_validated_plan_carries_its_most_common_change()
    {
        var roster = new RosterUsers(
            RosterUsers.Student(1, username: "ann.lee", email: "ann@lincoln.org"),
            RosterUsers.Student(2, username: "bo.lee", email: "bo@lincoln.org"),
            RosterUsers.Student(3, username: "cy.lee", email: "cy@lincoln.org"),
            RosterUsers.Student(4, username: "di.lee", email: "di@lincoln.org"));

        var result = await roster.Validate(ImportMode.Sync, UserType.Student, StudentHeader,
            Student(username: "ann.lee", last: "Leigh", password: "", email: "ann@lincoln.org"),
            Student(username: "bo.lee", last: "Leigh", password: "New-Secret-9!", email: "bo@lincoln.org"),
            Student(username: "cy.lee", last: "Lee", password: "", email: "cy@lincoln.org"),
            Student(username: "ed.lee", last: "Lee", email: "ed@lincoln.org"));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(new PlanCounts(Create: 1, Update: 2, Unchanged: 1, Deactivate: 1, Reactivate: 0), result.Plan!.Counts);
        Assert.Equal(new TopChange("Last Name", "Lee", "Leigh", 2), result.Plan.TopChange);
    }
}
