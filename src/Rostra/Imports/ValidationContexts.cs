using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Imports;

/// <summary>Builds what a file is validated against from the store.</summary>
public static class ValidationContexts
{
    /// <summary>
    /// The district's schools, the platform's users and the limits. The roster look-up comes along in every mode: a file
    /// that adds new users uses it to tell the district's own users apart in <c>username.taken</c>.
    /// </summary>
    public static async Task<ValidationContext> CreateAsync(
        IRostraStore store, District district, UserType type, ImportLimits limits, CancellationToken cancellationToken)
    {
        var schools = await store.ListSchoolsAsync(district.Id, cancellationToken);
        return new ValidationContext(district, type, schools, store, limits, Roster: store);
    }
}
