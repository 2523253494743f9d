using Rostra.Core;

namespace Rostra.Storage;

/// <summary>
/// Everything Rostra keeps, behind one interface with a SQLite and a PostgreSQL implementation.
/// Every query about users, schools, programs and imports is scoped by district id.
/// </summary>
public interface IRostraStore : IUserLookup, IAsyncDisposable
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    string Provider { get; }

    /// <summary>Brings the schema up to date; safe when several processes start at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>True when the database answers.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    // Districts, programs, schools. Add* throws DuplicateKeyException when the id exists.
    Task AddDistrictAsync(District district, CancellationToken cancellationToken);
    Task<District?> GetDistrictAsync(string districtId, CancellationToken cancellationToken);
    Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken cancellationToken);
    Task AddProgramAsync(DistrictProgram program, CancellationToken cancellationToken);
    Task<IReadOnlyList<DistrictProgram>> ListProgramsAsync(string districtId, CancellationToken cancellationToken);
    Task AddSchoolAsync(School school, CancellationToken cancellationToken);
    Task<IReadOnlyList<School>> ListSchoolsAsync(string districtId, CancellationToken cancellationToken);
    Task<School?> GetSchoolAsync(string districtId, string schoolId, CancellationToken cancellationToken);

    // Users.
    /// <summary>Adds one user (e.g. a district admin); throws DuplicateKeyException on a taken username or email.</summary>
    Task<long> AddUserAsync(NewUser user, CancellationToken cancellationToken);
    /// <summary>A user by username (case-insensitive), across districts, for sign-in.</summary>
    Task<UserAccount?> FindUserAsync(string username, CancellationToken cancellationToken);
    Task<UserAccount?> GetUserAsync(long userId, CancellationToken cancellationToken);
    /// <summary>Records a failed sign-in; returns the new failure count.</summary>
    Task<int> RecordFailedLoginAsync(long userId, DateTimeOffset? lockedUntil, CancellationToken cancellationToken);
    Task RecordSuccessfulLoginAsync(long userId, CancellationToken cancellationToken);
    Task<UserPage> ListUsersAsync(UserQuery query, CancellationToken cancellationToken);

    // API tokens: only a SHA-256 of the token is stored.
    Task AddTokenAsync(long userId, byte[] tokenHash, CancellationToken cancellationToken);
    Task<UserAccount?> FindUserByTokenAsync(byte[] tokenHash, CancellationToken cancellationToken);

    // Imports.
    Task CreateImportAsync(ImportRecord record, CancellationToken cancellationToken);
    /// <summary>An import of this district; another district's import is null, exactly as a missing one.</summary>
    Task<ImportRecord?> GetImportAsync(string districtId, Guid importId, CancellationToken cancellationToken);
    Task<IReadOnlyList<ImportRecord>> ListImportsAsync(string districtId, int limit, CancellationToken cancellationToken);
    /// <summary>Moves an import from one of <paramref name="from"/> to <paramref name="to"/>; false when it was in none of them.</summary>
    Task<bool> TryTransitionAsync(Guid importId, IReadOnlyCollection<string> from, string to, string? message, CancellationToken cancellationToken);
    Task UpdateProgressAsync(Guid importId, int rows, int processedRows, CancellationToken cancellationToken);
    /// <summary>Stores the outcome of validation: counts, errors (in order) and warnings, and the new status.</summary>
    Task CompleteValidationAsync(Guid importId, string status, int rows, IReadOnlyList<ImportIssue> errors, IReadOnlyList<ImportIssue> warnings, CancellationToken cancellationToken);
    Task<IReadOnlyList<ImportIssue>> GetImportErrorsAsync(Guid importId, int offset, int limit, CancellationToken cancellationToken);
    Task<IReadOnlyList<ImportIssue>> GetImportWarningsAsync(Guid importId, CancellationToken cancellationToken);
    /// <summary>Imports left running by a process that stopped: marks them failed or cancelled. Returns how many.</summary>
    Task<int> FailInterruptedImportsAsync(string message, CancellationToken cancellationToken);

    /// <summary>
    /// Writes every user of an import in one transaction: users, roles, school memberships and program access,
    /// then marks the import completed with its imported count. When any username or email is taken by then,
    /// nothing is written and the conflicts come back as <c>username.taken</c> / <c>email.taken</c> errors.
    /// </summary>
    Task<WriteResult> WriteImportAsync(ImportWrite write, IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken);
}

/// <summary>A user to create. <see cref="PasswordHash"/> is an encoded Argon2id hash, or null (SSO users).</summary>
public sealed record NewUser(
    string DistrictId,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    Grade? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> ProgramIds,
    string? PasswordHash,
    int? Row = null);

/// <summary>A stored user as sign-in and the pages need it.</summary>
public sealed record UserAccount(
    long Id,
    string DistrictId,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? PasswordHash,
    int FailedLogins,
    DateTimeOffset? LockedUntil)
{
    public bool IsDistrictAdmin => Roles.Contains(Core.Roles.DistrictAdmin);
}

/// <summary>A user as listed by <c>users list</c> and <c>GET /api/users</c>.</summary>
public sealed record UserSummary(
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    string? Grade,
    IReadOnlyList<string> SchoolIds,
    IReadOnlyList<string> Programs);

/// <summary>Filters of a user listing. <see cref="Type"/> is a role (student, teacher, school-admin, district-admin).</summary>
public sealed record UserQuery(string DistrictId, string? Type = null, string? SchoolId = null, string? Search = null, int Offset = 0, int Limit = 100);

public sealed record UserPage(IReadOnlyList<UserSummary> Users, int Total);

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
    string? Message = null);

/// <summary>The import that a write belongs to.</summary>
public sealed record ImportWrite(Guid ImportId, string DistrictId, string? ProgramId);

/// <summary>The outcome of <see cref="IRostraStore.WriteImportAsync"/>.</summary>
public sealed record WriteResult(bool Succeeded, int Imported, IReadOnlyList<ImportIssue> Errors);

/// <summary>An id, username, email or School ID that already exists.</summary>
public sealed class DuplicateKeyException(string message, Exception? inner = null) : Exception(message, inner);
