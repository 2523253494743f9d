using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Rostra.Core;

namespace Rostra.Web.Auth;

/// <summary>
/// Sign-in for people (a cookie) and for scripts (a bearer token), and who may do what:
/// any user may sign in, only a district admin may use the admin pages and the API.
/// </summary>
internal static class AuthSetup
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string BearerScheme = "Bearer";
    private const string CookieOrBearer = "CookieOrBearer";
    public const string DistrictAdminPolicy = "district-admin";
    public const string AntiforgeryHeader = "RequestVerificationToken";

    public static IServiceCollection AddRostraAuth(this IServiceCollection services, WebRuntime runtime)
    {
        var secure = runtime.Development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services
            .AddAuthentication(CookieOrBearer)
            .AddPolicyScheme(CookieOrBearer, null, policy =>
                policy.ForwardDefaultSelector = context => BearerToken(context.Request) is null ? CookieScheme : BearerScheme)
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "rostra.auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = secure;
                cookie.LoginPath = "/login";
                cookie.LogoutPath = "/logout";
                cookie.AccessDeniedPath = "/denied";
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                // The API answers 401/403; only pages send a person to the login page.
                cookie.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
                // Every request re-reads the account: a user deactivated (or removed) since sign-in, or one who signed out, is signed out at once.
                cookie.Events.OnValidatePrincipal = AccountCheck.ValidateCookieAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerScheme, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(DistrictAdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.DistrictAdmin));

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "rostra.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            // Antiforgery refuses plain HTTP outside development when its cookie must be Secure, and `rostra serve`
            // listens on plain HTTP on loopback by default; its cookie is no credential, the auth cookie is.
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.HeaderName = AntiforgeryHeader;
        });
        services.AddSingleton<SignInService>();
        services.AddHostedService<SignInFailureHousekeeping>();
        return services;
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.IsApi())
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A browser's API call that changes something must carry the page's antiforgery token, as a form post does;
    /// a bearer token cannot be sent by another site, so scripts need none.
    /// </summary>
    public static RouteHandlerBuilder RequireAntiforgeryForCookies(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (BearerToken(http.Request) is null)
            {
                // Only the header counts: reading a form field would read a whole upload first.
                var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
                if (!http.Request.Headers.ContainsKey(AntiforgeryHeader) || !await antiforgery.IsRequestValidAsync(http))
                {
                    return TypedResults.BadRequest(new Api.ApiError("request.antiforgery", "This page has expired. Reload it and try again."));
                }
            }
            return await next(context);
        });
}
