using System.Security.Cryptography;

namespace Rostra.KeyRing;

/// <summary>
/// The 256-bit key that encrypts the Data Protection key ring before it is stored in the database. It never lives in
/// the database: it is read from a key file (created on first start, readable by its owner only) or given by the
/// operator from a secret manager or KMS (<c>ROSTRA_KEYRINGKEY</c>, base64).
/// </summary>
public sealed class KeyRingSecret
{
    private const int KeyBytes = 32;

    private KeyRingSecret(byte[] key)
    {
        Key = key;
        Id = Convert.ToHexStringLower(SHA256.HashData(key))[..16];
    }

    internal byte[] Key { get; }

    /// <summary>A fingerprint of the key (not the key): says which key encrypted a stored element.</summary>
    public string Id { get; }

    /// <summary>A key given as base64 (e.g. fetched from a KMS or a secret manager into the environment).</summary>
    public static KeyRingSecret FromBase64(string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("The key-ring key (ROSTRA_KEYRINGKEY) is not base64. Make one with: head -c 32 /dev/urandom | base64");
        }
        if (key.Length != KeyBytes)
        {
            throw new InvalidOperationException($"The key-ring key (ROSTRA_KEYRINGKEY) must be {KeyBytes} bytes; it is {key.Length}. Make one with: head -c 32 /dev/urandom | base64");
        }
        return new KeyRingSecret(key);
    }

    /// <summary>
    /// The key in <paramref name="path"/>; when the file does not exist, a new random key is written there first,
    /// readable and writable by its owner only (0600). Two processes starting at once end up with the same key.
    /// </summary>
    public static KeyRingSecret LoadOrCreate(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var key = RandomNumberGenerator.GetBytes(KeyBytes);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            // Written beside the final name, then moved: a process that starts at the same moment never reads half a key.
            var temporary = $"{full}.{Guid.NewGuid():N}.tmp";
            try
            {
                using (var file = new FileStream(temporary, options))
                using (var writer = new StreamWriter(file))
                {
                    writer.WriteLine(Convert.ToBase64String(key));
                }
                File.Move(temporary, full, overwrite: false);
            }
            catch (IOException) when (File.Exists(full))
            {
                // Another process wrote it first: use theirs.
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        var text = File.ReadAllText(full);
        try
        {
            return FromBase64(text);
        }
        catch (InvalidOperationException)
        {
            throw new InvalidOperationException($"The key file {full} does not hold a key-ring key (32 bytes in base64). Restore it from your backup of the key file.");
        }
    }
}
