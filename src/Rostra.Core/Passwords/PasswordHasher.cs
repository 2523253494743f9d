using System.Text;
using Geralt;

namespace Rostra.Core.Passwords;

/// <summary>
/// Argon2id parameters. The default is OWASP's minimum (m = 19 MiB, t = 2, p = 1); the encoded hash records them,
/// so they can be raised later and old hashes still verify. <see cref="Parallelism"/> is how many hashes run at once.
/// </summary>
public sealed record PasswordHashOptions
{
    public int Iterations { get; init; } = 2;
    public int MemoryKiB { get; init; } = 19 * 1024;
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>OWASP's minimum for Argon2id: what production uses.</summary>
    public static PasswordHashOptions Default { get; } = new();

    /// <summary>The cheapest parameters libsodium allows, for tests that are not about hashing.</summary>
    public static PasswordHashOptions Fast { get; } = new() { Iterations = 1, MemoryKiB = 8 };
}

/// <summary>Argon2id through libsodium (Geralt), in the self-describing <c>$argon2id$v=19$m=…,t=…,p=1$…</c> format.</summary>
public sealed class PasswordHasher(PasswordHashOptions options)
{
    public PasswordHashOptions Options { get; } = options;

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<char> hash = stackalloc char[Argon2id.HashSize];
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            Argon2id.ComputeHash(hash, bytes, Options.Iterations, Options.MemoryKiB * 1024);
        }
        finally
        {
            Array.Clear(bytes);
        }
        return new string(hash.TrimEnd('\0'));
    }

    public bool Verify(string encodedHash, string password)
    {
        if (string.IsNullOrEmpty(encodedHash) || password is null) return false;
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Argon2id.VerifyHash(encodedHash, bytes);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    /// <summary>True when a stored hash was made with weaker parameters than the current ones.</summary>
    public bool NeedsRehash(string encodedHash) => Argon2id.NeedsRehash(encodedHash, Options.Iterations, Options.MemoryKiB * 1024);

    /// <summary>
    /// Hashes the passwords of <paramref name="users"/> on every core (<see cref="PasswordHashOptions.Parallelism"/>
    /// at once) and yields each user with the hash of its plain password (null when it has none), in order. A sliding window
    /// keeps every core busy: a slow hash holds back only the yielding, never the other cores.
    /// </summary>
    public async IAsyncEnumerable<(NewUser User, string? Hash)> HashAllAsync(
        IAsyncEnumerable<NewUser> users,
        IProgress<int>? hashed,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parallelism = Math.Max(1, Options.Parallelism);
        var window = new Queue<Task<(NewUser, string?)>>();
        using var slots = new SemaphoreSlim(parallelism);
        var done = 0;
        try
        {
            await foreach (var user in users.WithCancellation(cancellationToken))
            {
                window.Enqueue(HashOneAsync(user, slots, cancellationToken));
                if (window.Count < parallelism * 8) continue;
                yield return await window.Dequeue();
                if (++done % 64 == 0) hashed?.Report(done);
            }
            while (window.Count > 0)
            {
                yield return await window.Dequeue();
                done++;
            }
            hashed?.Report(done);
        }
        finally
        {
            // Abandoned (cancelled or failed): let the hashes in flight finish before the semaphore goes.
            while (window.Count > 0)
            {
                try { await window.Dequeue(); }
                catch (OperationCanceledException) { }
            }
        }
    }

    private async Task<(NewUser, string?)> HashOneAsync(NewUser user, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        if (user.Password is not Secret.Plain plain) return (user, null);
        await slots.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => (user, (string?)Hash(plain.Text)), cancellationToken);
        }
        finally
        {
            slots.Release();
        }
    }
}
