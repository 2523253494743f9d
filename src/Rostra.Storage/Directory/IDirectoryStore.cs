using Rostra.Core;

namespace Rostra.Storage;

/// <summary>
/// Districts, their programs and schools, and the platform's users and API tokens: what sign-in, the pages and
/// <c>rostra district/program/school/users</c> read and write. Every query about users and schools is scoped by district id.
/// </summary>
public interface IDirectoryStore : IUserLookup
{
    // Districts, programs, schools. Add* throws DuplicateKeyException when the id exists.
    Task AddDistrictAsync(District district, CancellationToken cancellationToken);

    Task<District?> GetDistrictAsync(string districtId, CancellationToken cancellationToken);

    Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken cancellationToken);

    Task AddProgramAsync(DistrictProgram program, CancellationToken cancellationToken);

    Task<IReadOnlyList<DistrictProgram>> ListProgramsAsync(string districtId, CancellationToken cancellationToken);

    Task AddSchoolAsync(School school, CancellationToken cancellationToken);

    Task<IReadOnlyList<School>> ListSchoolsAsync(string districtId, CancellationToken cancellationToken);

    Task<School?> GetSchoolAsync(string districtId, string schoolId, CancellationToken cancellationToken);

    // Users.
    /// <summary>
    /// Adds one user (e.g. a district admin) with a <see cref="Secret.Hash"/> or no password; throws DuplicateKeyException
    /// on a taken username or email.
    /// </summary>
    Task<long> AddUserAsync(NewUser user, CancellationToken cancellationToken);

    /// <summary>A user by username (case-insensitive), across districts, for sign-in.</summary>
    Task<UserAccount?> FindUserAsync(string username, CancellationToken cancellationToken);

    Task<UserAccount?> GetUserAsync(long userId, CancellationToken cancellationToken);

    Task<UserPage> ListUsersAsync(UserQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Every user of the district (of one role when <paramref name="type"/> is set), by username, read a page at a time
    /// after the last username read: no total is counted, and the work per page does not grow with how far it is.
    /// </summary>
    IAsyncEnumerable<UserSummary> ReadAllUsersAsync(string districtId, string? type, CancellationToken cancellationToken);

    // API tokens: only a SHA-256 of the token is stored (listing and revoking: ISignInStore).
    Task AddTokenAsync(long userId, byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>The user a token acts as (and notes the token's use, at most once a minute); null for an unknown token.</summary>
    Task<UserAccount?> FindUserByTokenAsync(byte[] tokenHash, CancellationToken cancellationToken);
}
