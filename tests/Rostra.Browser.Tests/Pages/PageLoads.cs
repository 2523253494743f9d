using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rostra.Browser.Tests.Pages;

/// <summary>Waiting for a page the user has asked for.</summary>
internal static class PageLoads
{
    /// <summary>
    /// Waits until the address bar shows <paramref name="path"/> and the page's scripts have run (DOMContentLoaded comes
    /// after deferred scripts). Not the load event: it also waits for every image and style, which on a loaded machine
    /// can take longer than any fixed bound, and nothing a test does needs them.
    /// </summary>
    public static async Task ArrivedAsync(IPage page, Regex path)
    {
        await Expect(page).ToHaveURLAsync(path);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Waits until the browser has left the sign-in page, and the page it landed on has run its scripts.</summary>
    public static async Task SignedInAsync(IPage page)
    {
        await Expect(page).Not.ToHaveURLAsync(new Regex("/login", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
