using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Rostra.Storage;

namespace Rostra.KeyRing;

/// <summary>
/// The Data Protection key ring in the database (<c>data_protection_keys</c>), so every node reads the same keys:
/// a sign-in cookie issued by one node is read by another, and a password protected on one node is hashed on another.
/// Data Protection calls this rarely (it caches the ring), so blocking on the store is acceptable here.
/// </summary>
public sealed class DatabaseXmlRepository(IKeyRingStore store) : IXmlRepository
{
    // On the thread pool (Task.Run): a caller on the few background threads must not wait for its own threads.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        Task.Run(() => store.GetDataProtectionKeysAsync(CancellationToken.None)).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        try
        {
            var xml = element.ToString(SaveOptions.DisableFormatting);
            Task.Run(() => store.StoreDataProtectionKeyAsync(friendlyName, xml, CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (DuplicateKeyException) when (friendlyName.StartsWith("revocation-", StringComparison.Ordinal))
        {
            // Two nodes starting at once revoked the same key: once is enough.
        }
    }
}
