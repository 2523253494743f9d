namespace Rostra.Storage;

public sealed record UserPage(IReadOnlyList<UserSummary> Users, int Total);
