using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Rostra.KeyRing;

/// <summary>
/// Encrypts each Data Protection key's secret with the <see cref="KeyRingSecret"/> (AES-256-GCM) before the key ring
/// stores it, so the database alone (or a backup of it) opens no sign-in cookie and no staged password.
/// </summary>
public sealed class KeyRingXmlEncryptor(KeyRingSecret secret) : IXmlEncryptor
{
    internal const string ElementName = "rostraEncryptedKey";
    internal const int NonceBytes = 12;
    internal const int TagBytes = 16;

    /// <summary>Binds a ciphertext to its purpose: it decrypts only as a Rostra key-ring element.</summary>
    internal static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("Rostra.KeyRing.v1");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagBytes];
        try
        {
            using var aes = new AesGcm(secret.Key, TagBytes);
            aes.Encrypt(nonce, plain, cipher, tag, AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
        var element = new XElement(ElementName,
            new XAttribute("keyId", secret.Id),
            new XComment(" Encrypted with the key-ring key (key file or ROSTRA_KEYRINGKEY), which is not in the database. "),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(cipher)));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }
}
