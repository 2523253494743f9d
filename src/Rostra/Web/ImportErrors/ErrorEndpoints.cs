using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Rostra.Core.Validation;
using Rostra.Storage;
using Rostra.Web.Api;
using Rostra.Web.Auth;
using Rostra.Web.Imports;

namespace Rostra.Web.ImportErrors;

/// <summary>
/// The error list, its summary and the error reports of an import (SPEC §7, §11). Built from the database, so any node
/// answers; the reports are streamed row by row with asynchronous writes, at any size.
/// </summary>
internal static class ErrorEndpoints
{
    private const int DefaultPage = 100;
    private const int MaxPage = 1000;

    /// <summary>Maps the routes under <paramref name="api"/> (the authorized <c>/api</c> group).</summary>
    public static RouteGroupBuilder MapImportErrors(this RouteGroupBuilder api)
    {
        api.MapGet("/imports/{id:guid}/errors", async (Guid id, ClaimsPrincipal principal, IImportStore imports, IImportErrorStore store, CancellationToken ct,
                [FromQuery] string? code, [FromQuery] string? column, [FromQuery] int? offset, [FromQuery] int? limit) =>
            {
                if (await imports.GetImportAsync(CurrentUser.From(principal).DistrictId, id, ct) is null) return ImportApi.NotFound();
                var filter = new ErrorFilter(Blank(code), Blank(column));
                var from = Math.Max(0, offset ?? 0);
                var size = Math.Clamp(limit ?? DefaultPage, 1, MaxPage);
                var counts = await store.GetErrorCountsAsync(id, ct);
                var page = await store.GetImportErrorPageAsync(id, filter, from, size, ct);
                var total = counts.Where(c => Matches(c, filter)).Sum(c => c.Count);
                return Results.Ok(new ErrorPage(from, size, total, page.Kept, page.Items));
            })
            .WithName("GetImportErrors")
            .WithSummary("A page of an import's errors, sorted by row then column; code= and column= filter them.")
            .Produces<ErrorPage>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/imports/{id:guid}/errors/summary", async (Guid id, ClaimsPrincipal principal, IImportStore imports, IImportErrorStore store, CancellationToken ct) =>
            {
                if (await imports.GetImportAsync(CurrentUser.From(principal).DistrictId, id, ct) is null) return ImportApi.NotFound();
                var counts = await store.GetErrorCountsAsync(id, ct);
                return Results.Ok(Summary(counts));
            })
            .WithName("GetImportErrorSummary")
            .WithSummary("How many errors of each kind (code and column) the import has, most frequent first.")
            .Produces<List<ErrorSummaryItem>>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/imports/{id:guid}/errors.csv", async (Guid id, ClaimsPrincipal principal, IImportStore imports, IImportErrorStore store, CancellationToken ct) =>
            {
                var record = await imports.GetImportAsync(CurrentUser.From(principal).DistrictId, id, ct);
                if (record is null) return ImportApi.NotFound();
                if (record.ErrorCount == 0) return NoReport();
                var header = await store.GetImportHeaderAsync(id, ct);
                var lines = ReportLines.ReadAsync(header?.Count ?? 0, store.ReadImportErrorsAsync(id, ErrorFilter.All, ct), store.ReadErrorRowsAsync(id, ct), ct);
                return Results.Stream(output => ErrorReport.WriteAsync(header, lines, output, ct),
                    "text/csv; charset=utf-8", $"{Path.GetFileNameWithoutExtension(record.FileName)}-errors.csv");
            })
            .WithName("GetImportErrorReport")
            .WithSummary("The error report: the file's own columns (Password blanked) plus Row and Errors, only rows with errors.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/imports/{id:guid}/errors.xlsx", async (Guid id, ClaimsPrincipal principal, IImportStore imports, IImportErrorStore store, CancellationToken ct) =>
            {
                var record = await imports.GetImportAsync(CurrentUser.From(principal).DistrictId, id, ct);
                if (record is null) return ImportApi.NotFound();
                if (record.ErrorCount == 0) return NoReport();
                var header = await store.GetImportHeaderAsync(id, ct);
                var lines = ReportLines.ReadAsync(header?.Count ?? 0, store.ReadImportErrorsAsync(id, ErrorFilter.All, ct), store.ReadErrorRowsAsync(id, ct), ct);
                return Results.Stream(output => ErrorWorkbook.WriteAsync(header, lines, output, ct),
                    WorkbookType, $"{Path.GetFileNameWithoutExtension(record.FileName)}-errors.xlsx");
            })
            .WithName("GetImportErrorWorkbook")
            .WithSummary("The error report as a workbook: the file's own columns (Password blank), wrong cells highlighted with their message as a note, plus Row and Errors.")
            .Produces(StatusCodes.Status200OK, contentType: WorkbookType)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        return api;
    }

    public const string WorkbookType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The summary, most frequent first.</summary>
    public static List<ErrorSummaryItem> Summary(IEnumerable<ErrorCount> counts) =>
        [.. counts.OrderByDescending(c => c.Count).ThenBy(c => c.Code, StringComparer.Ordinal).ThenBy(c => c.Column, StringComparer.Ordinal)
            .Select(c => new ErrorSummaryItem(c.Code, c.Column, IssueTitles.Title(c.Code, c.Column), c.Count))];

    private static IResult NoReport() =>
        Results.NotFound(new ApiError("report.none", "This import has no error report: its file had no errors."));

    private static bool Matches(ErrorCount count, ErrorFilter filter) =>
        (filter.Code is null || count.Code == filter.Code) && (filter.Column is null || (count.Column ?? "") == filter.Column);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
