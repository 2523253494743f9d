namespace Rostra.Storage;

/// <summary>The import that a write belongs to.</summary>
public sealed record ImportWrite(Guid ImportId, string DistrictId, string? ProgramId)
{
    /// <summary>Hears the users written so far while the write runs (inside its transaction: nothing is committed yet).</summary>
    public IProgress<int>? Written { get; init; }
}
