using System.Net;
using System.Net.Http.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Issue 6 access rules for the command and query endpoints: each role against each endpoint family (deny cases), and
/// store isolation — a caller only sees and changes the stores in its token; another store's data answers 404.
/// </summary>
public sealed class StoreIsolationTests(ApiHost host) : IClassFixture<ApiHost>
{
    /// <summary>One command endpoint per aggregate family.</summary>
    public static TheoryData<string, string> CommandFamiliesByReadOnlyRole()
    {
        var data = new TheoryData<string, string>();
        string[] commands =
        [
            "/api/stores/s1", "/api/stock/w1/SKU-1/receipts", "/api/orders/o1/payments", "/api/shipments/sh1/delivered",
            "/api/refunds/r1/approval", "/api/conversations/c1/messages",
        ];
        foreach (var role in new[] { Roles.Auditor, Roles.Data })
        {
            foreach (var path in commands)
            {
                data.Add(role, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommandFamiliesByReadOnlyRole))]
    public async Task Auditors_and_the_data_team_cannot_post_commands(string role, string path)
    {
        var response = await host.As(role, "s1").PostAsJsonAsync(path, new { });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/orders/o1")]
    [InlineData("/api/stores/s1/customers/c1/timeline")]
    [InlineData("/api/stores/s1/stock")]
    [InlineData("/api/shipments/sh1")]
    [InlineData("/api/refunds/r1")]
    [InlineData("/api/stores/s1/conversations/queue")]
    [InlineData("/api/stores/s1/metrics/nps")]
    public async Task Ingest_systems_cannot_read_the_read_models(string path)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(Roles.Ingest, "s1").GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent, "/api/orders/o1/history")]
    [InlineData(Roles.Agent, "/api/history/order-o1")]
    [InlineData(Roles.Ingest, "/api/orders/o1/history")]
    [InlineData(Roles.Ingest, "/api/history/order-o1/verification")]
    public async Task Only_auditors_supervisors_the_data_team_and_admins_read_history(string role, string path)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Ingest)]
    public async Task Only_the_data_team_and_admins_see_projection_status(string role)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync("/api/projections")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync("/api/projections/orders")).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_commands_queries_and_history_are_401()
    {
        var anonymous = host.Anonymous;

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/orders/o1/payments", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/orders/o1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/stores/s1/metrics/nps")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/orders/o1/history")).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Ingest)]
    [InlineData(Roles.Admin)]
    public async Task People_and_systems_that_run_the_business_post_commands_in_their_store(string role)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();

        await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "p" }, host.As(role, shop.StoreId));
    }

    [Fact]
    public async Task An_agent_of_store_A_gets_404_for_the_customer_timeline_of_store_B_never_the_data()
    {
        var storeA = await Scenario.StoreWithStockAsync(host.Client);
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        await storeB.PaidOrderAsync("shared-customer");
        await Eventually.Get(
            () => host.As(Roles.Agent, storeB.StoreId).GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/stores/{storeB.StoreId}/customers/shared-customer/timeline"),
            page => page.GetProperty("entries").GetArrayLength() > 0,
            because: "store B's timeline is projected");
        var agentOfA = host.As(Roles.Agent, storeA.StoreId);

        var ofB = await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/customers/shared-customer/timeline");
        var ofA = await agentOfA.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/stores/{storeA.StoreId}/customers/shared-customer/timeline");

        Assert.Equal(HttpStatusCode.NotFound, ofB.StatusCode);
        Assert.DoesNotContain("order-", await ofB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, ofA.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Another_store_s_order_shipment_refund_and_conversation_are_404_to_read()
    {
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await storeB.PaidOrderAsync();
        await Eventually.Get(() => host.Client.GetAsync($"/api/orders/{orderId}"), r => r.StatusCode == HttpStatusCode.OK, because: "the order is projected");
        var agentOfA = host.As(Roles.Agent, "store-a");
        var auditorOfA = host.As(Roles.Auditor, "store-a");

        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/orders/{orderId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/orders/{orderId}/shipments")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/orders/{orderId}/refunds")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/stock")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/refunds")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/shipments/exceptions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/conversations/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/metrics/figures")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await auditorOfA.GetAsync($"/api/orders/{orderId}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await auditorOfA.GetAsync($"/api/history/order-{orderId}/verification")).StatusCode);
    }

    [Fact]
    public async Task Commands_on_another_store_are_404_and_append_nothing()
    {
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await storeB.PlaceOrderAsync();
        var agentOfA = host.As(Roles.Agent, "store-a");
        var newOrder = "ord-" + Guid.NewGuid().ToString("N")[..10];

        var pay = await agentOfA.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "p" });
        var place = await agentOfA.PostAsJsonAsync($"/api/orders/{newOrder}", storeB.PlaceOrderBody());
        var receive = await agentOfA.PostAsJsonAsync($"/api/stock/{storeB.WarehouseId}/SKU-1/receipts", new { storeId = storeB.StoreId, quantity = 5 });
        var policy = await agentOfA.PostAsJsonAsync($"/api/stores/{storeB.StoreId}/policies/auto-refund-window", new { hours = 1 });

        Assert.All([pay, place, receive, policy], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(2, await storeB.CountEventsAsync($"order-{orderId}"));
        Assert.Equal(0, await storeB.CountEventsAsync($"order-{newOrder}"));
        Assert.Equal(2, await storeB.CountEventsAsync($"stock-{storeB.WarehouseId}.SKU-1"));
        Assert.Equal(2, await storeB.CountEventsAsync($"store-{storeB.StoreId}"));
    }

    [Fact]
    public async Task A_stock_receipt_naming_a_warehouse_the_store_does_not_use_is_404()
    {
        var storeA = await Scenario.StoreWithStockAsync(host.Client);
        var storeB = await Scenario.StoreWithStockAsync(host.Client);

        var response = await host.As(Roles.Ingest, storeA.StoreId)
            .PostAsJsonAsync($"/api/stock/{storeB.WarehouseId}/SKU-1/receipts", new { storeId = storeA.StoreId, quantity = 5 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
