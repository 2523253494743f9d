using System.Security.Cryptography;
using System.Text;

namespace Rostra.Web.Auth;

/// <summary>
/// API tokens for <c>Authorization: Bearer TOKEN</c>. The token is shown once; only its SHA-256 is stored
/// (a token is 256 random bits, so a fast hash is enough, unlike a password).
/// </summary>
public static class ApiTokens
{
    private const string Prefix = "rostra_";

    /// <summary>A new token and the hash to store with <c>IRostraStore.AddTokenAsync</c>.</summary>
    public static (string Token, byte[] Hash) Create()
    {
        var token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    /// <summary>The stored form of a token: SHA-256 of its UTF-8 bytes.</summary>
    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
