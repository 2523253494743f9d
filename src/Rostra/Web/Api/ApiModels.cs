using Rostra.Core;
using Rostra.Storage;

namespace Rostra.Web.Api;

/// <summary>Every API error: a stable code (SPEC §4 codes where they apply) and a message a person can act on.</summary>
public sealed record ApiError(string Code, string Message);

/// <summary>A 409 about an import: why, and the import as it is now.</summary>
public sealed record ImportConflict(string Code, string Message, ImportView Import);

/// <summary>An import as <c>GET /api/imports/{id}</c> returns it.</summary>
/// <param name="Percent">0–99 while validating or importing (the steps so far, each a share of the whole), 100 once done, null when unknown.</param>
/// <param name="Message">Why an import failed or was cancelled.</param>
public sealed record ImportView(
    Guid Id,
    string Status,
    string UserType,
    string? Program,
    string FileName,
    int Rows,
    int ProcessedRows,
    int ErrorCount,
    IReadOnlyList<ImportIssue> Warnings,
    int Imported,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    int? Percent,
    string? Message,
    string FileSha256)
{
    /// <summary>
    /// The step the import is in while it runs: <c>reading</c>, <c>checking</c>, <c>preparing</c>, <c>hashing</c> or
    /// <c>saving</c>; null when it ended, waits for CONFIRM, or has not started.
    /// </summary>
    public string? Step { get; init; }

    /// <summary>How far the step is, in its unit: bytes while reading, rows otherwise.</summary>
    public long? StepDone { get; init; }

    /// <summary>The whole of the step in the same unit; null when unknown (while checking, the file's rows counted by its lines, about).</summary>
    public long? StepTotal { get; init; }

    /// <summary>Passwords hashed so far (durable imports); hashing starts as soon as the file is valid.</summary>
    public int? HashedRows { get; init; }

    /// <summary>Rows hashed per node: how the work was shared between the nodes.</summary>
    public IReadOnlyDictionary<string, int>? HashedBy { get; init; }

    /// <summary><c>create</c>, <c>update</c> or <c>sync</c> (SPEC §10).</summary>
    public string Mode { get; init; } = "create";

    /// <summary>An update or sync's counts once valid: create, update, unchanged, deactivate, reactivate, and the most common change.</summary>
    public PlanView? Plan { get; init; }

    /// <summary>Deactivations a confirm may make without naming the number; null when not a sync.</summary>
    public int? DeactivationLimit { get; init; }

    /// <summary>When the import was reverted; null when it was not.</summary>
    public DateTimeOffset? RevertedAt { get; init; }

    internal static ImportView From(ImportRecord record, IReadOnlyList<ImportIssue> warnings, int? percent) => new(
        record.Id,
        record.Status,
        record.UserType.Slug(),
        record.ProgramId,
        record.FileName,
        record.Rows,
        record.ProcessedRows,
        record.ErrorCount,
        warnings,
        record.Imported,
        record.CreatedAt,
        record.CreatedBy,
        record.UpdatedAt,
        percent ?? (Core.ImportStatus.IsFinal(record.Status) || record.Status == Core.ImportStatus.Valid ? 100 : null),
        record.Message,
        record.FileSha256)
    {
        Mode = Core.Roster.ImportModes.Slug(record.Mode),
        Plan = PlanView.From(record.Plan),
        RevertedAt = record.RevertedAt,
    };
}

/// <summary>
/// The plan of an update or sync (SPEC §10): its counts and, when updated users change a field, the most common single
/// change (<c>topChange</c>: field, from, to, and for how many of the updated users), e.g. Grade 4 → 5 for 310.
/// </summary>
public sealed record PlanView(int Create, int Update, int Unchanged, int Deactivate, int Reactivate, Core.Roster.TopChange? TopChange)
{
    internal static PlanView? From(Core.Roster.RosterPlan? plan) => plan is null ? null
        : new(plan.Counts.Create, plan.Counts.Update, plan.Counts.Unchanged, plan.Counts.Deactivate, plan.Counts.Reactivate, plan.TopChange);
}

/// <summary>One line of the import history (<c>GET /api/imports</c>).</summary>
public sealed record ImportSummary(
    Guid Id,
    string Status,
    string UserType,
    string? Program,
    string FileName,
    int Rows,
    int ErrorCount,
    int Imported,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string? Message)
{
    internal static ImportSummary From(ImportRecord r) =>
        new(r.Id, r.Status, r.UserType.Slug(), r.ProgramId, r.FileName, r.Rows, r.ErrorCount, r.Imported, r.CreatedAt, r.CreatedBy, r.UpdatedAt, r.Message);
}

/// <summary>A school of the district (<c>GET /api/schools</c>); grades in order, e.g. <c>["K","1","2"]</c>.</summary>
public sealed record SchoolView(string SchoolId, string Name, IReadOnlyList<string> Grades, string GradeRange)
{
    internal static SchoolView From(School school) =>
        new(school.SchoolId, school.Name, [.. school.Grades.Grades.Select(g => g.ToString())], school.Grades.ToString());
}

/// <summary>A page of the district's users (<c>GET /api/users</c>).</summary>
public sealed record UserListPage(int Offset, int Limit, int Total, IReadOnlyList<UserView> Users);

public sealed record UserView(
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> Programs,
    bool Active)
{
    internal static UserView From(UserSummary u) => new(u.Username, u.FirstName, u.LastName, u.Email, u.Roles, u.Grade, u.SchoolIds, u.Programs, u.Active);
}
