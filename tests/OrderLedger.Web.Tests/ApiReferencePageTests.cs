using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace OrderLedger.Web.Tests;

/// <summary>The OpenAPI UI (<c>/scalar/v1</c>) in a browser: it renders from this host alone, with nothing fetched elsewhere.</summary>
public sealed class ApiReferencePageTests(WebHost host) : IClassFixture<WebHost>
{
    [Fact]
    public async Task The_API_reference_renders_offline_and_asks_no_other_origin_for_anything()
    {
        var page = await host.NewPageAsync();
        var elsewhere = new List<string>();
        var refused = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(host.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                refused.Add(message.Text);
            }
        };

        var response = await page.GotoAsync("/scalar/v1");
        await Expect(page.GetByText("OrderLedger API").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Screenshots.SaveAsync(page, "api-reference");

        Assert.Contains("default-src 'self'", await response!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        Assert.Empty(elsewhere);
        Assert.Equal(0, await page.Locator("a[href*='client.scalar.com']").CountAsync());
        Assert.Empty(refused);
    }
}
