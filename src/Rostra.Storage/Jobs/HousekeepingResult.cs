namespace Rostra.Storage;

/// <summary>What <see cref="IJobStore.HousekeepAsync"/> did.</summary>
public sealed record HousekeepingResult(int FailedValidations, int ExpiredImports, int PurgedRows);
