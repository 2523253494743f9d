namespace Rostra.Storage;

/// <summary>A row of the uploaded file that has errors: its cells as written, Password blanked.</summary>
public sealed record ErrorRow(int Row, IReadOnlyList<string?> Cells);
