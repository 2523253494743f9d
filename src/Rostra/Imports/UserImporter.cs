using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Storage;

namespace Rostra.Imports;

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
