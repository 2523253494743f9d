using Rostra.Core;

namespace Rostra.Storage;

/// <summary>
/// What the import engine claims and runs: rows staged in the database, passwords hashed chunk by chunk by any node,
/// then one all-or-nothing write. A worker is named by a claim token (node id plus a per-process part) and holds what
/// it claimed until its lease runs out; a lease in the past is taken over.
/// </summary>
public interface IJobStore
{
    /// <summary>
    /// Claims (or renews the claim of) an import that is not final for <paramref name="worker"/> until
    /// <paramref name="leaseUntil"/>. False when it ended (e.g. cancelled) or another live worker holds it.
    /// </summary>
    Task<bool> RenewImportLeaseAsync(Guid importId, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Renews, in one statement, the leases <paramref name="worker"/> holds on imports still <c>validating</c> (uploads this
    /// node received that wait for a validation slot, and the one a validation runs), so waiting never looks like a dead
    /// node, and an import that became valid is never taken by a late beat. Returns how many were renewed.
    /// </summary>
    Task<int> RenewImportLeasesAsync(IReadOnlyCollection<Guid> importIds, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a batch of valid rows of a <c>validating</c> import, each with the chunk it is hashed in. A row's password is
    /// <see cref="Secret.Protected"/> or none: staging refuses any other form.
    /// </summary>
    Task StageRowsAsync(Guid importId, string districtId, IReadOnlyList<(int ChunkNo, NewUser User)> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the validation of a file with no errors: splits the staged rows into their chunks (pending), records
    /// the row count and warnings, releases the claim and moves <c>validating</c> → <c>valid</c>. False (and nothing
    /// changed) when the import is no longer validating.
    /// </summary>
    Task<bool> CompleteStagingAsync(Guid importId, int rows, IReadOnlyList<ImportIssue> warnings, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the next chunk to hash: pending, or claimed with a lapsed lease, of an import that is <c>valid</c> or
    /// <c>importing</c>. Confirmed imports first; among the confirmed, then among the unconfirmed, the district with
    /// the fewest chunks in flight, then the import with the fewest, then the oldest import. PostgreSQL:
    /// <c>FOR UPDATE SKIP LOCKED</c>. Null when none.
    /// </summary>
    Task<ChunkClaim?> ClaimChunkAsync(string worker, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>As <see cref="ClaimChunkAsync"/>, only among the chunks of <paramref name="importId"/> (a command-line import hashes its own).</summary>
    Task<ChunkClaim?> ClaimChunkOfAsync(Guid importId, string worker, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease of a chunk this worker holds; false when it lost it or the import ended.</summary>
    Task<bool> RenewChunkLeaseAsync(Guid importId, int chunkNo, string worker, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Records how many passwords of a chunk this worker has hashed so far, while it holds the chunk.</summary>
    Task SaveChunkProgressAsync(Guid importId, int chunkNo, string worker, int doneRows, CancellationToken cancellationToken);

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
    /// As <see cref="ClaimFinalWriteAsync"/>, only <paramref name="importId"/>, and also when <paramref name="worker"/> already holds it
    /// (a command-line import holds its import from start to end).
    /// </summary>
    Task<ImportRecord?> ClaimFinalWriteOfAsync(Guid importId, string worker, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Imports not ended whose claim starts with <paramref name="claimPrefix"/> and whose lease lapsed (the process that ran
    /// them, e.g. a <c>rostra import</c>, is gone): they become <c>failed</c> with <paramref name="message"/>. Returns how many.
    /// </summary>
    Task<int> FailAbandonedImportsAsync(string claimPrefix, string message, CancellationToken cancellationToken);

    /// <summary>
    /// The final write of an import, the one way users are written from an import: every staged row becomes a user
    /// (with its roles, schools and the import's program) in one transaction, and the import completes with its count;
    /// when any username or email is taken by then, nothing is written and the conflicts come back as
    /// <c>username.taken</c> / <c>email.taken</c> errors. The staged rows are deleted. Only while
    /// <paramref name="worker"/> holds the import and it is still <c>importing</c> with every chunk hashed; otherwise
    /// nothing happens (<see cref="WriteResult.Succeeded"/> false, no errors). <paramref name="beforeCommit"/> runs
    /// inside the transaction just before it commits (tests use it to stop a node there).
    /// </summary>
    Task<WriteResult> WriteStagedImportAsync(ImportWrite write, string worker, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken);

    /// <summary>
    /// Housekeeping any node may run: imports still <c>validating</c> whose lease lapsed (their node died) become
    /// <c>failed</c> with <paramref name="staleValidationMessage"/>; <c>valid</c> imports not confirmed since
    /// <paramref name="validExpiry"/> ago become <c>cancelled</c> with <paramref name="expiredMessage"/>; staged rows of
    /// every ended import are deleted.
    /// </summary>
    Task<HousekeepingResult> HousekeepAsync(string staleValidationMessage, TimeSpan validExpiry, string expiredMessage, CancellationToken cancellationToken);
}
