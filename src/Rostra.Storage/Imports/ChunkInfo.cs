namespace Rostra.Storage;

/// <summary>
/// A chunk of an import and its state; <see cref="HashedBy"/> is the node that hashed it, <see cref="DoneRows"/> the
/// passwords its current holder has hashed so far.
/// </summary>
public sealed record ChunkInfo(int ChunkNo, int FirstRow, int LastRow, int Rows, string Status, string? ClaimedBy, string? HashedBy, DateTimeOffset? HashedAt, int DoneRows = 0);
