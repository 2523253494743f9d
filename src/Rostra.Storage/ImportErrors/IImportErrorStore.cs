using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra.Storage;

/// <summary>
/// The errors of imports as validation keeps them and the error list, its summary and the reports read them: the first errors in detail (in row
/// order), the count of every code and column, and their deletion after the retention period.
/// </summary>
public interface IImportErrorStore
{
    /// <summary>A page of the kept errors in order, unfiltered (the command line prints them).</summary>
    Task<IReadOnlyList<ImportIssue>> GetImportErrorsAsync(Guid importId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Keeps the file's header and the cells of rows with errors (Password already blanked) for the error report.</summary>
    Task SaveErrorRowsAsync(Guid importId, IReadOnlyList<string> header, IReadOnlyList<ErrorRow> rows, CancellationToken cancellationToken);

    /// <summary>The header cells of the import's file as written, null when not kept.</summary>
    Task<IReadOnlyList<string>?> GetImportHeaderAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>The kept cells of the rows with errors, in row order, streamed.</summary>
    IAsyncEnumerable<ErrorRow> ReadErrorRowsAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>The kept errors of an import in order, optionally only of one code and/or column, streamed.</summary>
    IAsyncEnumerable<ImportIssue> ReadImportErrorsAsync(Guid importId, ErrorFilter filter, CancellationToken cancellationToken);

    /// <summary>A page of the kept errors that match <paramref name="filter"/>, and how many kept errors match it.</summary>
    Task<KeptErrorPage> GetImportErrorPageAsync(Guid importId, ErrorFilter filter, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>How many errors of each code and column the import had (all of them, kept in detail or not).</summary>
    Task<IReadOnlyList<ErrorCount>> GetErrorCountsAsync(Guid importId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the detailed errors, kept cells and header of imports that ended (not validating, valid or importing)
    /// before <paramref name="before"/>; their counts stay. Returns how many imports lost their details.
    /// </summary>
    Task<int> DeleteOldErrorsAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>Which errors: one code and/or one column (null: any). A column of "" means errors about no column.</summary>
public readonly record struct ErrorFilter(string? Code = null, string? Column = null)
{
    public static ErrorFilter All => default;
}

/// <summary>A page of kept errors and how many kept errors match the filter.</summary>
public sealed record KeptErrorPage(IReadOnlyList<ImportIssue> Items, int Kept);
