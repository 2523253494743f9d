using CsCheck;
using Rostra.Core.Roster;
using Rostra.Core.Validation;

namespace Rostra.Core.Tests.Roster;

/// <summary>
/// A district read whole for a large update or sync (<see cref="RosterSnapshot"/>) finds a row unchanged exactly when
/// the planner, comparing field by field, would: over seeded random users and rows whose values differ only a little
/// (case, blank against missing, a school list reordered or repeated, a grade another way, another type or program).
/// </summary>
public sealed class RosterSnapshotTests
{
    private const string Program = "reading";

    private sealed record Case(UserType Type, ExistingUser Existing, NewUser Row, string? ProgramId);

    private static readonly string[][] SchoolLists = [[], ["1001"], ["1001", "LHS"], ["LHS", "1001"], ["lhs", "1001"], ["1001", "1001"], ["LHS"]];

    private static readonly Gen<Case> Cases =
        from type in Gen.OneOf(UserType.Student, UserType.Teacher, UserType.SchoolAdmin)
        from storedType in Gen.Frequency((4, Gen.Const(type)), (1, Gen.OneOf(UserType.Student, UserType.Teacher, UserType.SchoolAdmin)))
        from storedTeaches in Gen.Bool
        from rowTeaches in Gen.Bool
        from storedName in Gen.OneOf("ann.lee", "Ann.Lee")
        from rowName in Gen.Frequency((3, Gen.Const(storedName)), (1, Gen.OneOf("ann.lee", "Ann.Lee")))
        from storedFirst in Gen.OneOf("Ann", "ann")
        from rowFirst in Gen.Frequency((3, Gen.Const(storedFirst)), (1, Gen.OneOf("Ann", "ann")))
        from storedLast in Gen.OneOf<string?>(null, "", "Lee", "lee")
        from rowLast in Gen.Frequency((3, Gen.Const(storedLast)), (1, Gen.OneOf<string?>(null, "", "Lee", "lee")))
        from storedGrade in Gen.OneOf<string?>(null, "3", "K", "x")
        from rowGrade in Gen.OneOf<string?>(null, "03", "3", "k", "4")
        from storedEmail in Gen.OneOf<string?>(null, "", "ann@x.org", "Ann@x.org")
        from rowEmail in Gen.Frequency((3, Gen.Const(storedEmail)), (1, Gen.OneOf<string?>(null, "", "ann@x.org", "Ann@x.org")))
        from storedSchools in Gen.OneOf(SchoolLists)
        from rowSchools in Gen.Frequency((2, Gen.Const(storedSchools)), (2, Gen.OneOf(SchoolLists)))
        from storedPrograms in Gen.OneOf<string[]>([], [Program], ["math", Program], ["math"])
        from programId in Gen.OneOf<string?>(null, Program)
        from active in Gen.Frequency((4, true), (1, false))
        from password in Gen.Frequency((5, (string?)null), (1, "Secret#123"))
        select new Case(
            type,
            new ExistingUser(42, "lincoln-usd", storedName, storedFirst, storedLast, storedEmail, RolesOf(storedType, storedTeaches), storedGrade,
                storedSchools, storedPrograms, active, 7),
            new NewUser("lincoln-usd", rowName, rowFirst, rowLast, rowEmail, RolesOf(type, rowTeaches),
                type == UserType.Student && rowGrade is not null ? Grade.Parse(rowGrade) : null, rowSchools, [],
                password is null ? null : new Secret.Plain(password), 2),
            programId);

    private static string[] RolesOf(UserType type, bool teaches) => type switch
    {
        UserType.Student => [Roles.Student],
        UserType.Teacher => [Roles.Teacher],
        _ => teaches ? [Roles.SchoolAdmin, Roles.Teacher] : [Roles.SchoolAdmin],
    };

    [Fact]
    public void A_row_is_unchanged_by_its_fingerprint_exactly_when_the_planner_finds_it_unchanged_with_the_same_spelling()
    {
        var unchanged = 0;
        var changed = 0;
        Cases.SampleSeeded(c =>
        {
            var snapshot = RosterSnapshot.Of(c.Type, c.ProgramId, c.Existing);
            var bySnapshot = snapshot.IsUnchanged(c.Row.Username.ToLowerInvariant(), c.Row, new RosterSnapshot.Fingerprint(), out var id, out var version);

            // The planner is asked only about a user of the district and type; another type is an error, never unchanged.
            var planned = c.Existing.UserType == c.Type ? RosterPlanner.Plan(c.Row, c.Type, c.Existing, c.ProgramId) : null;
            var byPlanner = planned is { Action: PlanAction.Unchanged } && string.Equals(planned.Username, c.Row.Username, StringComparison.Ordinal);

            Assert.Equal(byPlanner, bySnapshot);
            if (bySnapshot)
            {
                Assert.Equal((42L, 7L), (id, version));
                unchanged++;
            }
            else changed++;
        }, iter: 20_000, print: c => $"{c.Type} program {c.ProgramId}: {c.Existing} / {c.Row}");
        // Both answers come up often enough for the property to mean something.
        Assert.True(unchanged > 500 && changed > 500, $"{unchanged} unchanged, {changed} changed");
    }

    /// <summary>Reports progress as it comes, on the validating thread.</summary>
    private sealed class Watch(Action<ValidationProgress> report) : IProgress<ValidationProgress>
    {
        public void Report(ValidationProgress value) => report(value);
    }

    [Fact]
    public async Task While_a_district_is_slow_to_read_whole_the_rows_checked_keep_moving_and_the_plan_is_the_same()
    {
        // A re-uploaded roster (every row names a user) of three batches and a bit, against a district that will not finish reading.
        const int Rows = 3 * 4096 + 10;
        var users = Enumerable.Range(1, Rows).Select(i => RosterUsers.Student(i, username: $"student.{i}", email: $"s{i}@lincoln.org")).ToArray();
        var roster = new RosterUsers(users);
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        roster.DistrictRead = read.Task;
        var pastTwoBatches = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new[] { TestFiles.StudentHeader }.Concat(Enumerable.Range(1, Rows).Select(i =>
            TestFiles.Student(username: $"student.{i}", password: "", email: $"s{i}@lincoln.org", first: i % 10 == 0 ? "Changed" : "Ann"))).ToArray();

        var validation = roster.Validate(ImportMode.Sync, UserType.Student, new Watch(p =>
        {
            if (p.Rows > 2 * 4096) pastTwoBatches.TrySetResult();
        }), lines);

        // Past the rows of two batches while the district is still unread: the batches meanwhile were looked up one by one.
        await pastTwoBatches.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(validation.IsCompleted);
        read.SetResult();
        var result = await validation;

        Assert.True(result.IsValid, TestFiles.Codes(result));
        Assert.Equal(new PlanCounts(Create: 0, Update: Rows / 10, Unchanged: Rows - Rows / 10, Deactivate: 0, Reactivate: 0), result.Plan!.Counts);
        Assert.Equal(Rows, roster.Planned.Count);
    }
}
