namespace Rostra.Storage;

/// <summary>
/// Everything Rostra keeps, with a SQLite and a PostgreSQL implementation. Callers take the part they use
/// (<see cref="IDirectoryStore"/>, <see cref="IImportStore"/>, <see cref="IJobStore"/>, <see cref="IRosterStore"/>,
/// <see cref="IKeyRingStore"/>, <see cref="ISignInStore"/>); this whole is what <see cref="StoreFactory"/> opens and disposes.
/// </summary>
public interface IRostraStore : IDirectoryStore, IImportStore, IImportErrorStore, IJobStore, IRosterStore, IKeyRingStore, ISignInStore, IAsyncDisposable
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    string Provider { get; }

    /// <summary>Brings the schema up to date; safe when several processes start at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>True when the database answers.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
