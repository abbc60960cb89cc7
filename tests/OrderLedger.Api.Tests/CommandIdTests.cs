using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Issue 13: a commandId names one command of one store; a retry replays it, anything else sent under it is refused.</summary>
public sealed class CommandIdTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_same_id_with_the_same_command_and_payload_replays_the_first_outcome()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();
        var body = new { commandId = "pay-" + orderId, amount = 20.0m, currency = "EUR", paymentReference = "p-1" };

        var first = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", body);
        var again = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(3, await shop.CountEventsAsync($"order-{orderId}"));
    }

    [Fact]
    public async Task The_same_id_with_another_command_is_422_naming_the_original_and_the_cancellation_is_not_lost_silently()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();
        var commandId = "cmd-" + orderId;
        await shop.OkAsync($"/api/orders/{orderId}/payment-failures", new { commandId, paymentReference = "px", reason = "declined" });

        var cancel = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/cancellation", new { commandId, reason = "changed mind" });
        var problem = await cancel.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, cancel.StatusCode);
        Assert.Equal("command.id-reused", problem.GetProperty("rule").GetString());
        Assert.Contains("FailPayment", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(cancel.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(3, await shop.CountEventsAsync($"order-{orderId}"));
    }

    [Fact]
    public async Task The_same_id_with_another_payload_is_422()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();
        var commandId = "fail-" + orderId;
        await shop.OkAsync($"/api/orders/{orderId}/payment-failures", new { commandId, paymentReference = "px", reason = "declined" });

        var changed = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payment-failures", new { commandId, paymentReference = "px", reason = "fraud" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        Assert.Contains("command.id-reused", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_B_cannot_squat_a_command_id_store_A_will_use()
    {
        var storeA = await Scenario.StoreWithStockAsync(host.Client);
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var orderOfA = await storeA.PlaceOrderAsync();
        var orderOfB = await storeB.PlaceOrderAsync();
        var predictable = "shopify-payment-" + orderOfA;
        var agentOfB = host.As(Roles.Agent, storeB.StoreId);
        await storeB.OkAsync($"/api/orders/{orderOfB}/payments", new { commandId = predictable, amount = 20.0m, currency = "EUR", paymentReference = "b" }, agentOfB);
        await storeB.OkAsync($"/api/stock/{storeB.WarehouseId}/SKU-1/receipts", new { commandId = "receipt-" + predictable, storeId = storeB.StoreId, quantity = 1 }, agentOfB);

        var ingestOfA = host.As(Roles.Ingest, storeA.StoreId);
        var payA = await ingestOfA.PostAsJsonAsync($"/api/orders/{orderOfA}/payments", new { commandId = predictable, amount = 20.0m, currency = "EUR", paymentReference = "a" });
        var receiveA = await ingestOfA.PostAsJsonAsync($"/api/stock/{storeA.WarehouseId}/SKU-1/receipts", new { commandId = "receipt-" + predictable, storeId = storeA.StoreId, quantity = 1 });

        Assert.Equal(HttpStatusCode.OK, payA.StatusCode);
        Assert.False(payA.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.OK, receiveA.StatusCode);
        Assert.Equal(3, await storeA.CountEventsAsync($"order-{orderOfA}"));
    }
}
