using System.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Rostra.Benchmarks.Data;
using Rostra.Core;
using Rostra.Core.Passwords;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;

namespace Rostra.Benchmarks.EndToEnd;

/// <summary>
/// Seconds from CONFIRM to completed of a small import (its own district), on an idle engine and then while a large
/// unconfirmed import of another district is hashing on every worker, at production hashing cost.
/// </summary>
internal sealed record FairShareMeasure(string Provider, int SmallRows, int LargeRows, TimeSpan Alone, TimeSpan Behind, int LargeChunksLeft)
{
    public double Ratio => Behind / Alone;
}

internal static class FairShareRun
{
    private const int SmallRows = 30;

    public static async Task<FairShareMeasure> MeasureAsync(BenchDatabase db, string work, int largeRows, CancellationToken cancellationToken)
    {
        var large = new SyntheticDistrict(SyntheticDistrict.DefaultId, 10);
        var small = new SyntheticDistrict("bench-small-usd", 10, firstSchool: 1_000);
        var name = "rostra_bench_fair";
        await db.DropAsync(name, cancellationToken);
        if (db is PostgresBenchDatabase pg) await pg.CreateAsync(name, cancellationToken);
        var largeFile = Path.Combine(work, $"fair-large-{largeRows}.csv");
        await using (var output = File.Create(largeFile)) new FileGenerator(large).Write(new FileSpec(UserType.Student, largeRows, 0, Seed: 21), output);
        try
        {
            await using var store = StoreFactory.Open(db.Connection(name));
            await DistrictSeeder.SeedAsync(store, large, 0, cancellationToken);
            await DistrictSeeder.SeedAsync(store, small, 0, cancellationToken);
            var engine = new ImportEngine(store, new PasswordHasher(PasswordHashOptions.Default), new PasswordVault(new EphemeralDataProtectionProvider()),
                new ImportEngineSettings("bench", Environment.ProcessorCount, Poll: TimeSpan.FromMilliseconds(100)), NullLogger<ImportEngine>.Instance);
            using var stop = new CancellationTokenSource();
            var running = engine.RunAsync(stop.Token);
            try
            {
                var alone = await SmallImportAsync(store, engine, small, work, 1, cancellationToken);

                var big = await ValidateAsync(store, engine, large, largeFile, cancellationToken);
                while ((await store.GetImportChunksAsync(big.Id, cancellationToken)).Count(c => c.Status != "pending") < Environment.ProcessorCount)
                    await Task.Delay(50, cancellationToken);
                var behind = await SmallImportAsync(store, engine, small, work, 2, cancellationToken);
                var left = (await store.GetImportChunksAsync(big.Id, cancellationToken)).Count(c => c.Status != "hashed");
                await store.TryTransitionAsync(big.Id, [ImportStatus.Valid], ImportStatus.Cancelled, "Cancelled.", cancellationToken);
                return new FairShareMeasure(db.Provider, SmallRows, largeRows, alone, behind, left);
            }
            finally
            {
                await stop.CancelAsync();
                await running;
            }
        }
        finally
        {
            File.Delete(largeFile);
            await db.DropAsync(name, cancellationToken);
        }
    }

    /// <summary>Validates a small file, confirms it and times CONFIRM → completed.</summary>
    private static async Task<TimeSpan> SmallImportAsync(IRostraStore store, ImportEngine engine, SyntheticDistrict district, string work, int seed, CancellationToken cancellationToken)
    {
        var file = Path.Combine(work, $"fair-small-{seed}.csv");
        await using (var output = File.Create(file))
            new FileGenerator(district).Write(new FileSpec(UserType.Student, SmallRows, 0, Seed: 100 + seed), output);
        var import = await ValidateAsync(store, engine, district, file, cancellationToken);
        File.Delete(file);
        var clock = Stopwatch.StartNew();
        if (!await store.TryTransitionAsync(import.Id, [ImportStatus.Valid], ImportStatus.Importing, null, cancellationToken))
            throw new InvalidOperationException("The small import could not be confirmed.");
        while (true)
        {
            var now = await store.GetImportAsync(district.Id, import.Id, cancellationToken);
            if (now is not null && ImportStatus.IsFinal(now.Status))
            {
                if (now.Status != ImportStatus.Completed) throw new InvalidOperationException($"The small import ended {now.Status}: {now.Message}");
                return clock.Elapsed;
            }
            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task<ImportRecord> ValidateAsync(IRostraStore store, ImportEngine engine, SyntheticDistrict district, string file, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), district.Id, SyntheticDistrict.ProgramId, UserType.Student, Path.GetFileName(file), new string('0', 64),
            ImportStatus.Validating, 0, 0, 0, 0, now, "bench", now);
        await store.CreateImportAsync(import, cancellationToken);
        await using var stream = File.OpenRead(file);
        var result = await engine.ValidateAsync(import, district.District, stream, new ImportLimits(), null, cancellationToken);
        if (result is not { IsValid: true }) throw new InvalidOperationException($"The file {file} did not validate clean.");
        return import;
    }
}
