namespace Rostra.Core;

/// <summary>
/// A user's password in the one form each step may hold: <see cref="Plain"/> as the file gave it (in memory only,
/// between reading a row and protecting it; never stored, never printed), <see cref="Protected"/> as Data Protection
/// ciphertext while staged, <see cref="Hash"/> as an encoded Argon2id hash when written. A user without a password
/// (SSO, or a blank cell that keeps an existing user's) has no <see cref="Secret"/> at all.
/// </summary>
public abstract record Secret
{
    private Secret()
    {
    }

    /// <summary>The password as written in the file. Its text never appears in <see cref="ToString"/>.</summary>
    public sealed record Plain(string Text) : Secret
    {
        public override string ToString() => "Plain { Text = *** }";
    }

    /// <summary>The password as Data Protection ciphertext, for one import's purpose.</summary>
    public sealed record Protected(string Ciphertext) : Secret;

    /// <summary>The password as an encoded Argon2id hash.</summary>
    public sealed record Hash(string Encoded) : Secret;
}
