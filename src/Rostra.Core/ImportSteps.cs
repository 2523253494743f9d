namespace Rostra.Core;

/// <summary>
/// The steps an import goes through while it runs, as the API reports them (<c>step</c>), in order: the file is read
/// (bytes), its rows checked (rows), the valid rows prepared for hashing (rows), their passwords hashed (rows), and
/// the users saved in one final write (rows).
/// </summary>
public static class ImportSteps
{
    public const string Reading = "reading";
    public const string Checking = "checking";
    public const string Preparing = "preparing";
    public const string Hashing = "hashing";
    public const string Saving = "saving";

    private static readonly string[] Ordered = [Reading, Checking, Preparing, Hashing, Saving];

    public static IReadOnlyList<string> All => Ordered;

    /// <summary>The position of a step in <see cref="All"/>; -1 for none.</summary>
    public static int Order(string? step) => step is null ? -1 : Array.IndexOf(Ordered, step);
}
