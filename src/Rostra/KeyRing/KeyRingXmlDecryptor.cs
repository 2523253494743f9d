using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Rostra.KeyRing;

/// <summary>
/// Opens what <see cref="KeyRingXmlEncryptor"/> wrote. Data Protection creates it by type name with the app's services;
/// it refuses, with a message saying what to do, an element written with another key-ring key.
/// </summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var secret = services.GetService<KeyRingSecret>()
            ?? throw new CryptographicException("The key ring was encrypted with a key-ring key, and none is configured: give this server the key file or ROSTRA_KEYRINGKEY the other servers use.");
        var keyId = (string?)encryptedElement.Attribute("keyId");
        if (!string.Equals(keyId, secret.Id, StringComparison.Ordinal))
        {
            throw new CryptographicException(
                $"A key of the key ring was encrypted with another key-ring key ({keyId}) than this server's ({secret.Id}). " +
                "Every server of one database needs the same key file or ROSTRA_KEYRINGKEY.");
        }
        var nonce = Convert.FromBase64String((string?)encryptedElement.Element("nonce") ?? "");
        var tag = Convert.FromBase64String((string?)encryptedElement.Element("tag") ?? "");
        var cipher = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        if (nonce.Length != KeyRingXmlEncryptor.NonceBytes || tag.Length != KeyRingXmlEncryptor.TagBytes)
        {
            throw new CryptographicException("A key of the key ring is damaged.");
        }
        var plain = new byte[cipher.Length];
        try
        {
            using var aes = new AesGcm(secret.Key, KeyRingXmlEncryptor.TagBytes);
            aes.Decrypt(nonce, cipher, tag, plain, KeyRingXmlEncryptor.AssociatedData);
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
