namespace Rostra.Storage;

/// <summary>A row's protected password (null when the user has none).</summary>
public readonly record struct StagedPassword(int Row, string? PasswordProtected);
