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

    /// <summary>
    /// The settings a command-line process reads, the same as a server on the same database would: <c>ROSTRA_KEYFILE</c>,
    /// <c>ROSTRA_KEYRINGKEY</c>, <c>ROSTRA_KEYRINGCERTIFICATE</c> and its password, else the key file beside <paramref name="dataDirectory"/>.
    /// </summary>
    public static KeyRingSettings FromEnvironment(string dataDirectory)
    {
        static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
        return new KeyRingSettings(
            Get("ROSTRA_KEYFILE") ?? DefaultKeyFile(Get("ROSTRA_DATADIRECTORY") ?? dataDirectory),
            Get("ROSTRA_KEYRINGKEY"),
            Get("ROSTRA_KEYRINGCERTIFICATE"),
            Get("ROSTRA_KEYRINGCERTIFICATEPASSWORD"));
    }
}
