using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace OrderLedger.Web.Tests;

/// <summary>axe-core (Deque.AxeCore.Playwright, injected by the test, not served by the host) over the page as it stands: no violation of any rule.</summary>
public static class Accessibility
{
    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        Assert.True(
            result.Violations.Length == 0,
            string.Join(Environment.NewLine, result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Select(n => n.Html))}")));
    }
}
