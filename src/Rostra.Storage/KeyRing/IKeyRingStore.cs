namespace Rostra.Storage;

/// <summary>The Data Protection key ring, shared by every node.</summary>
public interface IKeyRingStore
{
    Task<IReadOnlyList<string>> GetDataProtectionKeysAsync(CancellationToken cancellationToken);

    Task StoreDataProtectionKeyAsync(string friendlyName, string xml, CancellationToken cancellationToken);
}
