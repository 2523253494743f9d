using Rostra.Core.Roster;
using Rostra.Core.Validation;
using static Rostra.Core.Tests.TestFiles;

namespace Rostra.Core.Tests.Roster;

/// <summary>The plan of an update or sync file (SPEC §10): what each row does, field by field.</summary>
public sealed class RosterPlannerTests
{
    private static string Changes(PlannedChange change) =>
        string.Join("; ", change.Changes.Select(c => $"{c.Field}: {c.From ?? "-"} -> {c.To ?? "-"}"));

    [Fact]
    public async Task A_row_equal_to_its_user_is_unchanged_and_a_new_username_is_created()
    {
        var roster = new RosterUsers(RosterUsers.Student(1));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(password: ""),
            Student(first: "Bo", last: "Li", username: "bo.li", email: "bo@lincoln.org"));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(new PlanCounts(Create: 1, Update: 0, Unchanged: 1, Deactivate: 0, Reactivate: 0), result.Plan!.Counts);
        Assert.Equal(["2:ann.lee:unchanged", "3:bo.li:create"], roster.Planned.Select(p => $"{p.Row}:{p.Username}:{p.Action.Slug()}"));
        Assert.Equal(1, roster.Planned[0].UserId);
        Assert.Empty(roster.Planned[0].Changes);
    }

    [Fact]
    public async Task Every_field_of_a_student_changes_with_its_old_and_new_value()
    {
        var roster = new RosterUsers(RosterUsers.Student(1, programs: ["math"]));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(first: "Anne", last: "Leigh", password: "", grade: "4", school: "1002", email: "anne@lincoln.org"));

        Assert.True(result.IsValid, Codes(result));
        var change = Assert.Single(roster.Planned);
        Assert.Equal(PlanAction.Update, change.Action);
        Assert.Equal(
            "First Name: Ann -> Anne; Last Name: Lee -> Leigh; Grade: 3 -> 4; Email: ann@lincoln.org -> anne@lincoln.org; School ID: 1001 -> 1002; Program: math -> math,reading",
            Changes(change));
    }

    [Fact]
    public async Task Teacher_role_of_a_school_admin_changes_as_Y_and_N()
    {
        var roster = new RosterUsers(RosterUsers.Staff(7, Roles.SchoolAdmin, "sue.kim", "Sue", "Kim", "sue@lincoln.org"));

        await roster.Validate(ImportMode.Update, UserType.SchoolAdmin, SchoolAdminHeader, SchoolAdmin(password: "", teacherRole: "yes"));

        Assert.Equal("Teacher Role: N -> Y", Changes(Assert.Single(roster.Planned)));
    }

    [Fact]
    public async Task A_blank_password_keeps_the_current_one_and_a_new_one_only_says_it_changes()
    {
        var roster = new RosterUsers(RosterUsers.Student(1), RosterUsers.Student(2, "bo.li", "Bo", "Li", "bo@lincoln.org"));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(password: ""),
            Student(first: "Bo", last: "Li", username: "bo.li", email: "bo@lincoln.org", password: "NewSecret#99"));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(PlanAction.Unchanged, roster.Planned[0].Action);
        var password = Assert.Single(roster.Planned[1].Changes);
        Assert.Equal(new FieldChange("Password", null, null), password);
        Assert.Equal(PlanAction.Update, roster.Planned[1].Action);
    }

    [Fact]
    public async Task A_new_user_still_needs_a_password_and_a_new_one_for_an_existing_user_must_meet_the_rules()
    {
        var roster = new RosterUsers(RosterUsers.Student(1));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(password: "short"),
            Student(first: "Bo", last: "Li", username: "bo.li", email: "bo@lincoln.org", password: ""));

        Assert.Equal("2:Password:password.too_short 2:Password:password.complexity 3:Password:field.required", Codes(result));
        Assert.Null(result.Plan);
    }

    [Fact]
    public async Task A_username_differing_only_in_case_names_the_same_user_and_keeps_its_spelling()
    {
        var roster = new RosterUsers(RosterUsers.Student(1, "Ann.Lee"));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader, Student(username: "ANN.LEE", password: ""));

        Assert.True(result.IsValid, Codes(result));
        var change = Assert.Single(roster.Planned);
        Assert.Equal((PlanAction.Unchanged, "Ann.Lee", 1L), (change.Action, change.Username, change.UserId!.Value));
    }

    [Fact]
    public async Task Two_users_swapping_their_emails_in_one_file_is_two_updates_not_email_taken()
    {
        var roster = new RosterUsers(RosterUsers.Student(1), RosterUsers.Student(2, "bo.li", "Bo", "Li", "bo@lincoln.org"));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(password: "", email: "bo@lincoln.org"),
            Student(first: "Bo", last: "Li", username: "bo.li", email: "ann@lincoln.org", password: ""));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(["Email: ann@lincoln.org -> bo@lincoln.org", "Email: bo@lincoln.org -> ann@lincoln.org"], roster.Planned.Select(Changes));
    }

    [Fact]
    public async Task An_email_moving_to_another_user_whose_row_comes_later_is_allowed()
    {
        var roster = new RosterUsers(RosterUsers.Student(1), RosterUsers.Student(2, "bo.li", "Bo", "Li", "bo@lincoln.org"));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(password: "", email: "bo@lincoln.org"),
            Student(first: "Bo", last: "Li", username: "bo.li", email: "bo.li@lincoln.org", password: ""));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(new PlanCounts(0, 2, 0, 0, 0), result.Plan!.Counts);
    }

    [Fact]
    public async Task An_email_another_user_keeps_is_taken_but_a_users_own_email_is_not()
    {
        var roster = new RosterUsers(RosterUsers.Student(1), RosterUsers.Student(2, "bo.li", "Bo", "Li", "bo@lincoln.org"));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(password: "", email: "ANN@lincoln.org"),
            Student(first: "Cy", last: "Ox", username: "cy.ox", email: "bo@lincoln.org"));

        Assert.Equal("3:Email:email.taken", Codes(result));
    }

    [Fact]
    public async Task A_school_list_in_another_order_or_case_is_unchanged()
    {
        var roster = new RosterUsers(RosterUsers.Staff(5, Roles.Teacher, "tom.ray", schools: ["1001", "LHS"]));

        var result = await roster.Validate(ImportMode.Update, UserType.Teacher, TeacherHeader, Teacher(password: "", school: "lhs, 1001"));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(PlanAction.Unchanged, Assert.Single(roster.Planned).Action);
    }

    [Theory]
    [InlineData("01", "1")]
    [InlineData("k", "K")]
    [InlineData("3", "3")]
    public async Task A_grade_written_another_way_is_unchanged(string written, string stored)
    {
        var roster = new RosterUsers(RosterUsers.Student(1, grade: stored));

        var result = await roster.Validate(ImportMode.Sync, UserType.Student, StudentHeader, Student(password: "", grade: written));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(PlanAction.Unchanged, Assert.Single(roster.Planned).Action);
    }

    [Fact]
    public async Task A_username_of_another_district_is_taken_without_naming_it_and_another_type_of_ours_is_other_type()
    {
        var roster = new RosterUsers(
            RosterUsers.Student(1, "ann.lee", district: "jefferson-usd"),
            RosterUsers.Staff(2, Roles.Teacher, "bo.li", email: "bo@jefferson.org"));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader,
            Student(email: "ann2@lincoln.org"),
            Student(first: "Bo", last: "Li", username: "bo.li", email: "bo@lincoln.org"));

        Assert.Equal("2:Username:username.taken 3:Username:username.other_type", Codes(result));
        Assert.DoesNotContain("jefferson", result.Errors[0].Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("teacher", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_mode_behaves_as_before_an_existing_user_is_taken_and_no_plan_is_made()
    {
        var roster = new RosterUsers(RosterUsers.Student(1));

        var result = await roster.Validate(ImportMode.Create, UserType.Student, StudentHeader, Student());

        Assert.Equal("2:Username:username.taken 2:Email:email.taken", Codes(result));
        Assert.Null(result.Plan);
        Assert.Empty(roster.Planned);
    }

    [Fact]
    public async Task A_file_of_the_districts_own_users_uploaded_to_add_new_users_says_to_update_them_instead()
    {
        // The exported file uploaded again with the default choice: "choose a different username" would send a
        // secretary renaming every student; the message says the file only adds, and which choice updates.
        var roster = new RosterUsers(
            RosterUsers.Student(1, "ann.lee"),
            RosterUsers.Student(2, "bo.li", email: "bo@jefferson.org", district: "jefferson-usd"),
            RosterUsers.Staff(3, Roles.Teacher, "cy.ray", email: "cy@lincoln.org"));

        var result = await roster.Validate(ImportMode.Create, UserType.Student, StudentHeader,
            Student(username: "Ann.Lee", email: ""),
            Student(first: "Bo", last: "Li", username: "bo.li", email: ""),
            Student(first: "Cy", last: "Ray", username: "cy.ray", email: ""));

        Assert.Equal("2:Username:username.taken 3:Username:username.taken 4:Username:username.taken", Codes(result));
        Assert.Equal(
            "This username already belongs to a student of your district, and this file only adds new users. To change the users you " +
            "already have, upload the file again and choose “Add new and update existing users” (on the command line, --mode update).",
            result.Errors[0].Message);
        Assert.Equal("Ann.Lee", result.Errors[0].Value);
        // Another district's user, or one of ours of another type, is plainly taken: nothing to update here.
        Assert.Equal("This username already belongs to a user on the platform. Choose a different username.", result.Errors[1].Message);
        Assert.Equal("This username already belongs to a user on the platform. Choose a different username.", result.Errors[2].Message);
    }

    [Fact]
    public async Task Sync_deactivates_the_active_users_of_the_type_the_file_leaves_out_and_reactivates_the_listed_ones()
    {
        var roster = new RosterUsers(
            RosterUsers.Student(1),
            RosterUsers.Student(2, "bo.li", "Bo", "Li", "bo@lincoln.org"),
            RosterUsers.Student(3, "cy.ox", "Cy", "Ox", "cy@lincoln.org", active: false),
            RosterUsers.Student(4, "di.ax", "Di", "Ax", "di@lincoln.org", active: false),
            RosterUsers.Staff(5, Roles.Teacher, "tom.ray"));

        var result = await roster.Validate(ImportMode.Sync, UserType.Student, StudentHeader,
            Student(password: ""),
            Student(first: "Cy", last: "Ox", username: "cy.ox", email: "cy@lincoln.org", password: ""));

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(new PlanCounts(Create: 0, Update: 0, Unchanged: 1, Deactivate: 1, Reactivate: 1), result.Plan!.Counts);
        Assert.Equal(2, result.Plan.ActiveUsers);
        Assert.Equal(["2:ann.lee:unchanged", "3:cy.ox:reactivate", "-:bo.li:deactivate"],
            roster.Planned.Select(p => $"{p.Row?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}:{p.Username}:{p.Action.Slug()}"));
    }

    [Fact]
    public async Task Update_leaves_the_users_the_file_does_not_name_alone()
    {
        var roster = new RosterUsers(RosterUsers.Student(1), RosterUsers.Student(2, "bo.li", "Bo", "Li", "bo@lincoln.org"));

        var result = await roster.Validate(ImportMode.Update, UserType.Student, StudentHeader, Student(password: ""));

        Assert.Equal(0, result.Plan!.Counts.Deactivate);
        Assert.Single(roster.Planned);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(99, 10)]
    [InlineData(100, 10)]
    [InlineData(250, 25)]
    [InlineData(1_000_000, 100_000)]
    public void The_deactivation_threshold_is_the_larger_of_ten_and_ten_percent(int active, int limit)
    {
        Assert.Equal(limit, DeactivationThreshold.Default.Limit(active));
        Assert.False(DeactivationThreshold.Default.NeedsAcknowledgement(limit, active));
        Assert.True(DeactivationThreshold.Default.NeedsAcknowledgement(limit + 1, active));
    }

    [Fact]
    public void Modes_and_actions_read_their_slugs()
    {
        Assert.Equal(["create", "update", "sync"], ImportModes.All.Select(m => m.Slug()));
        Assert.True(ImportModes.TryParse(" Sync ", out var mode));
        Assert.Equal(ImportMode.Sync, mode);
        Assert.False(ImportModes.TryParse("merge", out _));
        Assert.True(PlanActions.TryParse("deactivate", out var action));
        Assert.Equal(PlanAction.Deactivate, action);
    }
}

/// <summary>The round trip (SPEC §10): the export of a type's users, uploaded again unchanged, plans no change.</summary>
public sealed class RosterExportTests
{
    [Theory]
    [InlineData(ImportMode.Update)]
    [InlineData(ImportMode.Sync)]
    public async Task An_exported_file_uploaded_unchanged_plans_zero_changes(ImportMode mode)
    {
        var users = new[]
        {
            RosterUsers.Student(1, "ann.lee", "Ann", "Lee", "ann@lincoln.org", "K", ["1001", "1002"]),
            RosterUsers.Student(2, "bo.li", "=Bo", null, null, "3", ["1001"]),
            RosterUsers.Student(3, "cy.ox", "Cy, Jr.", "O\"x", "cy@lincoln.org", "12", ["LHS"]),
        };
        var roster = new RosterUsers(users);
        var text = new StringWriter();
        await RosterExport.WriteCsvAsync(text, UserType.Student,
            ToAsync(users.Select(u => new ExportedUser(u.Username, u.FirstName, u.LastName, u.Email, u.Roles, u.Grade, u.SchoolIds))), CancellationToken.None);
        var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("First Name,Last Name,Username,Password,Grade,School ID,Email", lines[0]);
        Assert.Equal("Ann,Lee,ann.lee,,K,\"1001,1002\",ann@lincoln.org", lines[1]);
        Assert.StartsWith("'=Bo,", lines[2], StringComparison.Ordinal);
        var result = await roster.Validate(mode, UserType.Student, [.. lines.Where(l => !l.StartsWith('\'')), ]);

        Assert.True(result.IsValid, Codes(result));
        Assert.Equal(new PlanCounts(0, 0, 2, mode == ImportMode.Sync ? 1 : 0, 0), result.Plan!.Counts);
    }

    [Fact]
    public void A_school_admin_who_teaches_is_written_with_teacher_role_Y_and_no_password()
    {
        var cells = RosterExport.Cells(UserType.SchoolAdmin,
            new ExportedUser("sue.kim", "Sue", "Kim", "sue@lincoln.org", [Roles.SchoolAdmin, Roles.Teacher], null, ["1001"]));

        Assert.Equal(["Sue", "Kim", "sue.kim", null, "sue@lincoln.org", "1001", "Y"], cells);
    }

    private static async IAsyncEnumerable<ExportedUser> ToAsync(IEnumerable<ExportedUser> users)
    {
        await Task.CompletedTask;
        foreach (var u in users) yield return u;
    }
}
