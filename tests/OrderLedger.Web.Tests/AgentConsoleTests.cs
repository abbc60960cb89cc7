using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace OrderLedger.Web.Tests;

public sealed class AgentConsoleTests(WebHost host) : IClassFixture<WebHost>
{
    private static async Task FindAsync(IPage page, string by, string value)
    {
        await page.GetByLabel("Find by").SelectOptionAsync(by);
        await page.GetByLabel("Value").FillAsync(value);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find", Exact = true }).ClickAsync();
    }

    /// <summary>The timeline as the API answers it, once it holds at least <paramref name="entries"/> entries.</summary>
    private static Task<JsonElement> TimelineAsync(HttpClient client, string storeId, string customerId, int entries) =>
        Eventually.Get(
            () => WebHost.GetAsync<JsonElement>(client, $"/api/stores/{storeId}/customers/{customerId}/timeline?pageSize=50"),
            page => page.GetProperty("entries").GetArrayLength() >= entries,
            because: $"the timeline of {customerId} has {entries} entries");

    [Fact]
    public async Task An_agent_finds_a_customer_by_phone_and_sees_the_timeline_orders_and_conversations_the_API_holds()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        var first = await shop.PaidOrderAsync("cust-phone", phone: "+1 (555) 010-4477");
        var second = await shop.PaidOrderAsync("cust-phone", phone: "1 555 010 4477");
        await shop.ShippedAsync(first);
        await shop.AnsweredConversationAsync("cust-phone", first, DateTimeOffset.UtcNow.AddMinutes(-5), 60);
        var agent = host.As(Roles.Agent, shop.StoreId);
        await host.CaughtUpAsync();
        var timeline = await TimelineAsync(agent, shop.StoreId, "cust-phone", 12);
        var orders = await WebHost.GetAsync<JsonElement>(agent, $"/api/stores/{shop.StoreId}/customers/cust-phone/orders");
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.GotoAsync("/console.html");

        await FindAsync(page, "phone", "15550104477");

        await Expect(page.Locator("#customer-title")).ToHaveTextAsync($"Customer cust-phone — store {shop.StoreId}");
        var rows = page.Locator("#timeline tbody tr");
        await Expect(rows).ToHaveCountAsync(timeline.GetProperty("entries").GetArrayLength());
        await Expect(page.Locator("#timeline tbody tr td:nth-child(3)"))
            .ToHaveTextAsync(timeline.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("summary").GetString()!).ToArray());
        await Expect(page.Locator("#orders tbody tr td:first-child"))
            .ToHaveTextAsync(orders.EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!).ToArray());
        Assert.Equal([second, first], orders.EnumerateArray().Select(o => o.GetProperty("orderId").GetString()));
        await Expect(page.Locator("#conversations tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#parcels tbody tr td:nth-child(3)")).ToHaveTextAsync("handed_to_carrier");
        await Screenshots.SaveAsync(page, "agent-console");
    }

    [Fact]
    public async Task A_shipment_scan_recorded_after_the_page_opened_appears_without_a_reload()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        var orderId = await shop.PaidOrderAsync("cust-live");
        var shipmentId = await shop.ShippedAsync(orderId);
        await TimelineAsync(host.Admin, shop.StoreId, "cust-live", 6);
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.GotoAsync("/console.html");
        await FindAsync(page, "order", orderId);
        await Expect(page.Locator("#timeline tbody tr[data-type='shipment-handed-to-carrier']")).ToHaveCountAsync(1);
        await page.EvaluateAsync("window.sameDocument = true");

        await shop.PostAsync($"/api/shipments/{shipmentId}/scans", new { location = "Lyon sorting hub", status = "in transit" });

        var scan = page.Locator("#timeline tbody tr[data-type='shipment-tracking-scanned']");
        await Expect(scan).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(scan).ToContainTextAsync("Lyon sorting hub");
        await Expect(page.Locator("#timeline tbody tr").First).ToHaveAttributeAsync("data-type", "shipment-tracking-scanned");
        await Expect(page.Locator("#parcels tbody tr td:nth-child(5)")).ToContainTextAsync("Lyon sorting hub");
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was not reloaded");
    }

    [Fact]
    public async Task A_refused_parcel_back_at_the_warehouse_shows_on_its_order_restocked_and_refunded()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        var orderId = await shop.PaidOrderAsync("cust-refused");
        var shipmentId = await shop.ShippedAsync(orderId);
        await shop.PostAsync($"/api/shipments/{shipmentId}/return-to-sender", new { reason = "buyer refused" });
        await shop.PostAsync($"/api/shipments/{shipmentId}/back-at-warehouse", new { });
        var agent = host.As(Roles.Agent, shop.StoreId);
        // Eventually.Json: the orders read model answers 404 until it has applied the order (a loaded CI machine lags).
        var order = await Eventually.Json(
            agent,
            $"/api/orders/{orderId}",
            o => o.GetProperty("unitsRestocked").GetInt32() == 2 && o.GetProperty("refunded").GetDecimal() > 0,
            because: $"order {orderId} shows its refused parcel restocked and refunded");
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.GotoAsync("/console.html");

        await FindAsync(page, "order", orderId);

        var parcel = page.Locator($"#orders tbody tr[data-order='{orderId}'] li[data-parcel='{shipmentId}']");
        await Expect(parcel).ToHaveAttributeAsync("data-state", "back_at_warehouse");
        await Expect(parcel).ToHaveTextAsync($"{shipmentId}: back at the warehouse · SKU-1 × 2 · 2 restocked");
        await Expect(page.Locator($"#orders tbody tr[data-order='{orderId}'] [data-fact='restocked']")).ToHaveTextAsync("2 units restocked");
        Assert.Equal("back_at_warehouse", order.GetProperty("parcels")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_agent_of_store_A_cannot_see_a_customer_of_store_B()
    {
        var a = await Shop.OpenAsync(host.Admin);
        var b = await Shop.OpenAsync(host.Admin);
        var orderOfB = await b.PaidOrderAsync("cust-of-b", phone: "555-0199");
        await TimelineAsync(host.Admin, b.StoreId, "cust-of-b", 2);
        var agentOfA = host.As(Roles.Agent, a.StoreId);
        var page = await host.SignedInAsync(Roles.Agent, a.StoreId);
        await page.GotoAsync("/console.html");

        await FindAsync(page, "order", orderOfB);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"No customer of store {a.StoreId} matches order {orderOfB}.");
        await FindAsync(page, "phone", "555-0199");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("No customer");
        await FindAsync(page, "customer", "cust-of-b");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"No customer of store {a.StoreId} matches customer id cust-of-b.");
        await Expect(page.Locator("#customer")).ToBeHiddenAsync();

        await Expect(page.Locator("#store-picker option")).ToHaveTextAsync([a.StoreId]);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{b.StoreId}/customers?orderId={orderOfB}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{b.StoreId}/customers/cust-of-b/timeline")).StatusCode);
    }
}
