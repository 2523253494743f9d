using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Core.Workbooks;
using Rostra.Roster;
using Rostra.Storage;
using Rostra.Web.Api;
using Rostra.Web.Auth;

namespace Rostra.Web.Roster;

/// <summary>
/// The HTTP additions of SPEC §10: an update or sync import's changes, revert, and the round-trip export of a type's
/// users. District admins only, inside their district; another district's import is a 404 as a missing one.
/// </summary>
internal static class RosterEndpoints
{
    private const int DefaultPage = 100;
    private const int MaxPage = 1000;

    public static IEndpointRouteBuilder MapRosterApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireAuthorization(AuthSetup.DistrictAdminPolicy);

        api.MapGet("/imports/{id:guid}/changes", async (Guid id, ClaimsPrincipal principal, IRostraStore store, CancellationToken ct,
                [FromQuery] int? offset, [FromQuery] int? limit, [FromQuery] string? action) =>
            {
                if (await store.GetImportAsync(CurrentUser.From(principal).DistrictId, id, ct) is null) return NotFound();
                PlanAction? filter = null;
                if (!string.IsNullOrWhiteSpace(action))
                {
                    if (!PlanActions.TryParse(action, out var parsed))
                        return Results.BadRequest(new ApiError("action.invalid", "The action is create, update, unchanged, reactivate or deactivate."));
                    filter = parsed;
                }
                var from = Math.Max(0, offset ?? 0);
                var size = Math.Clamp(limit ?? DefaultPage, 1, MaxPage);
                var page = await store.GetPlanChangesAsync(id, filter, from, size, ct);
                return Results.Ok(new ChangePage(from, size, page.Total, [.. page.Items.Select(ChangeView.From)]));
            })
            .WithName("ListImportChanges")
            .WithSummary("A page of what an update or sync import does to each user, filtered by action (create, update, unchanged, reactivate, deactivate).")
            .Produces<ChangePage>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapPost("/imports/{id:guid}/revert", async (Guid id, ClaimsPrincipal principal, IRostraStore store, RosterSettings settings, CancellationToken ct) =>
            {
                var district = CurrentUser.From(principal).DistrictId;
                if (await store.GetImportAsync(district, id, ct) is null) return NotFound();
                var result = await store.RevertImportAsync(district, id, settings.RevertWindow, ct);
                return result.Succeeded
                    ? Results.Accepted($"/api/imports/{id}", new RevertView(id, result.Users))
                    : Results.Conflict(new ApiError(IssueCodes.ImportRevertConflict, result.Reason!));
            })
            .RequireAntiforgeryForCookies()
            .WithName("RevertImport")
            .WithSummary("Undoes a completed import within 30 days: created users removed, updated ones put back, deactivated ones reactivated; 409 when a later change touched them.")
            .Produces<RevertView>(StatusCodes.Status202Accepted)
            .Produces<ApiError>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/users/export", (ClaimsPrincipal principal, IRostraStore store, HttpContext http, [FromQuery] string? type, [FromQuery] string? format) =>
            {
                if (!UserTypes.TryParse(type, out var userType))
                    return Results.BadRequest(new ApiError("type.invalid", "Choose a user type: student, teacher or school-admin."));
                var xlsx = format?.Trim().Equals("xlsx", StringComparison.OrdinalIgnoreCase) == true;
                if (!string.IsNullOrWhiteSpace(format) && !xlsx && !format.Trim().Equals("csv", StringComparison.OrdinalIgnoreCase))
                    return Results.BadRequest(new ApiError("format.invalid", "The format is csv or xlsx."));
                var district = CurrentUser.From(principal).DistrictId;
                if (xlsx)
                {
                    return Results.Stream(body => RosterWorkbook.WriteThroughFileAsync(body, userType, store.ExportUsersAsync(district, userType, http.RequestAborted), http.RequestAborted),
                        TemplateWorkbook.ContentType, RosterExport.FileName(userType, "xlsx"));
                }
                return Results.Stream(async body =>
                {
                    await using var writer = new StreamWriter(body, CsvExport.Utf8WithBom, 1 << 16);
                    await RosterExport.WriteCsvAsync(writer, userType, store.ExportUsersAsync(district, userType, http.RequestAborted), http.RequestAborted);
                }, "text/csv; charset=utf-8", RosterExport.FileName(userType));
            })
            .WithName("ExportUsers")
            .WithSummary("The district's active users of a type in its template columns (Password blank, formula-safe), as CSV or with format=xlsx an Excel workbook, to edit and upload again in update or sync mode.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status200OK, contentType: TemplateWorkbook.ContentType)
            .Produces<ApiError>(StatusCodes.Status400BadRequest);

        return endpoints;
    }

    /// <summary>The optional body of a confirm: none, or <c>{"allowDeactivations": N}</c>. Null when it is something else.</summary>
    public static async Task<ConfirmRequest?> ReadConfirmBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text)) return new ConfirmRequest(null);
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<ConfirmRequest>(text, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static IResult NotFound() => Results.NotFound(new ApiError("import.not_found", "There is no such import in your district."));
}

/// <summary>A page of an import's planned changes (<c>GET /api/imports/{id}/changes</c>).</summary>
public sealed record ChangePage(int Offset, int Limit, int Total, IReadOnlyList<ChangeView> Items);

/// <summary>What an import does to one user; <see cref="Row"/> is null for a deactivation.</summary>
public sealed record ChangeView(int? Row, string Username, string Action, IReadOnlyList<FieldChange> Changes)
{
    internal static ChangeView From(PlannedChange c) => new(c.Row, c.Username, c.Action.Slug(), c.Changes);
}

/// <summary>The body of a confirm: the number of deactivations a sync over the threshold is allowed to make.</summary>
public sealed record ConfirmRequest(int? AllowDeactivations);

/// <summary>A revert that was done: the import and how many users it put back or removed.</summary>
public sealed record RevertView(Guid Id, int Users);
