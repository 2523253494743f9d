namespace Rostra.Core;

/// <summary>A tenant. Import exists only when <see cref="RosterSync"/> is <c>none</c>.</summary>
public sealed record District(string Id, string Name, string RosterSync = Core.RosterSync.None, string Sso = Core.Sso.None)
{
    public bool IsRosterSynced => !string.Equals(RosterSync, Core.RosterSync.None, StringComparison.Ordinal);
    public bool UsesGoogleSso => string.Equals(Sso, Core.Sso.Google, StringComparison.Ordinal);
}
