using Rostra.Core.Passwords;
using Rostra.Core;
using Rostra.Core.Validation;

namespace Rostra;

/// <summary>Hashing and limits come from configuration: environment variables, so the CLI and the server agree.</summary>
public static class RostraSettings
{
    /// <summary>
    /// Argon2id parameters: <c>ROSTRA_HASH_ITERATIONS</c>, <c>ROSTRA_HASH_MEMORY_KIB</c>, <c>ROSTRA_HASH_PARALLELISM</c>;
    /// OWASP's minimum when unset.
    /// </summary>
    public static PasswordHashOptions HashOptions(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        var options = PasswordHashOptions.Default;
        if (int.TryParse(get("ROSTRA_HASH_ITERATIONS"), out var t) && t > 0) options = options with { Iterations = t };
        if (int.TryParse(get("ROSTRA_HASH_MEMORY_KIB"), out var m) && m >= 8) options = options with { MemoryKiB = m };
        if (int.TryParse(get("ROSTRA_HASH_PARALLELISM"), out var p) && p > 0) options = options with { Parallelism = p };
        return options;
    }

    /// <summary>File limits: <c>ROSTRA_MAX_FILE_BYTES</c> and <c>ROSTRA_MAX_ROWS</c>; 100 MiB and 1,000,000 rows when unset.</summary>
    public static ImportLimits Limits(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        var limits = new ImportLimits();
        if (long.TryParse(get("ROSTRA_MAX_FILE_BYTES"), out var bytes) && bytes > 0) limits = limits with { MaxFileBytes = bytes };
        if (int.TryParse(get("ROSTRA_MAX_ROWS"), out var rows) && rows > 0) limits = limits with { MaxRows = rows };
        // Errors kept in detail per import; every error is counted by code and column whatever this is.
        if (int.TryParse(get("ROSTRA_MAX_ERRORS"), out var errors) && errors > 0) limits = limits with { MaxDetailedErrors = errors };
        return limits;
    }
}
