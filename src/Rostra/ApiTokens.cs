using System.Security.Cryptography;
using System.Text;
using Rostra.Core;
using Rostra.Storage;

namespace Rostra;

/// <summary>API tokens: random, shown once, stored only as their SHA-256, only for district admins.</summary>
public static class ApiTokens
{
    private const string Prefix = "rostra_";

    /// <summary>The longest name a token may be given.</summary>
    public const int MaxNameLength = 100;

    /// <summary>A new token and the hash to store.</summary>
    public static (string Token, byte[] Hash) Create()
    {
        var token = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, HashOf(token));
    }

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// Why <paramref name="account"/> may not have a token, or null when it may: tokens act for a script with the API's
    /// rights, which only district admins have.
    /// </summary>
    public static string? Refusal(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.IsDistrictAdmin)
        {
            return null;
        }
        var role = account.Roles.Contains(Roles.Student) ? "a student"
            : account.Roles.Contains(Roles.Teacher) ? "a teacher"
            : account.Roles.Contains(Roles.SchoolAdmin) ? "a school admin"
            : "not a district admin";
        return $"Only district admins can have API tokens; {account.Username} is {role}.";
    }

    /// <summary>A token's name as given, trimmed; null (with <paramref name="problem"/>) when it cannot be used.</summary>
    public static string? CleanName(string? name, out string? problem)
    {
        var clean = new string([.. (name ?? "").Where(c => !char.IsControl(c))]).Trim();
        problem = clean.Length == 0 ? "Give the token a name that says what uses it, e.g. \"nightly SIS export\"."
            : clean.Length > MaxNameLength ? $"A token's name can be at most {MaxNameLength} characters."
            : null;
        return problem is null ? clean : null;
    }
}
