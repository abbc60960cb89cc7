using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Query endpoints over the read models (eventually consistent: each test waits for its data) and the auditors' history.</summary>
public sealed class QueryEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static Task<JsonElement> EventuallyAsync(HttpClient client, string path, Func<JsonElement, bool> done) =>
        Eventually.Json(client, path, done, Wait);

    [Fact]
    public async Task Order_summary_with_its_shipments_and_refunds()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PaidOrderAsync();
        var agent = host.As(Roles.Agent, shop.StoreId);

        var order = await EventuallyAsync(agent, $"/api/orders/{orderId}", o => o.GetProperty("status").GetString() == "paid");

        Assert.Equal(20.0m, order.GetProperty("total").GetDecimal());
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}/shipments")).GetArrayLength());
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}/refunds")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/orders/nope")).StatusCode);
        await EventuallyAsync(agent, $"/api/stores/{shop.StoreId}/orders?status=paid", list => list.GetArrayLength() == 1);
    }

    [Fact]
    public async Task Customer_timeline_pages_with_a_cursor()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.PaidOrderAsync("cust-t");
        await shop.PaidOrderAsync("cust-t");
        var agent = host.As(Roles.Agent, shop.StoreId);
        var path = $"/api/stores/{shop.StoreId}/customers/cust-t/timeline";

        var all = await EventuallyAsync(agent, path + "?pageSize=100", page => page.GetProperty("entries").GetArrayLength() >= 4);
        var first = await agent.GetFromJsonAsync<JsonElement>(path + "?pageSize=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await agent.GetFromJsonAsync<JsonElement>($"{path}?pageSize=2&cursor={Uri.EscapeDataString(cursor!)}");

        Assert.Equal(2, first.GetProperty("entries").GetArrayLength());
        Assert.Equal(
            all.GetProperty("entries")[2].GetProperty("position").GetRawText(),
            second.GetProperty("entries")[0].GetProperty("position").GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.GetAsync(path + "?cursor=garbage")).StatusCode);
        await EventuallyAsync(agent, $"/api/stores/{shop.StoreId}/customers/cust-t/orders", list => list.GetArrayLength() == 2);
    }

    [Fact]
    public async Task Stock_levels_of_the_store_s_warehouses()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client, units: 10);
        await shop.PlaceOrderAsync(quantity: 3);

        var stock = await EventuallyAsync(
            host.As(Roles.Supervisor, shop.StoreId), $"/api/stores/{shop.StoreId}/stock", list => list.GetArrayLength() == 1 && list[0].GetProperty("reserved").GetInt32() == 3);

        Assert.Equal(7, stock[0].GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Shipment_tracking_refund_status_and_the_conversation_queue()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PaidOrderAsync();
        var shipmentId = "shp-" + orderId;
        await shop.OkAsync($"/api/shipments/{shipmentId}", new
        {
            orderId, storeId = shop.StoreId, warehouseId = shop.WarehouseId, shippingAddress = Scenario.Address,
            lines = new[] { new { sku = "SKU-1", quantity = 2, barcode = "B-1" } },
        });
        await shop.OkAsync($"/api/shipments/{shipmentId}/exceptions", new { kind = "AddressError", note = "no such street" });
        var refundId = "rf-" + orderId;
        await shop.OkAsync($"/api/refunds/{refundId}", new
        {
            orderId, storeId = shop.StoreId, customerId = "cust-1", kind = "RefundOnly", reason = "late",
            lines = new[] { new { sku = "SKU-1", quantity = 0, amount = 5.0m } },
        });
        var conversationId = "cv-" + orderId;
        await shop.OkAsync($"/api/conversations/{conversationId}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "phone", botEnabled = false, occurredAt = DateTimeOffset.UtcNow.AddMinutes(-5) });
        await shop.OkAsync($"/api/conversations/{conversationId}/messages", new { text = "hello?", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-4) });
        var agent = host.As(Roles.Agent, shop.StoreId);

        var shipment = await EventuallyAsync(agent, $"/api/shipments/{shipmentId}", s => s.GetProperty("exceptionCount").GetInt32() == 1);
        var refund = await EventuallyAsync(agent, $"/api/refunds/{refundId}", _ => true);
        var queue = await EventuallyAsync(agent, $"/api/stores/{shop.StoreId}/conversations/queue", q => q.GetArrayLength() == 1);

        Assert.Equal("address_error", shipment.GetProperty("openExceptions")[0].GetString());
        Assert.Equal("requested", refund.GetProperty("status").GetString());
        Assert.True(queue[0].GetProperty("slaBreached").GetBoolean());
        await EventuallyAsync(agent, $"/api/stores/{shop.StoreId}/shipments/exceptions", list => list.GetArrayLength() == 1);
        await EventuallyAsync(agent, $"/api/stores/{shop.StoreId}/refunds?status=requested", list => list.GetArrayLength() == 1);
        await EventuallyAsync(agent, $"/api/conversations/{conversationId}", c => c.GetProperty("mode").GetString() == "human");
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/stores/{shop.StoreId}/shipments/stuck")).StatusCode);
    }

    [Fact]
    public async Task Every_metric_answers_for_a_store_and_the_window_is_validated()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var names = await supervisor.GetFromJsonAsync<List<string>>($"/api/stores/{shop.StoreId}/metrics");
        foreach (var name in names!)
        {
            var response = await supervisor.GetAsync($"/api/stores/{shop.StoreId}/metrics/{name}?from={today}&to={today}&agentId=agent-7");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/stores/{shop.StoreId}/metrics/nps")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.GetAsync($"/api/stores/{shop.StoreId}/metrics/nps?from={today}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/stores/{shop.StoreId}/metrics/happiness")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.As(Roles.Data).GetAsync("/api/stores/*/metrics/figures")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync("/api/stores/*/metrics/figures")).StatusCode);
    }

    [Fact]
    public async Task Auditors_read_an_order_s_history_with_the_state_after_each_event_and_as_of_a_moment()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        var placedAt = DateTimeOffset.UtcNow.AddMinutes(-30);
        await shop.OkAsync($"/api/orders/{orderId}", new
        {
            storeId = shop.StoreId, customerId = "c", channel = "web", currency = "EUR", occurredAt = placedAt,
            lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 10.0m } }, shippingAddress = Scenario.Address, paymentDueAt = placedAt.AddHours(1),
        });
        await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 10.0m, currency = "EUR", paymentReference = "p", occurredAt = placedAt.AddMinutes(10) });
        var auditor = host.As(Roles.Auditor, shop.StoreId);

        var history = await auditor.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}/history");
        var asOf = await auditor.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}/history?at={Uri.EscapeDataString(placedAt.AddMinutes(5).ToString("O"))}");
        var verified = await auditor.GetFromJsonAsync<JsonElement>($"/api/history/order-{orderId}/verification");

        var steps = history.GetProperty("steps");
        Assert.Equal(["order-placed", "order-allocated", "order-payment-confirmed"], steps.EnumerateArray().Select(s => s.GetProperty("type").GetString()));
        Assert.Equal("order-allocated", asOf.GetProperty("type").GetString());
        Assert.NotEqual(JsonValueKind.Null, asOf.GetProperty("stateAfter").ValueKind);
        Assert.True(verified.GetProperty("intact").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/orders/{orderId}/history?at=2000-01-01T00:00:00Z")).StatusCode);
    }
}
