using Rostra.Core.Passwords;

namespace Rostra.Core.Tests;

public sealed class PasswordHasherTests
{
    private static readonly PasswordHasher Fast = new(PasswordHashOptions.Fast);

    [Fact]
    public void Verifies_the_password_it_hashed_and_nothing_else()
    {
        var hash = Fast.Hash("Secret#12");

        Assert.True(Fast.Verify(hash, "Secret#12"));
        Assert.False(Fast.Verify(hash, "secret#12"));
        Assert.False(Fast.Verify(hash, "Secret#12 "));
        Assert.False(Fast.Verify(hash, ""));
        Assert.DoesNotContain("Secret#12", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Salts_every_hash()
    {
        Assert.NotEqual(Fast.Hash("Secret#12"), Fast.Hash("Secret#12"));
    }

    [Fact]
    public void Hashes_non_ascii_passwords_by_their_utf8_bytes()
    {
        var hash = Fast.Hash("Contraseña#1😀");

        Assert.True(Fast.Verify(hash, "Contraseña#1😀"));
        Assert.False(Fast.Verify(hash, "Contrasena#1😀"));
    }

    [Fact]
    public void Uses_owasp_argon2id_parameters_by_default()
    {
        var hasher = new PasswordHasher(PasswordHashOptions.Default);

        var hash = hasher.Hash("Secret#12");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
        Assert.True(hasher.Verify(hash, "Secret#12"));
        Assert.False(hasher.NeedsRehash(hash));
    }

    [Fact]
    public void Asks_to_rehash_a_fast_hash_under_default_parameters()
    {
        var hash = Fast.Hash("Secret#12");

        Assert.True(new PasswordHasher(PasswordHashOptions.Default).NeedsRehash(hash));
        Assert.False(Fast.NeedsRehash(hash));
        // A hash keeps verifying under other options: the parameters travel with it.
        Assert.True(new PasswordHasher(PasswordHashOptions.Default).Verify(hash, "Secret#12"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$argon2id$v=19$m=8,t=1,p=1$")]
    public void Does_not_verify_against_something_that_is_not_a_hash(string encoded)
    {
        Assert.False(Fast.Verify(encoded, "Secret#12"));
    }

    [Fact]
    public async Task Hashes_every_user_in_order_and_none_without_a_password()
    {
        var users = Enumerable.Range(0, 70)
            .Select(i => new NewUser("lincoln", $"user{i}", "A", null, null, [Roles.Student], null, ["1001"], [], i % 3 == 0 ? null : new Secret.Plain($"Secret#{i}"), i + 2))
            .ToList();
        var progress = new List<int>();

        var hashed = new List<(NewUser User, string? Hash)>();
        await foreach (var item in Fast.HashAllAsync(users.ToAsyncEnumerable(), new SyncProgress(progress.Add), CancellationToken.None))
            hashed.Add(item);

        Assert.Equal(users, hashed.Select(h => h.User));
        Assert.All(hashed, h =>
        {
            if (h.User.Password is not Secret.Plain plain) Assert.Null(h.Hash);
            else Assert.True(Fast.Verify(h.Hash!, plain.Text));
        });
        Assert.Equal(70, progress[^1]);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
