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
    ImportStepProgress? Step = null);
