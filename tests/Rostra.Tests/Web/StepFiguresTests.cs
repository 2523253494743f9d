using Rostra.Core;
using Rostra.Core.Roster;
using Rostra.Imports;
using Rostra.Storage;
using Rostra.Web.Imports;

namespace Rostra.Tests.Web;

/// <summary>The hashing step's figures: of the rows staged, which a plan's unchanged rows never are.</summary>
public sealed class StepFiguresTests
{
    private static ImportRecord Importing(int rows, RosterPlan? plan) => new(
        Guid.NewGuid(), "lincoln", "reading", UserType.Student, "roster.csv", new string('0', 64), ImportStatus.Importing, rows, rows, 0, 0,
        DateTimeOffset.UnixEpoch, "test", DateTimeOffset.UnixEpoch, Mode: plan is null ? ImportMode.Create : ImportMode.Update, Plan: plan);

    private static ChunkInfo Hashed(int no, int first, int rows) => new(no, first, first + rows - 1, rows, "hashed", null, "node-a", DateTimeOffset.UnixEpoch);

    [Fact]
    public void Hashing_reaches_its_whole_when_a_plan_leaves_rows_unchanged()
    {
        // 1,000 rows, 400 of them unchanged: the 600 staged in two chunks, both hashed.
        var record = Importing(1000, new RosterPlan(new PlanCounts(Create: 100, Update: 500, Unchanged: 400, Deactivate: 0, Reactivate: 0), 900));

        var figures = StepFigures.For(record, [Hashed(0, 2, 300), Hashed(1, 302, 300)], new Dictionary<int, int>(), new ImportProgress());

        Assert.Equal((ImportSteps.Hashing, 600L, (long?)600), (figures!.Step, figures.Done, figures.Total));
        Assert.Equal(95, figures.Percent);
    }

    [Fact]
    public void Hashing_of_a_create_import_is_of_all_its_rows()
    {
        var record = Importing(600, null);

        var figures = StepFigures.For(record, [Hashed(0, 2, 300), new ChunkInfo(1, 302, 601, 300, "claimed", "node-a", null, null, DoneRows: 150)],
            new Dictionary<int, int>(), new ImportProgress());

        Assert.Equal((450L, (long?)600), (figures!.Done, figures.Total));
    }
}
