using System.Security.Cryptography;
using System.Text;

namespace Rostra;

/// <summary>API tokens: random, shown once, stored only as their SHA-256.</summary>
public static class ApiTokens
{
    private const string Prefix = "rostra_";

    /// <summary>A new token and the hash to store.</summary>
    public static (string Token, byte[] Hash) Create()
    {
        var token = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, HashOf(token));
    }

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
