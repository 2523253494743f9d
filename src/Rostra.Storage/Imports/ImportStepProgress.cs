namespace Rostra.Storage;

/// <summary>
/// The step an import is in (one of <see cref="Rostra.Core.ImportSteps"/>) and how far it is: <see cref="Done"/> of
/// <see cref="Total"/> in the step's unit (bytes while reading, rows otherwise); <see cref="Total"/> null when unknown.
/// </summary>
public sealed record ImportStepProgress(string Step, long Done, long? Total);
