using System.Security.Claims;
using Rostra.Storage;
using Rostra.Web.Auth;

namespace Rostra.Web.Api;

/// <summary>
/// The caller's own API tokens: list them and revoke one (e.g. a script revoking the token it no longer needs).
/// New tokens are made on the API tokens page or with <c>rostra token add</c>, where they are shown once.
/// </summary>
internal static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder endpoints)
    {
        var tokens = endpoints.MapGroup("/api/tokens").RequireAuthorization(AuthSetup.DistrictAdminPolicy);

        tokens.MapGet("", async (ClaimsPrincipal principal, ISignInStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListTokensAsync(CurrentUser.From(principal).Id, ct)).Select(TokenView.From).ToList()))
            .WithName("ListTokens")
            .WithSummary("Your API tokens: id, name, when created and last used (never the token itself).");

        tokens.MapDelete("/{tokenId}", async (string tokenId, ClaimsPrincipal principal, ISignInStore store, CancellationToken ct) =>
                await store.RevokeTokenAsync(CurrentUser.From(principal).Id, tokenId, ct)
                    ? Results.NoContent()
                    : Results.NotFound(new ApiError("token.unknown", "You have no token with this id. List yours with GET /api/tokens.")))
            .RequireAntiforgeryForCookies()
            .WithName("RevokeToken")
            .WithSummary("Revokes one of your API tokens: requests with it get 401 from then on.")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        return endpoints;
    }
}

/// <summary>An API token as <c>GET /api/tokens</c> lists it.</summary>
public sealed record TokenView(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt)
{
    internal static TokenView From(ApiTokenInfo token) => new(token.Id, token.Name, token.CreatedAt, token.LastUsedAt);
}
