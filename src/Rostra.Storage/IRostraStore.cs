using Rostra.Core;
using Rostra.Core.Import;
using Rostra.Core.Roster;
using Rostra.Core.Validation;

namespace Rostra.Storage;

/// <summary>
/// Everything Rostra keeps, behind one interface with a SQLite and a PostgreSQL implementation.
/// Every query about users, schools, programs and imports is scoped by district id.
/// </summary>
public interface IRostraStore : IUserLookup, IRosterStore, IImportErrorStore, IAsyncDisposable
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
    /// <summary>
    /// Stores the outcome of validation: counts, errors (in order) and warnings, and the new status — only while the import
    /// is still validating or importing (a cancel is never overwritten). <paramref name="errors"/> are the errors kept in
    /// detail; <paramref name="counts"/> the count of every code and column of all errors (from <paramref name="errors"/>
    /// when null). The import's error count is the sum of the counts.
    /// </summary>
    Task CompleteValidationAsync(Guid importId, string status, int rows, IReadOnlyList<ImportIssue> errors, IReadOnlyList<ImportIssue> warnings, CancellationToken cancellationToken, IReadOnlyList<ErrorCount>? counts = null);
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

    // Imports as durable jobs: rows staged in the database, passwords hashed chunk by chunk by any node,
    // then one all-or-nothing write. A worker is named by a claim token (node id plus a per-process part)
    // and holds what it claimed until its lease runs out; a lease in the past is taken over.

    /// <summary>
    /// Claims (or renews the claim of) an import that is not final for <paramref name="worker"/> until
    /// <paramref name="leaseUntil"/>. False when it ended (e.g. cancelled) or another live worker holds it.
    /// </summary>
    Task<bool> RenewImportLeaseAsync(Guid importId, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Adds a batch of valid rows of a <c>validating</c> import, with their protected passwords.</summary>
    Task StageRowsAsync(Guid importId, string districtId, IReadOnlyList<StagedRow> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the validation of a file with no errors: splits the staged rows into their chunks (pending), records
    /// the row count and warnings, releases the claim and moves <c>validating</c> → <c>valid</c>. False (and nothing
    /// changed) when the import is no longer validating.
    /// </summary>
    Task<bool> CompleteStagingAsync(Guid importId, int rows, IReadOnlyList<ImportIssue> warnings, CancellationToken cancellationToken);

    /// <summary>Keeps the file's header and the cells of rows with errors (Password already blanked) for the error report.</summary>
    Task SaveErrorRowsAsync(Guid importId, IReadOnlyList<string> header, IReadOnlyList<ErrorRow> rows, CancellationToken cancellationToken);

    /// <summary>The header cells of the import's file as written, null when not kept.</summary>
    Task<IReadOnlyList<string>?> GetImportHeaderAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>The kept cells of the rows with errors, in row order, streamed.</summary>
    IAsyncEnumerable<ErrorRow> ReadErrorRowsAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the next chunk to hash: pending, or claimed with a lapsed lease, of an import that is <c>valid</c> or
    /// <c>importing</c> (confirmed imports first, then the oldest). PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>. Null when none.
    /// </summary>
    Task<ChunkClaim?> ClaimChunkAsync(string worker, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease of a chunk this worker holds; false when it lost it or the import ended.</summary>
    Task<bool> RenewChunkLeaseAsync(Guid importId, int chunkNo, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>The rows of one chunk with their protected passwords, in row order.</summary>
    Task<IReadOnlyList<StagedPassword>> GetChunkPasswordsAsync(Guid importId, int chunkNo, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the hashes of a chunk, erases its protected passwords and marks it hashed by <paramref name="node"/>, in one
    /// transaction, only while <paramref name="worker"/> still holds the chunk and the import is <c>valid</c> or <c>importing</c>.
    /// </summary>
    Task<bool> SaveChunkHashesAsync(Guid importId, int chunkNo, string worker, string node, IReadOnlyList<RowHash> hashes, CancellationToken cancellationToken);

    /// <summary>
    /// Claims a confirmed (<c>importing</c>) durable import whose chunks are all hashed and that no live worker
    /// holds, for its final write. Null when none.
    /// </summary>
    Task<ImportRecord?> ClaimFinalWriteAsync(string worker, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// The final write of a durable import: every staged row becomes a user in one transaction, with the same
    /// conflict check as <see cref="WriteImportAsync"/>, and the staged rows are deleted. Only while
    /// <paramref name="worker"/> holds the import and it is still <c>importing</c> with every chunk hashed; otherwise
    /// nothing happens (<see cref="WriteResult.Succeeded"/> false, no errors). <paramref name="beforeCommit"/> runs
    /// inside the transaction just before it commits (tests use it to stop a node there).
    /// </summary>
    Task<WriteResult> WriteStagedImportAsync(ImportWrite write, string worker, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken);

    /// <summary>Staged rows of an import by row number (no passwords), e.g. to report the rows of a failed confirm.</summary>
    Task<IReadOnlyList<StagedRow>> GetStagedRowsAsync(Guid importId, IReadOnlyCollection<int> rows, CancellationToken cancellationToken);

    /// <summary>Deletes the staged rows (and so every protected password) of one import.</summary>
    Task PurgeStagedRowsAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>
    /// Housekeeping any node may run: imports still <c>validating</c> whose lease lapsed (their node died) become
    /// <c>failed</c> with <paramref name="staleValidationMessage"/>; <c>valid</c> imports not confirmed since
    /// <paramref name="validExpiry"/> ago become <c>cancelled</c> with <paramref name="expiredMessage"/>; staged rows of
    /// every ended import are deleted.
    /// </summary>
    Task<HousekeepingResult> HousekeepAsync(string staleValidationMessage, TimeSpan validExpiry, string expiredMessage, CancellationToken cancellationToken);

    /// <summary>The hashing chunks of an import with who hashed each, in order.</summary>
    Task<IReadOnlyList<ChunkInfo>> GetImportChunksAsync(Guid importId, CancellationToken cancellationToken);

    // The Data Protection key ring, shared by every node.
    Task<IReadOnlyList<string>> GetDataProtectionKeysAsync(CancellationToken cancellationToken);
    Task StoreDataProtectionKeyAsync(string friendlyName, string xml, CancellationToken cancellationToken);
}

/// <summary>
/// A valid row waiting for the final write. <see cref="PasswordProtected"/> is Data Protection ciphertext (null for SSO
/// users and once hashed); <see cref="Roles"/> and <see cref="SchoolIds"/> as on the user.
/// </summary>
public sealed record StagedRow(
    int Row,
    int ChunkNo,
    string Username,
    string FirstName,
    string? LastName,
    string? Email,
    IReadOnlyList<string> Roles,
    Grade? Grade,
    IReadOnlyList<string> SchoolIds,
    string? PasswordProtected);

/// <summary>A row's protected password (null when the user has none).</summary>
public readonly record struct StagedPassword(int Row, string? PasswordProtected);

/// <summary>A row's encoded password hash (null when the user has no password).</summary>
public readonly record struct RowHash(int Row, string? Hash);

/// <summary>A chunk a worker holds.</summary>
public sealed record ChunkClaim(Guid ImportId, string DistrictId, int ChunkNo, int Rows, DateTimeOffset LeaseUntil);

/// <summary>A chunk of an import and its state; <see cref="HashedBy"/> is the node that hashed it.</summary>
public sealed record ChunkInfo(int ChunkNo, int FirstRow, int LastRow, int Rows, string Status, string? ClaimedBy, string? HashedBy, DateTimeOffset? HashedAt);

/// <summary>A row of the uploaded file that has errors: its cells as written, Password blanked.</summary>
public sealed record ErrorRow(int Row, IReadOnlyList<string?> Cells);

/// <summary>What <see cref="IRostraStore.HousekeepAsync"/> did.</summary>
public sealed record HousekeepingResult(int FailedValidations, int ExpiredImports, int PurgedRows);

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
    DateTimeOffset? LockedUntil,
    bool Active = true)
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
    IReadOnlyList<string> Programs,
    bool Active = true);

/// <summary>Filters of a user listing. <see cref="Type"/> is a role (student, teacher, school-admin, district-admin).
/// <see cref="Active"/>: only active (true) or only deactivated (false) users; null for both.</summary>
public sealed record UserQuery(string DistrictId, string? Type = null, string? SchoolId = null, string? Search = null, int Offset = 0, int Limit = 100, bool? Active = null);

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
    string? Message = null,
    int HashedRows = 0,
    int? Chunks = null,
    ImportMode Mode = ImportMode.Create,
    RosterPlan? Plan = null,
    DateTimeOffset? CompletedAt = null,
    DateTimeOffset? RevertedAt = null);

/// <summary>The import that a write belongs to.</summary>
public sealed record ImportWrite(Guid ImportId, string DistrictId, string? ProgramId);

/// <summary>The outcome of <see cref="IRostraStore.WriteImportAsync"/>.</summary>
public sealed record WriteResult(bool Succeeded, int Imported, IReadOnlyList<ImportIssue> Errors);

/// <summary>An id, username, email or School ID that already exists.</summary>
public sealed class DuplicateKeyException(string message, Exception? inner = null) : Exception(message, inner);
