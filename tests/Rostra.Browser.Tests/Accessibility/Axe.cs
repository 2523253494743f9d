using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Rostra.Browser.Tests.Accessibility;

/// <summary>
/// Runs axe-core in the page with the WCAG 2.1 A and AA rules and fails the test on any violation,
/// naming each rule, its help text and the elements that break it.
/// </summary>
internal static class Axe
{
    /// <summary>The WCAG 2.0 and 2.1 rules of levels A and AA.</summary>
    public static IReadOnlyList<string> Tags { get; } = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>Asserts that the page, as it is now, has no WCAG 2.1 A/AA violation; <paramref name="state"/> names it in the failure.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string state)
    {
        var options = new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Tags] },
        };
        var result = await page.RunAxe(options);
        if (result.Violations.Length == 0)
        {
            return;
        }
        var report = new StringBuilder();
        report.Append(System.Globalization.CultureInfo.InvariantCulture, $"axe found {result.Violations.Length} violation(s) on {state} ({page.Url}, {page.ViewportSize?.Width}px wide):\n");
        foreach (var violation in result.Violations)
        {
            report.Append(System.Globalization.CultureInfo.InvariantCulture, $"- {violation.Id} ({violation.Impact}): {violation.Help}\n");
            foreach (var node in violation.Nodes.Take(5))
            {
                report.Append(System.Globalization.CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}\n");
            }
        }
        Assert.Fail(report.ToString());
    }
}
