namespace Rostra.Web;

/// <summary>Headers every response carries: pages hold student data, so nothing is framed, sniffed or cached.</summary>
internal static class SecurityHeaders
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /// <summary>No page needs a device or a browser feature beyond plain HTML forms and file pickers.</summary>
    private const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), " +
        "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), " +
        "screen-wake-lock=(), usb=(), xr-spatial-tracking=()";

    /// <summary>
    /// A year, with subdomains. Sent on every response outside development: production runs behind HTTPS (often a proxy
    /// that ends TLS, so the request Rostra sees is plain HTTP), and browsers ignore the header on plain-HTTP answers.
    /// </summary>
    private const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool development) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Permissions-Policy"] = PermissionsPolicy;
            if (!development)
            {
                headers.StrictTransportSecurity = StrictTransportSecurity;
            }
            if (!context.Request.Path.StartsWithSegments("/assets"))
            {
                // The same value antiforgery sets on every page with a form, so it has nothing to override (and no warning to log).
                headers.CacheControl = "no-cache, no-store";
                headers.Pragma = "no-cache";
            }
            await next(context);
        });
}
