using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Storage.Tests;

/// <summary>The errors of imports within bounds: counts of all, details of the first, retention.</summary>
public abstract partial class StoreTests
{
    [Fact]
    public async Task Every_error_is_counted_while_only_the_kept_ones_are_listed_and_filtered()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        ImportIssue[] kept = [Issues.GradeInvalid(2, "Z"), Issues.SchoolUnknown(2, "NOPE", null), Issues.GradeInvalid(3, "Q")];
        ErrorCount[] counts = [new(IssueCodes.GradeInvalid, "Grade", 700), new(IssueCodes.SchoolUnknown, "School ID", 300), new(IssueCodes.RowFieldCount, null, 5)];

        await Store.CompleteValidationAsync(import.Id, ImportStatus.Invalid, 1_000, kept, [], Ct, counts);

        Assert.Equal(1_005, (await Store.GetImportAsync(District, import.Id, Ct))!.ErrorCount);
        Assert.Equal(counts.OrderBy(c => c.Code, StringComparer.Ordinal), (await Store.GetErrorCountsAsync(import.Id, Ct)).OrderBy(c => c.Code, StringComparer.Ordinal));
        var grades = await Store.GetImportErrorPageAsync(import.Id, new ErrorFilter(IssueCodes.GradeInvalid), 1, 10, Ct);
        Assert.Equal(2, grades.Kept);
        Assert.Equal([3], grades.Items.Select(e => e.Row!.Value));
        var schools = await Store.GetImportErrorPageAsync(import.Id, new ErrorFilter(Column: "School ID"), 0, 10, Ct);
        Assert.Equal(IssueCodes.SchoolUnknown, Assert.Single(schools.Items).Code);
        Assert.Equal(kept, await Store.ReadImportErrorsAsync(import.Id, ErrorFilter.All, Ct).ToListAsync());
        Assert.Equal([kept[0], kept[2]], await Store.ReadImportErrorsAsync(import.Id, new ErrorFilter(IssueCodes.GradeInvalid, "Grade"), Ct).ToListAsync());
    }

    [Fact]
    public async Task Kept_values_and_messages_are_cut_to_bounds()
    {
        await SeedDistrictAsync();
        var import = await CreateImportAsync(status: ImportStatus.Validating);
        var huge = new string('x', 100_000);

        await Store.CompleteValidationAsync(import.Id, ImportStatus.Invalid, 1, [new ImportIssue(2, "Grade", IssueCodes.GradeInvalid, huge, huge)], [], Ct);

        var error = Assert.Single(await Store.ReadImportErrorsAsync(import.Id, ErrorFilter.All, Ct).ToListAsync());
        Assert.Equal((ErrorLimits.MaxValueLength, ErrorLimits.MaxMessageLength), (error.Value!.Length, error.Message.Length));
        Assert.EndsWith(ErrorLimits.CutMark, error.Value, StringComparison.Ordinal);
        Assert.Equal([new ErrorCount(IssueCodes.GradeInvalid, "Grade", 1)], await Store.GetErrorCountsAsync(import.Id, Ct));
    }

    [Fact]
    public async Task Imports_that_ended_before_the_retention_lose_their_error_details_and_keep_their_counts()
    {
        await SeedDistrictAsync();
        var ended = await CreateImportAsync(status: ImportStatus.Validating);
        var running = await CreateImportAsync(status: ImportStatus.Validating);
        foreach (var import in new[] { ended, running })
        {
            await Store.SaveErrorRowsAsync(import.Id, ["First Name", "Grade"], [new ErrorRow(2, ["Ann", "Z"])], Ct);
        }
        await Store.CompleteValidationAsync(ended.Id, ImportStatus.Invalid, 1, [Issues.GradeInvalid(2, "Z")], [], Ct);

        Assert.Equal(0, await Store.DeleteOldErrorsAsync(DateTimeOffset.UtcNow.AddDays(-1), Ct));
        Assert.Equal(1, await Store.DeleteOldErrorsAsync(DateTimeOffset.UtcNow.AddDays(1), Ct));

        Assert.Empty(await Store.ReadImportErrorsAsync(ended.Id, ErrorFilter.All, Ct).ToListAsync());
        Assert.Empty(await Store.ReadErrorRowsAsync(ended.Id, Ct).ToListAsync());
        Assert.Null(await Store.GetImportHeaderAsync(ended.Id, Ct));
        Assert.Equal([new ErrorCount(IssueCodes.GradeInvalid, "Grade", 1)], await Store.GetErrorCountsAsync(ended.Id, Ct));
        Assert.Equal(1, (await Store.GetImportAsync(District, ended.Id, Ct))!.ErrorCount);
        Assert.Single(await Store.ReadErrorRowsAsync(running.Id, Ct).ToListAsync());
    }
}
