using Rostra.Core;

namespace Rostra.Web.ImportErrors;

/// <summary>
/// A page of an import's errors (<c>GET /api/imports/{id}/errors</c>). <see cref="Total"/> counts every error that
/// matches the filter; <see cref="Kept"/> how many of them are kept in detail and can be paged through (the first ones
/// of a file with very many errors; none once the retention period deleted them).
/// </summary>
public sealed record ErrorPage(int Offset, int Limit, int Total, int Kept, IReadOnlyList<ImportIssue> Items);

/// <summary>How many errors of one kind (<c>GET /api/imports/{id}/errors/summary</c>): code, column, a short title, count.</summary>
public sealed record ErrorSummaryItem(string Code, string? Column, string Message, int Count);
