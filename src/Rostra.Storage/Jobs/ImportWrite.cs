namespace Rostra.Storage;

/// <summary>The import that a write belongs to.</summary>
public sealed record ImportWrite(Guid ImportId, string DistrictId, string? ProgramId);
