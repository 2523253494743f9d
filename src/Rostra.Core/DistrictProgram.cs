namespace Rostra.Core;

/// <summary>A product a district licenses; imported users get access to it.</summary>
public sealed record DistrictProgram(string DistrictId, string Id, string Name);
