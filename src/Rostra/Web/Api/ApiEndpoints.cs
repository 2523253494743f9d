using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Rostra.Core;
using Rostra.Core.Workbooks;
using Rostra.Storage;
using Rostra.Web.Auth;
using Rostra.Web.ImportErrors;
using Rostra.Web.Imports;

namespace Rostra.Web.Api;

/// <summary>
/// The HTTP API of SPEC §7. Every call needs a district admin (login cookie or bearer token) and acts inside
/// the caller's district; another district's import answers 404 exactly as a missing one.
/// </summary>
internal static class ApiEndpoints
{
    private const int DefaultPage = 100;
    private const int MaxPage = 1000;

    public static IEndpointRouteBuilder MapRostraApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api")
            .RequireAuthorization(AuthSetup.DistrictAdminPolicy);

        api.MapGet("/templates/{type}", async (string type, string? format, ClaimsPrincipal principal, IRostraStore store, CancellationToken ct) =>
            {
                if (!UserTypes.TryParse(type, out var userType))
                    return Results.NotFound(new ApiError("type.invalid", "There are templates for student, teacher and school-admin."));
                if (format is null || format.Equals("csv", StringComparison.OrdinalIgnoreCase))
                    return Results.File(Templates.FileBytes(userType), "text/csv; charset=utf-8", Templates.FileName(userType));
                if (!format.Equals("xlsx", StringComparison.OrdinalIgnoreCase))
                    return Results.BadRequest(new ApiError("format.invalid", "The template comes as format=csv or format=xlsx."));
                // The workbook of the caller's district: a second sheet lists its schools. Written straight to the
                // response as it is made; the zip container's closing writes are synchronous, so they go through a
                // stream that sends them asynchronously (Kestrel refuses synchronous writes).
                var schools = await store.ListSchoolsAsync(CurrentUser.From(principal).DistrictId, ct);
                return Results.Stream(async response =>
                    {
                        await using var body = new AsyncWriteStream(response);
                        await TemplateWorkbook.WriteAsync(body, userType, schools, ct);
                    },
                    TemplateWorkbook.ContentType, TemplateWorkbook.FileName(userType));
            })
            .WithName("GetTemplate")
            .WithSummary("The template of a user type (student, teacher, school-admin): CSV, or with format=xlsx an Excel workbook with the district's schools.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status200OK, contentType: TemplateWorkbook.ContentType)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/schools", async (ClaimsPrincipal principal, IRostraStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListSchoolsAsync(CurrentUser.From(principal).DistrictId, ct)).Select(SchoolView.From).ToList()))
            .WithName("ListSchools")
            .WithSummary("The schools of the district.");

        api.MapPost("/imports", (HttpRequest request, ClaimsPrincipal principal, ImportApi imports, CancellationToken ct) =>
                imports.UploadAsync(request, CurrentUser.From(principal), ct))
            .RequireAntiforgeryForCookies()
            .WithName("CreateImport")
            .WithSummary("Uploads a file (multipart: type, program (optional), file) and starts its validation.")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<ImportView>(StatusCodes.Status202Accepted)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);

        api.MapGet("/imports", async (ClaimsPrincipal principal, IRostraStore store, CancellationToken ct, int? limit) =>
                TypedResults.Ok((await store.ListImportsAsync(CurrentUser.From(principal).DistrictId, Math.Clamp(limit ?? DefaultPage, 1, MaxPage), ct))
                    .Select(ImportSummary.From).ToList()))
            .WithName("ListImports")
            .WithSummary("The district's import history, newest first.");

        api.MapGet("/imports/{id:guid}", async (Guid id, ClaimsPrincipal principal, IRostraStore store, ImportApi imports, CancellationToken ct) =>
                await store.GetImportAsync(CurrentUser.From(principal).DistrictId, id, ct) is { } record
                    ? Results.Ok(await imports.ViewAsync(record, ct))
                    : ImportApi.NotFound())
            .WithName("GetImport")
            .WithSummary("An import: status, progress, counts and warnings.")
            .Produces<ImportView>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapImportErrors();

        api.MapPost("/imports/{id:guid}/confirm", async (Guid id, HttpRequest request, ClaimsPrincipal principal, ImportApi imports, CancellationToken ct) =>
                await Roster.RosterEndpoints.ReadConfirmBodyAsync(request, ct) is { } body
                    ? await imports.ConfirmAsync(CurrentUser.From(principal), id, body.AllowDeactivations, ct)
                    : Results.BadRequest(new ApiError("request.malformed", "The body of a confirm is empty or {\"allowDeactivations\": N}.")))
            .RequireAntiforgeryForCookies()
            .WithName("ConfirmImport")
            .WithSummary("Starts writing a valid import; repeat calls answer the current state. A sync over the deactivation threshold needs {\"allowDeactivations\": N} naming its exact number.")
            .Produces<ImportView>(StatusCodes.Status202Accepted)
            .Produces<ImportView>()
            .Produces<ImportConflict>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapPost("/imports/{id:guid}/cancel", (Guid id, ClaimsPrincipal principal, ImportApi imports, CancellationToken ct) =>
                imports.CancelAsync(CurrentUser.From(principal), id, ct))
            .RequireAntiforgeryForCookies()
            .WithName("CancelImport")
            .WithSummary("Cancels an import that has not finished; nothing is written.")
            .Produces<ImportView>()
            .Produces<ImportConflict>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        api.MapGet("/users", async (ClaimsPrincipal principal, IRostraStore store, CancellationToken ct,
                [FromQuery] string? type, [FromQuery] string? school, [FromQuery] string? q, [FromQuery] int? offset, [FromQuery] int? limit, [FromQuery] bool? active) =>
            {
                string? role = null;
                if (!string.IsNullOrWhiteSpace(type))
                {
                    role = UserTypes.TryParse(type, out var userType) ? userType.Role()
                        : type.Trim().Equals(Roles.DistrictAdmin, StringComparison.OrdinalIgnoreCase) ? Roles.DistrictAdmin
                        : null;
                    if (role is null)
                    {
                        return Results.BadRequest(new ApiError("type.invalid", "The type is student, teacher, school-admin or district-admin."));
                    }
                }
                var from = Math.Max(0, offset ?? 0);
                var size = Math.Clamp(limit ?? DefaultPage, 1, MaxPage);
                var query = new UserQuery(CurrentUser.From(principal).DistrictId, role, NullIfBlank(school), NullIfBlank(q), from, size, active);
                var page = await store.ListUsersAsync(query, ct);
                return Results.Ok(new UserListPage(from, size, page.Total, [.. page.Users.Select(UserView.From)]));
            })
            .WithName("ListUsers")
            .WithSummary("The district's users, filtered by type, School ID, active (true/false) and a search on name, username or email.")
            .Produces<UserListPage>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest);

        return endpoints;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
