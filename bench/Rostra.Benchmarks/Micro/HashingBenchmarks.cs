using System.Text;
using BenchmarkDotNet.Attributes;
using Geralt;
using Rostra.Core.Passwords;

namespace Rostra.Benchmarks.Micro;

/// <summary>One Argon2id hash at production cost through <see cref="PasswordHasher"/>, against the raw libsodium call it wraps.</summary>
[MemoryDiagnoser]
public class HashingBenchmarks
{
    private const string Password = "Ms.Núñez-2024!";
    private readonly PasswordHasher _hasher = new(PasswordHashOptions.Default);
    private readonly byte[] _password = Encoding.UTF8.GetBytes(Password);
    private readonly char[] _hash = new char[Argon2id.HashSize];

    [Benchmark(Baseline = true)]
    public char Geralt_Argon2id()
    {
        Argon2id.ComputeHash(_hash, _password, PasswordHashOptions.Default.Iterations, PasswordHashOptions.Default.MemoryKiB * 1024);
        return _hash[0];
    }

    [Benchmark]
    public string PasswordHasher_hash() => _hasher.Hash(Password);
}
