using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Rostra.Storage;

namespace Rostra.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer TOKEN</c> against the stored token hashes.</summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDirectoryStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = AuthSetup.BearerToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (token.Length is 0 or > 200)
        {
            return AuthenticateResult.Fail("The API token is malformed.");
        }
        var user = await store.FindUserByTokenAsync(ApiTokens.HashOf(token), Context.RequestAborted);
        if (!AccountCheck.MaySignIn(user))
        {
            return AuthenticateResult.Fail("The API token is not known.");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(CurrentUser.Principal(user!, Scheme.Name), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.WriteAsJsonAsync(new Api.ApiError("auth.invalid_token", "The API token is not valid. Create a new one with 'rostra token add'."));
    }
}
