using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rostra.Web.Auth;

namespace Rostra.Web.Pages;

internal sealed class LoginModel(SignInService signIn) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Enter your username.")]
    public string Username { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    public IActionResult OnGet()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            return LocalRedirect(SafeReturnUrl());
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var outcome = await signIn.SignInAsync(Username, Password, cancellationToken);
        Password = "";
        switch (outcome)
        {
            case SignInOutcome.SignedIn signedIn:
                await HttpContext.SignInAsync(AuthSetup.CookieScheme, CurrentUser.Principal(signedIn.User, AuthSetup.CookieScheme));
                return LocalRedirect(SafeReturnUrl());
            case SignInOutcome.Paused paused:
                // The same words, status and Retry-After whether the username exists or not.
                var seconds = Math.Max(1, (int)Math.Ceiling(paused.RetryAfter.TotalSeconds));
                var minutes = Math.Max(1, (seconds + 59) / 60);
                Problem = $"Too many sign-in attempts for this username. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}, or ask your district's technical contact.";
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Page();
            default:
                Problem = "The username or password is not right. Check them and try again.";
                return Page();
        }
    }

    private string SafeReturnUrl() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
}
