using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Storage;

/// <summary>
/// Imports as the pages, the API and the command line see them: the record, its state, its errors, warnings and the
/// kept cells of its error report. An import of another district is never returned.
/// </summary>
public interface IImportStore
{
    Task CreateImportAsync(ImportRecord record, CancellationToken cancellationToken);

    /// <summary>An import of this district; another district's import is null, exactly as a missing one.</summary>
    Task<ImportRecord?> GetImportAsync(string districtId, Guid importId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ImportRecord>> ListImportsAsync(string districtId, int limit, CancellationToken cancellationToken);

    /// <summary>Moves an import from one of <paramref name="from"/> to <paramref name="to"/>; false when it was in none of them.</summary>
    Task<bool> TryTransitionAsync(Guid importId, IReadOnlyCollection<string> from, string to, string? message, CancellationToken cancellationToken);

    Task UpdateProgressAsync(Guid importId, int rows, int processedRows, CancellationToken cancellationToken);

    /// <summary>
    /// Records the step a running (<c>validating</c> or <c>importing</c>) import is in and how far it is, for every node
    /// to show; null clears it. Nothing happens once the import is in another state.
    /// </summary>
    Task SaveStepAsync(Guid importId, ImportStepProgress? step, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the outcome of validation: counts, errors (in order) and warnings, and the new status — only while the import
    /// is still validating or importing (a cancel is never overwritten). <paramref name="errors"/> are the errors kept in
    /// detail; <paramref name="counts"/> the count of every code and column of all errors (from <paramref name="errors"/>
    /// when null). The import's error count is the sum of the counts.
    /// </summary>
    Task CompleteValidationAsync(Guid importId, string status, int rows, IReadOnlyList<ImportIssue> errors, IReadOnlyList<ImportIssue> warnings, CancellationToken cancellationToken, IReadOnlyList<ErrorCount>? counts = null);

    Task<IReadOnlyList<ImportIssue>> GetImportWarningsAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>Imports left running by a process that stopped: marks them failed or cancelled. Returns how many.</summary>
    Task<int> FailInterruptedImportsAsync(string message, CancellationToken cancellationToken);

    /// <summary>Staged rows of an import by row number, without passwords or programs, e.g. to report the rows of a failed confirm.</summary>
    Task<IReadOnlyList<NewUser>> GetStagedRowsAsync(Guid importId, IReadOnlyCollection<int> rows, CancellationToken cancellationToken);

    /// <summary>Deletes the staged rows (and so every protected password) of one import.</summary>
    Task PurgeStagedRowsAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>The hashing chunks of an import with who hashed each, in order.</summary>
    Task<IReadOnlyList<ChunkInfo>> GetImportChunksAsync(Guid importId, CancellationToken cancellationToken);
}
