using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Domain.Conversations;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Proactive cases across stores, through the API: each store's promise (<c>POST /api/stores/{id}/policies/proactive-cases</c>)
/// times its own orders, the case (<c>proactive.{reason}.{orderId}</c>) belongs to the order's store, and another
/// store's supervisor sees it neither in their queue nor by its id.
/// </summary>
public sealed class ProactiveCaseStoreTests(ProactiveCaseStoreTests.ImportHost host) : IClassFixture<ProactiveCaseStoreTests.ImportHost>
{
    /// <summary>
    /// Yesterday's orders are imported here, so their timers are due when recorded: a grace of a second after the
    /// recording (instead of the default two minutes) lets the test see the case open without waiting minutes.
    /// </summary>
    public sealed class ImportHost() : ApiHost(new Dictionary<string, string> { ["Reactors:RecordedGrace"] = "00:00:01" });

    private static string CaseOf(string orderId) => ProactiveCases.ConversationId(ProactiveReason.PaidNotShipped, orderId);

    [Fact]
    public async Task A_late_order_opens_a_case_in_its_own_store_on_its_store_s_hours_and_another_store_s_supervisor_cannot_see_it()
    {
        var (storeA, storeB) = (await Scenario.StoreWithStockAsync(host.Client), await Scenario.StoreWithStockAsync(host.Client));
        await storeA.OkAsync($"/api/stores/{storeA.StoreId}/policies/proactive-cases", new { shipWithinHours = 24, noScanHours = 48, onUnreservableLine = true });
        await storeB.OkAsync($"/api/stores/{storeB.StoreId}/policies/proactive-cases", new { shipWithinHours = 48, noScanHours = 48, onUnreservableLine = true });

        // Given an order in each store, same id pattern, placed and paid at the same moments 30 hours ago, none handed over.
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var (placedAt, paidAt) = (now.AddHours(-30), now.AddHours(-30).AddMinutes(1));
        var id = "ord-late-" + Guid.NewGuid().ToString("N")[..8];
        var (orderA, orderB) = (id + "-a", id + "-b");
        foreach (var (shop, orderId) in new[] { (storeA, orderA), (storeB, orderB) })
        {
            await shop.OkAsync($"/api/orders/{orderId}", new
            {
                storeId = shop.StoreId, customerId = "cust-1", channel = "web", currency = "EUR", shippingAddress = Scenario.Address,
                lines = new[] { new { sku = "SKU-1", quantity = 2, unitPrice = 10.0m, barcode = "B-1" } },
                paymentDueAt = now.AddHours(1), occurredAt = placedAt,
            });
            await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "pay-" + orderId, occurredAt = paidAt });
        }

        // Then store A's promise (24 h) has passed: its case opens in store A, dated at the promise.
        var supervisorA = host.As(Roles.Supervisor, storeA.StoreId);
        var caseA = await Eventually.Get(
            () => supervisorA.GetAsync($"/api/conversations/{CaseOf(orderA)}"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30),
            "store A's case in the read model");
        var summary = await caseA.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(
            (storeA.StoreId, orderA, paidAt.AddHours(24)),
            (summary.GetProperty("storeId").GetString(), summary.GetProperty("orderId").GetString(), summary.GetProperty("startedAt").GetDateTimeOffset()));
        // The customer answers the case: now somebody waits, in store A's queue (docs/read-models.md, proactive_reason).
        await storeA.OkAsync($"/api/conversations/{CaseOf(orderA)}/messages", new { text = "still not shipped?" }, host.As(Roles.Ingest, storeA.StoreId));
        await Eventually.Get(
            () => supervisorA.GetStringAsync($"/api/stores/{storeA.StoreId}/conversations/queue"), q => q.Contains(CaseOf(orderA), StringComparison.Ordinal),
            because: "store A's case waits in store A's queue");

        // Store B's order, paid at the same moment, runs on B's own 48 hours: no case yet (A's hours would have opened one
        // in the same dispatcher pass).
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await storeB.CountEventsAsync($"conversation-{CaseOf(orderB)}"));

        // Store B's supervisor sees neither A's case nor A's queue, and B's queue holds none of A's.
        var supervisorB = host.As(Roles.Supervisor, storeB.StoreId);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisorB.GetAsync($"/api/conversations/{CaseOf(orderA)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisorB.GetAsync($"/api/conversations/{CaseOf(orderA)}/messages")).StatusCode);
        var queueOfA = await supervisorB.GetAsync($"/api/stores/{storeA.StoreId}/conversations/queue");
        Assert.Equal(HttpStatusCode.NotFound, queueOfA.StatusCode);
        Assert.DoesNotContain(orderA, await queueOfA.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var queueOfB = await supervisorB.GetAsync($"/api/stores/{storeB.StoreId}/conversations/queue");
        Assert.Equal(HttpStatusCode.OK, queueOfB.StatusCode);
        Assert.DoesNotContain(orderA, await queueOfB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
