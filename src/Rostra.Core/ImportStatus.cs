namespace Rostra.Core;

/// <summary>The states of an import, as the API reports them.</summary>
public static class ImportStatus
{
    public const string Validating = "validating";
    public const string Invalid = "invalid";
    public const string Valid = "valid";
    public const string Importing = "importing";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Validating, Invalid, Valid, Importing, Completed, Cancelled, Failed];

    /// <summary>States an import never leaves.</summary>
    public static bool IsFinal(string status) => status is Invalid or Completed or Cancelled or Failed;
}
