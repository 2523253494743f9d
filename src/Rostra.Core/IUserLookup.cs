namespace Rostra.Core;

/// <summary>
/// What validation asks of the platform: which of these usernames or emails already belong to a user.
/// Storage answers set-based, a batch at a time.
/// </summary>
public interface IUserLookup
{
    /// <summary>Returns those of <paramref name="lowercased"/> (already lower-cased) that are taken on the platform.</summary>
    Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken);

    /// <summary>Returns those of <paramref name="lowercased"/> (already lower-cased) that are taken on the platform.</summary>
    Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken);
}
