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
    public IReadOnlyCollection<XElement> GetAllElements() =>
        store.GetDataProtectionKeysAsync(CancellationToken.None).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        store.StoreDataProtectionKeyAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting), CancellationToken.None).GetAwaiter().GetResult();
}
