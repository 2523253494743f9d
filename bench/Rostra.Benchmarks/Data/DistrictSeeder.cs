using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Storage;

namespace Rostra.Benchmarks.Data;

/// <summary>
/// Puts the synthetic district into a store: district, program, schools, and existing users written through the one
/// write path (<see cref="SeedingThroughStaging"/>: staged, chunks marked hashed, final write) with one precomputed hash
/// (hashing a million real passwords would take hours and measure nothing new).
/// </summary>
internal static class DistrictSeeder
{
    /// <summary>
    /// An Argon2id hash of <c>Bench-Password-1</c> at OWASP's minimum cost, made once with libsodium and
    /// kept here, so seeding costs no hashing and every seeded user can still sign in.
    /// </summary>
    public const string PrecomputedHash = "$argon2id$v=19$m=19456,t=2,p=1$QJYeQ06OI7U4NSu6BXY0fg$eJrtWaY0hNhez3PmOkjrA/vwJKKU/paFOdOq5sRY2ng";

    public static async Task SeedAsync(IRostraStore store, SyntheticDistrict district, long existingUsers, CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        if (await store.GetDistrictAsync(district.Id, cancellationToken) is not null)
            throw new InvalidOperationException($"District {district.Id} is already in this database; seed a fresh one.");
        await store.AddDistrictAsync(district.District, cancellationToken);
        await store.AddProgramAsync(new DistrictProgram(district.Id, SyntheticDistrict.ProgramId, "Reading"), cancellationToken);
        foreach (var school in district.Schools) await store.AddSchoolAsync(school, cancellationToken);
        if (existingUsers == 0) return;

        var write = await NewImportAsync(store, district.Id, UserType.Student, "seed.csv", cancellationToken);
        var users = new List<NewUser>((int)existingUsers);
        for (long k = 0; k < existingUsers; k++) users.Add(district.ExistingUser(k, PrecomputedHash));
        var result = await SeedingThroughStaging.WriteAsync(store, write, users, cancellationToken);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Seeding failed: {string.Join("; ", result.Errors.Take(5).Select(e => $"row {e.Row}: {e.Code} {e.Value}"))}");
    }

    /// <summary>An import record in <c>validating</c>, as an upload creates it, ready to be staged.</summary>
    public static async Task<ImportWrite> NewImportAsync(IRostraStore store, string districtId, UserType type, string fileName, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var record = new ImportRecord(Guid.NewGuid(), districtId, SyntheticDistrict.ProgramId, type, fileName, new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, "bench", now);
        await store.CreateImportAsync(record, cancellationToken);
        return new ImportWrite(record.Id, districtId, SyntheticDistrict.ProgramId);
    }
}
