using Rostra.Core;

namespace Rostra.Benchmarks.Micro;

/// <summary>The platform's users as two in-memory sets: validation's look-ups without a database, for micro benchmarks.</summary>
internal sealed class InMemoryUsers(IEnumerable<string> usernames, IEnumerable<string> emails) : IUserLookup
{
    private readonly HashSet<string> _usernames = usernames.Select(u => u.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    private readonly HashSet<string> _emails = emails.Select(e => e.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    public Task<IReadOnlySet<string>> FindTakenUsernamesAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(lowercased.Where(_usernames.Contains).ToHashSet(StringComparer.Ordinal));

    public Task<IReadOnlySet<string>> FindTakenEmailsAsync(IReadOnlyCollection<string> lowercased, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(lowercased.Where(_emails.Contains).ToHashSet(StringComparer.Ordinal));
}
