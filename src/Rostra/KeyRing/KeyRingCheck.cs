using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Rostra.KeyRing;

/// <summary>
/// Before the server answers: every key of the ring must open with this server's key-ring key (else it refuses to start,
/// saying why, rather than failing sign-ins and imports later), and keys stored unencrypted by an earlier version are
/// revoked and replaced by a new, encrypted key. Whoever read the database before holds only revoked keys: their cookies
/// stop working (everyone signs in again) and a password staged under them can no longer be read (such an import fails
/// with a message saying to upload the file again).
/// </summary>
internal sealed class KeyRingCheck(IKeyManager keys, IOptions<KeyManagementOptions> options, TimeProvider time, ILogger<KeyRingCheck> logger) : IHostedService
{
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", "http://schemas.asp.net/2015/03/dataProtection");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var repository = options.Value.XmlRepository ?? throw new InvalidOperationException("The key ring has no repository.");
        var plain = PlaintextKeyIds(repository);
        var all = keys.GetAllKeys();
        var revoked = 0;
        foreach (var key in all.Where(k => !k.IsRevoked && plain.Contains(k.KeyId)))
        {
            keys.RevokeKey(key.KeyId, "Stored in the database without encryption; replaced by an encrypted key.");
            revoked++;
        }
        if (revoked > 0)
        {
            var now = time.GetUtcNow();
            keys.CreateNewKey(now, now.AddDays(90));
            logger.LogWarning("{Count} Data Protection key(s) stored without encryption were revoked and replaced by an encrypted key; everyone signs in again.", revoked);
        }
        foreach (var key in keys.GetAllKeys().Where(k => !k.IsRevoked))
        {
            try
            {
                _ = key.Descriptor;
            }
            catch (Exception e)
            {
                throw new InvalidOperationException(
                    $"Key {key.KeyId} of the key ring cannot be opened with this server's key-ring key: {e.Message} " +
                    "Give every server of this database the same key file (ROSTRA_KEYFILE), key (ROSTRA_KEYRINGKEY) or certificate (ROSTRA_KEYRINGCERTIFICATE).", e);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ids of the stored keys whose secret is in the clear (an earlier version stored them so).</summary>
    internal static HashSet<Guid> PlaintextKeyIds(IXmlRepository repository) =>
        [.. repository.GetAllElements()
            .Where(e => e.Name.LocalName == "key" && e.Descendants().Any(d => (string?)d.Attribute(RequiresEncryption) == "true"))
            .Select(e => Guid.TryParse((string?)e.Attribute("id"), out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)];
}
