namespace Rostra.Storage;

/// <summary>A row's encoded password hash (null when the user has no password).</summary>
public readonly record struct RowHash(int Row, string? Hash);
