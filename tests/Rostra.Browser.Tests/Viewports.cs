using Microsoft.Playwright;

namespace Rostra.Browser.Tests;

/// <summary>The two window sizes every screen is checked at: a laptop and a phone.</summary>
public static class Viewports
{
    public static ViewportSize Desktop => new() { Width = 1366, Height = 768 };

    public static ViewportSize Phone => new() { Width = 390, Height = 844 };

    /// <summary>"desktop" or "phone", for theory data.</summary>
    public static ViewportSize Named(string name) => name switch
    {
        "desktop" => Desktop,
        "phone" => Phone,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "desktop or phone"),
    };
}
