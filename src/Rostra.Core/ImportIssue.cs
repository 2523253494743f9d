namespace Rostra.Core;

/// <summary>
/// One problem found in a file: an error blocks the import, a warning never does.
/// <see cref="Row"/> is the spreadsheet row (header = 1), null for file-level issues;
/// <see cref="Column"/> is the template header name, null when not about one column;
/// <see cref="Value"/> is the offending value, never given for Password.
/// </summary>
public sealed record ImportIssue(int? Row, string? Column, string Code, string Message, string? Value = null);
