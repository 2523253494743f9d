using Rostra.Core;
using Rostra.Core.Roster;

namespace Rostra.Storage;

/// <summary>An import, its state and its progress.</summary>
public sealed record ImportRecord(
    Guid Id,
    string DistrictId,
    string? ProgramId,
    UserType UserType,
    string FileName,
    string FileSha256,
    string Status,
    int Rows,
    int ProcessedRows,
    int ErrorCount,
    int Imported,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string? Message = null,
    int HashedRows = 0,
    int? Chunks = null,
    ImportMode Mode = ImportMode.Create,
    RosterPlan? Plan = null,
    DateTimeOffset? CompletedAt = null,
    DateTimeOffset? RevertedAt = null,
    ImportStepProgress? Step = null)
{
    /// <summary>
    /// The rows staged, hashed and written: every valid row but those an update or sync's plan leaves unchanged,
    /// which are never staged. The whole of the preparing, hashing and saving steps.
    /// </summary>
    public int RowsToWrite => Rows - (Plan?.Counts.Unchanged ?? 0);
}
