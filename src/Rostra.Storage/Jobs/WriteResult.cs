using Rostra.Core;

namespace Rostra.Storage;

/// <summary>The outcome of <see cref="IImportStore.WriteImportAsync"/>.</summary>
public sealed record WriteResult(bool Succeeded, int Imported, IReadOnlyList<ImportIssue> Errors);
