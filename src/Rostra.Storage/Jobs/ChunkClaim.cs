namespace Rostra.Storage;

/// <summary>A chunk a worker holds.</summary>
public sealed record ChunkClaim(Guid ImportId, string DistrictId, int ChunkNo, int Rows, DateTimeOffset LeaseUntil);
