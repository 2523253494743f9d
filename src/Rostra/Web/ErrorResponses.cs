using Microsoft.AspNetCore.Diagnostics;

namespace Rostra.Web;

/// <summary>What an unexpected failure shows: JSON for the API, the error page for a person.</summary>
internal static class ErrorResponses
{
    public static bool IsApi(this HttpRequest request) => request.Path.StartsWithSegments("/api");

    public static Task WriteApiStatusAsync(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        Api.ApiError error = response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => new("auth.required", "Sign in, or send an API token as 'Authorization: Bearer TOKEN'."),
            StatusCodes.Status403Forbidden => new("auth.forbidden", "Only a district admin of this district can do this."),
            StatusCodes.Status404NotFound => new("not_found", "There is nothing at this address."),
            StatusCodes.Status405MethodNotAllowed => new("method_not_allowed", "This address does not accept this method."),
            _ => new($"http.{response.StatusCode}", "The request could not be handled."),
        };
        return response.WriteAsJsonAsync(error);
    }

    public static async Task HandleExceptionAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is BadHttpRequestException bad && bad.StatusCode is >= 400 and < 500)
        {
            // A request the server could not read (too large, cut off, malformed) is the request's fault, not a failure.
            context.Response.StatusCode = bad.StatusCode;
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        if (context.Request.IsApi())
        {
            await context.Response.WriteAsJsonAsync(new Api.ApiError("server.error", "Something went wrong on the server. Try again; if it keeps happening, tell your technical contact."));
            return;
        }
        context.Response.Redirect($"/error?status={context.Response.StatusCode}");
    }
}
