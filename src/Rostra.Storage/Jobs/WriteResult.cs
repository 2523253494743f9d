using Rostra.Core;

namespace Rostra.Storage;

/// <summary>The outcome of <see cref="IJobStore.WriteStagedImportAsync"/>.</summary>
public sealed record WriteResult(bool Succeeded, int Imported, IReadOnlyList<ImportIssue> Errors);
