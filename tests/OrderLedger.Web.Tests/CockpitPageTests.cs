using System.Diagnostics;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OrderLedger.Hosting;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrderLedger.Web.Tests;

/// <summary>
/// The cockpit as a supervisor sees it: a figure past its target shows as breached (as the API's scorecard says), the
/// alert of a wait over the store's target appears without a reload and recovers when the agent replies; no axe violations.
/// (The webhook's delivery once per alert is the reactors' test: <c>AlertReactorTests</c>.)
/// </summary>
public sealed class CockpitPageTests(WebHost host, ITestOutputHelper output) : IClassFixture<WebHost>
{
    [Fact]
    public async Task A_supervisor_sees_a_breached_wait_its_alert_appear_and_recover()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        var other = await Shop.OpenAsync(host.Admin);
        var askedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        var conversation = "cv-" + Guid.NewGuid().ToString("N")[..8];
        await shop.PostAsync($"/api/conversations/{conversation}", new { storeId = shop.StoreId, customerId = "cust-9", channel = "email", occurredAt = askedAt });
        await shop.PostAsync($"/api/conversations/{conversation}/messages", new { text = "Where is my parcel?", occurredAt = askedAt });
        await host.CaughtUpAsync();
        var supervisor = host.As(Roles.Supervisor, shop.StoreId, other.StoreId);
        var page = await host.SignedInAsync(Roles.Supervisor, shop.StoreId, other.StoreId);

        var opened = Stopwatch.StartNew();
        await page.GotoAsync("/dashboard.html");
        await page.SelectOptionAsync("#store-picker", shop.StoreId);        // the token's first store may be the other one
        var breached = page.Locator("#scorecard tr[data-figure='queue-breached'] td[data-state]");
        await Expect(breached).ToHaveAttributeAsync("data-state", "Breached");
        output.WriteLine($"cockpit rendered with its scorecard in {opened.ElapsedMilliseconds} ms");
        await Expect(breached).ToHaveTextAsync("breached");
        var card = await WebHost.GetAsync<JsonElement>(supervisor, $"/api/stores/{shop.StoreId}/scorecard");
        Assert.Equal("Breached", card.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("figure").GetString() == "queue-breached").GetProperty("state").GetString());
        await Expect(page.Locator($"#queue tr[data-conversation='{conversation}'] td[data-state]")).ToHaveAttributeAsync("data-state", "Breached");
        await Expect(page.Locator("#stores tbody tr")).ToHaveCountAsync(2);       // every store of the token, side by side
        await Expect(page.Locator($"#stores tr[data-store='{shop.StoreId}'] td[data-state]")).ToHaveAttributeAsync("data-state", "Breached");

        var alert = page.Locator("#alerts tr[data-status='open']");
        await Expect(alert).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(alert).ToContainTextAsync("Wait over target");
        await Screenshots.SaveAsync(page, "cockpit-alert-open");
        var violations = (await page.RunAxe()).Violations;
        Assert.True(violations.Length == 0, string.Join("\n", violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))})")));

        await shop.PostAsync($"/api/conversations/{conversation}/assignment", new { agentId = "agent-1", occurredAt = DateTimeOffset.UtcNow });
        await shop.PostAsync($"/api/conversations/{conversation}/agent-replies", new { text = "On its way.", agentId = "agent-1", occurredAt = DateTimeOffset.UtcNow });

        await Expect(page.Locator("#alerts tr[data-status='recovered']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.Locator("#alerts tr[data-status='open']")).ToHaveCountAsync(0);
        await Expect(breached).ToHaveAttributeAsync("data-state", "Ok");
        var alerts = await WebHost.GetAsync<JsonElement>(supervisor, $"/api/stores/{shop.StoreId}/alerts");
        Assert.Equal("queue-wait", alerts.GetProperty("recent")[0].GetProperty("rule").GetString());
        Assert.Equal(JsonValueKind.String, alerts.GetProperty("recent")[0].GetProperty("recoveredAt").ValueKind);
        await Screenshots.SaveAsync(page, "cockpit-alert-recovered");
        Assert.Empty((await page.RunAxe()).Violations);

        foreach (var call in new[] { "scorecard", "alerts", "metrics/dashboard", "conversations/queue?limit=500" })
        {
            output.WriteLine($"GET …/{call}: {await TimingsAsync(supervisor, $"/api/stores/{shop.StoreId}/{call}")}");
        }
    }

    /// <summary>p50 and p99 of 50 calls, for the report (docs/web.md gives the figures; nothing is asserted on speed).</summary>
    private static async Task<string> TimingsAsync(HttpClient client, string path)
    {
        var times = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var watch = Stopwatch.StartNew();
            (await client.GetAsync(path)).EnsureSuccessStatusCode();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return $"p50 {times[24]:0.0} ms, p99 {times[49]:0.0} ms";
    }
}
