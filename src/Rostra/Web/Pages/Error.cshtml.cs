using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Rostra.Web.Pages;

/// <summary>The page for an error status; it answers any method, since a failed POST is re-executed here.</summary>
[IgnoreAntiforgeryToken]
internal sealed class ErrorModel : PageModel
{
    public int Status { get; private set; }

    public (string Title, string Text) Words => Status switch
    {
        400 => ("This page has expired", "Go back, reload the page and try again."),
        403 => ("This page is for district admins", "Your account cannot open this page. If you need it, ask your district's technical contact."),
        404 => ("We could not find that page", "The address may be mistyped, or the page belongs to another district."),
        413 => ("That file is too large", "Split it into smaller files and import them one after the other."),
        _ => ("Something went wrong", "Try again in a moment. If it keeps happening, tell your district's technical contact."),
    };

    public void OnGet(int? status)
    {
        // A bare visit to /error (a bookmark, a typed address) is no failure: it finds no page to show.
        Status = status is >= 400 and < 600 ? status.Value
            : Request.Path.StartsWithSegments("/denied") ? StatusCodes.Status403Forbidden
            : HttpContext.Features.Get<IExceptionHandlerFeature>() is not null ? StatusCodes.Status500InternalServerError
            : StatusCodes.Status404NotFound;
        Response.StatusCode = Status;
    }

    public void OnPost(int? status) => OnGet(status);
}
