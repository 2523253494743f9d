namespace Rostra.Storage;

/// <summary>An id, username, email or School ID that already exists.</summary>
public sealed class DuplicateKeyException(string message, Exception? inner = null) : Exception(message, inner);
