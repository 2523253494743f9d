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
    /// Hashes the passwords of <paramref name="users"/> on every core (<see cref="PasswordHashOptions.Parallelism"/>),
    /// a batch at a time, and yields each user with its hash (null when the user has no password) in order.
    /// </summary>
    public async IAsyncEnumerable<(ImportedUser User, string? Hash)> HashAllAsync(
        IAsyncEnumerable<ImportedUser> users,
        IProgress<int>? hashed,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batchSize = Math.Max(64, Options.Parallelism * 32);
        var batch = new List<ImportedUser>(batchSize);
        var done = 0;
        await foreach (var user in users.WithCancellation(cancellationToken))
        {
            batch.Add(user);
            if (batch.Count < batchSize) continue;
            foreach (var item in await HashBatchAsync(batch, cancellationToken)) yield return item;
            done += batch.Count;
            hashed?.Report(done);
            batch.Clear();
        }
        if (batch.Count > 0)
        {
            foreach (var item in await HashBatchAsync(batch, cancellationToken)) yield return item;
            done += batch.Count;
            hashed?.Report(done);
        }
    }

    private async Task<(ImportedUser, string?)[]> HashBatchAsync(List<ImportedUser> batch, CancellationToken cancellationToken)
    {
        var result = new (ImportedUser, string?)[batch.Count];
        await Parallel.ForAsync(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.Parallelism, CancellationToken = cancellationToken },
            (i, _) =>
            {
                var user = batch[i];
                result[i] = (user, user.Password is null ? null : Hash(user.Password));
                return ValueTask.CompletedTask;
            });
        return result;
    }
}
