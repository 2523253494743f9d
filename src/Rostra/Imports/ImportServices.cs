using Rostra.Core;
using Rostra.Core.Import;
using Rostra.Core.Passwords;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Imports;

/// <summary>Builds what a file is validated against from the store.</summary>
public static class ValidationContexts
{
    public static async Task<ValidationContext> CreateAsync(
        IRostraStore store, District district, UserType type, ImportLimits limits, CancellationToken cancellationToken)
    {
        var schools = await store.ListSchoolsAsync(district.Id, cancellationToken);
        return new ValidationContext(district, type, schools, store, limits);
    }
}

/// <summary>
/// The import of a file that validated clean: read its users again, hash their passwords on every core,
/// and write them all in one transaction. Shared by the command line and the web app.
/// </summary>
public sealed class UserImporter(IRostraStore store, PasswordHasher hasher)
{
    public async Task<WriteResult> ImportAsync(
        ImportWrite write, Stream file, ValidationContext context, IProgress<int>? usersHashed, CancellationToken cancellationToken)
    {
        var programs = write.ProgramId is null ? Array.Empty<string>() : [write.ProgramId];
        var users = FileValidator.ReadUsersAsync(file, context, cancellationToken);
        return await store.WriteImportAsync(write, ToNewUsers(hasher.HashAllAsync(users, usersHashed, cancellationToken)), cancellationToken);

        async IAsyncEnumerable<NewUser> ToNewUsers(IAsyncEnumerable<(ImportedUser User, string? Hash)> hashed)
        {
            await foreach (var (user, hash) in hashed)
            {
                yield return new NewUser(
                    write.DistrictId, user.Username, user.FirstName, user.LastName, user.Email, user.Roles, user.Grade,
                    user.SchoolIds, programs, hash, user.Row);
            }
        }
    }
}

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

    /// <summary>
    /// File limits: <c>ROSTRA_MAX_FILE_BYTES</c>, <c>ROSTRA_MAX_ROWS</c> and <c>ROSTRA_MAX_ERRORS</c> (errors kept in detail);
    /// 100 MiB, 1,000,000 rows and 100,000 errors when unset.
    /// </summary>
    public static ImportLimits Limits(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        var limits = new ImportLimits();
        if (long.TryParse(get("ROSTRA_MAX_FILE_BYTES"), out var bytes) && bytes > 0) limits = limits with { MaxFileBytes = bytes };
        if (int.TryParse(get("ROSTRA_MAX_ROWS"), out var rows) && rows > 0) limits = limits with { MaxRows = rows };
        if (int.TryParse(get("ROSTRA_MAX_ERRORS"), out var errors) && errors > 0) limits = limits with { MaxDetailedErrors = errors };
        return limits;
    }
}
