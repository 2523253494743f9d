using System.Net;
using Rostra.Tests.Web;

namespace Rostra.Tests.Security;

/// <summary>Signed-in clients whose cookies a test can copy, as an attacker or a second browser would.</summary>
internal static class Sessions
{
    /// <summary>Signs in through the login form; returns the client and its cookie jar.</summary>
    public static async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(WebApp web, string username, string password = WebApp.Password)
    {
        var (client, cookies) = NewClient(web);
        using var response = await WebApp.PostLoginAsync(client, username, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("rostra.auth", cookies.GetCookieHeader(web.BaseAddress), StringComparison.Ordinal);
        return (client, cookies);
    }

    /// <summary>A client that sends only the given Cookie header (a saved or copied cookie), following no redirect.</summary>
    public static HttpClient WithCookies(WebApp web, string cookieHeader)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = web.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        return client;
    }

    public static (HttpClient Client, CookieContainer Cookies) NewClient(WebApp web)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = web.BaseAddress };
        return (client, cookies);
    }

    /// <summary>Whether a client is signed in: a page answers 200 rather than sending it to the login page.</summary>
    public static async Task<bool> IsSignedInAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/");
        return response.StatusCode == HttpStatusCode.OK;
    }
}
