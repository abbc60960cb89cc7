using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Issue 13: no role pays money out alone — policies need a supervisor or an admin; a refund by staff is never approved by rule.</summary>
public sealed class SeparationOfDutiesTests(ApiHost host) : IClassFixture<ApiHost>
{
    public static TheoryData<string, object> PolicyEndpoints() => new()
    {
        { "auto-refund-window", new { hours = 2160 } },
        { "sla-targets", new { firstReplySeconds = 60, resolutionHours = 1, npsSurveyDelayDays = 0 } },
        { "warehouses", new { warehouses = new[] { new { warehouseId = "wh-" + Guid.NewGuid().ToString("N")[..8], regions = new[] { "north" } } } } },
        { "return-addresses", new { scope = "Default", address = Scenario.Address } },
        { "service-hours", new { opens = "00:00", closes = "23:59", timeZone = "UTC" } },
    };

    [Theory]
    [MemberData(nameof(PolicyEndpoints))]
    public async Task Agents_and_ingest_systems_cannot_set_store_policies_supervisors_can(string policy, object body)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var path = $"/api/stores/{shop.StoreId}/policies/{policy}";
        var before = await shop.CountEventsAsync($"store-{shop.StoreId}");

        var byAgent = await host.As(Roles.Agent, shop.StoreId).PostAsJsonAsync(path, body);
        var byIngest = await host.As(Roles.Ingest, shop.StoreId).PostAsJsonAsync(path, body);

        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byIngest.StatusCode);
        Assert.Equal(before, await shop.CountEventsAsync($"store-{shop.StoreId}"));
        await shop.OkAsync(path, body, host.As(Roles.Supervisor, shop.StoreId));
    }

    [Fact]
    public async Task A_full_refund_an_agent_requests_under_the_widest_window_waits_for_a_second_person()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/auto-refund-window", new { hours = 2160 }, host.As(Roles.Supervisor, shop.StoreId));
        var (first, second, third) = (await shop.PaidOrderAsync(), await shop.PaidOrderAsync(), await shop.PaidOrderAsync());

        var byAgent = await shop.OkAsync($"/api/refunds/rf-{first}", FullRefund(shop, first), host.As(Roles.Agent, shop.StoreId));
        var bySupervisor = await shop.OkAsync($"/api/refunds/rf-{second}", FullRefund(shop, second), host.As(Roles.Supervisor, shop.StoreId));
        var byAdmin = await shop.OkAsync($"/api/refunds/rf-{third}", FullRefund(shop, third), host.Client);

        Assert.Equal(["order-refund-claimed", "refund-requested"], Types(byAgent));
        Assert.Equal(["order-refund-claimed", "refund-requested"], Types(bySupervisor));
        Assert.Equal(["order-refund-claimed", "refund-requested"], Types(byAdmin));
    }

    [Fact]
    public async Task A_customer_s_request_relayed_by_an_ingest_connector_is_still_approved_by_rule()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/auto-refund-window", new { hours = 48 });
        var orderId = await shop.PaidOrderAsync();

        var relayed = await shop.OkAsync($"/api/refunds/rf-{orderId}", FullRefund(shop, orderId), host.As(Roles.Ingest, shop.StoreId));

        Assert.Equal(["order-refund-claimed", "refund-requested", "refund-approved"], Types(relayed));
    }

    private static object FullRefund(Scenario shop, string orderId) => new
    {
        orderId, storeId = shop.StoreId, customerId = "cust-1", kind = "RefundOnly", reason = "changed my mind",
        lines = new[] { new { sku = "SKU-1", quantity = 0, amount = 20.0m } },
    };

    private static List<string?> Types(JsonElement accepted) =>
        [.. accepted.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString())];
}
