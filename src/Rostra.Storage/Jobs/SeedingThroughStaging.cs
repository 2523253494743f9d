using Rostra.Core;

namespace Rostra.Storage;

/// <summary>
/// Test and benchmark seeding: users whose passwords are already hashed, written through the one write path — staged,
/// chunked, each chunk marked hashed with the given hashes, then the final write — without validating a file or
/// hashing anything. Not used by the product, which stages through the import engine.
/// </summary>
public static class SeedingThroughStaging
{
    private const int Batch = 5_000;

    /// <summary>Who holds the import while it is seeded.</summary>
    private const string Worker = "seeding";

    /// <summary>
    /// Writes <paramref name="users"/> into the import of <paramref name="write"/>, which must be <c>validating</c> (a new
    /// import, as an upload creates it), each user with a <see cref="Secret.Hash"/> or no password; row numbers are the
    /// users' <see cref="NewUser.Row"/>, else 2, 3, …. The result
    /// is the final write's; <paramref name="beforeCommit"/> runs inside it just before it commits.
    /// </summary>
    public static async Task<WriteResult> WriteAsync(
        IRostraStore store, ImportWrite write, IReadOnlyList<NewUser> users, CancellationToken cancellationToken,
        int chunkRows = 1_000, Func<CancellationToken, Task>? beforeCommit = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(users);
        var hashes = new Dictionary<int, string?>(users.Count);
        var batch = new List<(int ChunkNo, NewUser User)>(Math.Min(Batch, users.Count));
        for (var i = 0; i < users.Count; i++)
        {
            var u = users[i];
            var row = u.Row ?? i + 2;
            hashes[row] = u.Password switch
            {
                null => null,
                Secret.Hash h => h.Encoded,
                _ => throw new ArgumentException($"User {u.Username}: seeding takes hashed passwords only.", nameof(users)),
            };
            // The staged ciphertext is never read here: each chunk is marked hashed with the given hash.
            batch.Add((i / chunkRows, u with { Password = u.Password is null ? null : new Secret.Protected("seeded"), Row = row }));
            if (batch.Count < Batch) continue;
            await store.StageRowsAsync(write.ImportId, write.DistrictId, batch, cancellationToken);
            batch.Clear();
        }
        await store.StageRowsAsync(write.ImportId, write.DistrictId, batch, cancellationToken);
        if (!await store.CompleteStagingAsync(write.ImportId, users.Count, [], cancellationToken)
            || !await store.TryTransitionAsync(write.ImportId, [ImportStatus.Valid], ImportStatus.Importing, null, cancellationToken))
        {
            await store.PurgeStagedRowsAsync(write.ImportId, CancellationToken.None);
            return new WriteResult(false, 0, []);
        }
        var lease = TimeSpan.FromHours(1);
        while (await store.ClaimChunkOfAsync(write.ImportId, Worker, lease, cancellationToken) is { } chunk)
        {
            var rows = await store.GetChunkPasswordsAsync(chunk.ImportId, chunk.ChunkNo, cancellationToken);
            await store.SaveChunkHashesAsync(chunk.ImportId, chunk.ChunkNo, Worker, Worker, rows.Select(r => new RowHash(r.Row, hashes[r.Row])).ToList(), cancellationToken);
        }
        if (await store.ClaimFinalWriteOfAsync(write.ImportId, Worker, lease, cancellationToken) is null) return new WriteResult(false, 0, []);
        return await store.WriteStagedImportAsync(write, Worker, beforeCommit, cancellationToken);
    }
}
