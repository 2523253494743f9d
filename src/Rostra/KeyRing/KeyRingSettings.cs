namespace Rostra.KeyRing;

/// <summary>
/// How the key ring is protected at rest, first match wins: a certificate (<c>ROSTRA_KEYRINGCERTIFICATE</c>, a PKCS#12
/// file, with <c>ROSTRA_KEYRINGCERTIFICATEPASSWORD</c>), a key from a KMS or secret manager (<c>ROSTRA_KEYRINGKEY</c>,
/// base64 of 32 bytes), else a key file (<c>ROSTRA_KEYFILE</c>; by default beside the data folder).
/// </summary>
public sealed record KeyRingSettings(string KeyFile, string? Key = null, string? Certificate = null, string? CertificatePassword = null)
{
    /// <summary>The default key file of a data folder: beside it, named after it (<c>data</c> → <c>data.key</c>).</summary>
    public static string DefaultKeyFile(string dataDirectory) =>
        Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + ".key";
}
