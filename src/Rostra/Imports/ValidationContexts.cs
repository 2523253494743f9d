using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Imports;

/// <summary>Builds what a file is validated against from the store.</summary>
public static class ValidationContexts
{
    public static async Task<ValidationContext> CreateAsync(
        IDirectoryStore store, District district, UserType type, ImportLimits limits, CancellationToken cancellationToken)
    {
        var schools = await store.ListSchoolsAsync(district.Id, cancellationToken);
        return new ValidationContext(district, type, schools, store, limits);
    }
}
