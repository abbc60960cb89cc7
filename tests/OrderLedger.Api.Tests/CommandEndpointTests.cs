using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OrderLedger.Domain;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Command endpoints: outcomes, idempotency, validation, rule violations — and nothing appended on any error.</summary>
public sealed class CommandEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Placing_and_paying_an_order_answers_with_the_events_recorded()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();

        var paid = await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "p-1" });

        var types = paid.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["order-payment-confirmed"], types);
        Assert.Equal($"order-{orderId}", paid.GetProperty("events")[0].GetProperty("streamId").GetString());
    }

    [Fact]
    public async Task A_retry_with_the_same_commandId_returns_the_first_outcome_and_appends_nothing()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();
        var body = new { commandId = "pay-once-" + orderId, amount = 20.0m, currency = "EUR", paymentReference = "p-1" };

        var first = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", body);
        var retry = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", body);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(3, await shop.CountEventsAsync($"order-{orderId}"));
    }

    [Fact]
    public async Task The_Idempotency_Key_header_works_like_a_commandId()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        var body = shop.PlaceOrderBody(); // a retry sends the same payload (another one would be command.id-reused)

        async Task<HttpResponseMessage> PlaceAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{orderId}") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "key-" + orderId);
            return await host.Client.SendAsync(request);
        }

        var first = await PlaceAsync();
        var retry = await PlaceAsync();

        // A replayed placement answers with the order's own events (the reservations it made are not listed again).
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var firstEvents = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("streamId").GetString() == $"order-{orderId}").Select(e => e.GetRawText()).ToList();
        var retryEvents = (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray().Select(e => e.GetRawText()).ToList();
        Assert.Equal(firstEvents, retryEvents);
        Assert.Equal(2, await shop.CountEventsAsync($"order-{orderId}"));
        Assert.Equal(1, await shop.CountEventsAsync($"stock-{shop.WarehouseId}.SKU-1") - 1);
    }

    [Fact]
    public async Task Missing_and_malformed_fields_are_400_naming_each_field()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();

        var missing = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m });
        var malformed = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = "twenty", currency = "EUR", paymentReference = "p" });
        var badEnum = await host.Client.PostAsJsonAsync($"/api/conversations/c-{orderId}/satisfaction", new { rating = "ecstatic" });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var errors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("currency", out _));
        Assert.True(errors.TryGetProperty("paymentReference", out _));
        Assert.False(errors.TryGetProperty("amount", out _));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("amount", out _));
        Assert.Equal(HttpStatusCode.BadRequest, badEnum.StatusCode);
        Assert.True((await badEnum.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("rating", out _));
        Assert.Equal(2, await shop.CountEventsAsync($"order-{orderId}"));
    }

    [Fact]
    public async Task A_malformed_nested_field_is_named_by_its_path_and_nothing_is_reserved()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];

        var response = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}", new
        {
            storeId = shop.StoreId, customerId = "c", channel = "web", currency = "EUR", shippingAddress = Scenario.Address,
            paymentDueAt = DateTimeOffset.UtcNow.AddHours(1), lines = new[] { new { sku = "SKU-1", quantity = "two", unitPrice = 10.0m } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("lines[0].quantity", out _));
        Assert.Equal(1, await shop.CountEventsAsync($"stock-{shop.WarehouseId}.SKU-1"));
    }

    [Fact]
    public async Task A_commandId_that_differs_from_the_Idempotency_Key_is_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stores/st-x") { Content = JsonContent.Create(new { commandId = "a", name = "S", timeZone = "UTC", currency = "EUR" }) };
        request.Headers.Add("Idempotency-Key", "b");

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("commandId", out _));
    }

    [Fact]
    public async Task An_invalid_request_is_422_and_a_conflict_with_the_state_is_409_each_naming_the_rule_and_appending_nothing()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();

        var mismatch = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = 1.0m, currency = "EUR", paymentReference = "p-2" });
        await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "p-1" });
        var alreadyPaid = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "p-other" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        var problem = await mismatch.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("payment.amount-mismatch", problem.GetProperty("rule").GetString());
        Assert.EndsWith("/payment.amount-mismatch", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, alreadyPaid.StatusCode);
        Assert.Equal("order.already-paid", (await alreadyPaid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
        Assert.Equal(3, await shop.CountEventsAsync($"order-{orderId}"));
    }

    [Fact]
    public async Task Out_of_stock_lists_the_lines_at_fault()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client, units: 1);

        var response = await host.Client.PostAsJsonAsync($"/api/orders/ord-{Guid.NewGuid():N}", shop.PlaceOrderBody(quantity: 5));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("order.out-of-stock", problem.GetProperty("rule").GetString());
        Assert.Equal("SKU-1", problem.GetProperty("lines")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task A_command_on_an_aggregate_that_does_not_exist_is_404()
    {
        var response = await host.Client.PostAsJsonAsync("/api/shipments/nope/delivered", new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_second_open_conversation_about_the_same_order_is_escalated_at_once()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync("cust-e");
        var start = new { storeId = shop.StoreId, customerId = "cust-e", channel = "chat", orderId, botEnabled = true };
        await shop.OkAsync($"/api/conversations/first-{orderId}", start);
        await OrderLedger.Testing.Eventually.Get(
            () => host.Client.GetAsync($"/api/conversations/first-{orderId}"), r => r.StatusCode == HttpStatusCode.OK, because: "the first conversation is projected");

        var second = await shop.OkAsync($"/api/conversations/second-{orderId}", start);

        Assert.Contains("conversation-escalated", second.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public void Concurrency_exhaustion_and_other_conflicts_are_409_invalid_requests_422()
    {
        var exhausted = (IStatusCodeHttpResult)ApiProblems.Rule(DomainError.Conflict("concurrency.conflict", "kept changing"));
        var invalid = (IStatusCodeHttpResult)ApiProblems.Rule(DomainError.Invalid("stock.quantity-invalid", "no"));

        Assert.Equal(409, exhausted.StatusCode);
        Assert.Equal(422, invalid.StatusCode);
    }

    [Fact]
    public async Task Every_family_of_commands_runs_end_to_end()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var s = shop.StoreId;
        await shop.OkAsync($"/api/stores/{s}/policies/auto-refund-window", new { hours = 48 });
        await shop.OkAsync($"/api/stores/{s}/policies/service-hours", new { opens = "08:00", closes = "23:00", timeZone = "UTC" });
        await shop.OkAsync($"/api/stores/{s}/policies/sla-targets", new { firstReplySeconds = 180, resolutionHours = 24, npsSurveyDelayDays = 7 });
        await shop.OkAsync($"/api/stores/{s}/policies/return-addresses", new { scope = "Default", address = Scenario.Address });
        await shop.OkAsync($"/api/stock/{shop.WarehouseId}/SKU-1/adjustments", new { storeId = s, countedOnHand = 12, reason = "count" });

        var orderId = await shop.PaidOrderAsync();
        var shipmentId = "shp-" + orderId;
        await shop.OkAsync($"/api/shipments/{shipmentId}", new
        {
            orderId, storeId = s, warehouseId = shop.WarehouseId, shippingAddress = Scenario.Address,
            lines = new[] { new { sku = "SKU-1", quantity = 2, barcode = "B-1" } },
        });
        await shop.OkAsync($"/api/shipments/{shipmentId}/picked", new { });
        await shop.OkAsync($"/api/shipments/{shipmentId}/packed", new { scannedBarcodes = new[] { "B-1", "B-1" }, weightGrams = 800 });
        await shop.OkAsync($"/api/shipments/{shipmentId}/handover", new { carrier = "DHL", trackingNumber = "T-1" });
        await shop.OkAsync($"/api/shipments/{shipmentId}/scans", new { location = "Hub", status = "in transit" });
        await shop.OkAsync($"/api/shipments/{shipmentId}/exceptions", new { kind = "Delayed", note = "storm" });
        await shop.OkAsync($"/api/shipments/{shipmentId}/delivered", new { });
        await shop.OkAsync($"/api/orders/{orderId}/completion", new { });

        var refundId = "rf-" + orderId;
        await shop.OkAsync($"/api/refunds/{refundId}", new
        {
            orderId, storeId = s, customerId = "cust-1", kind = "ReturnAndRefund", reason = "too small",
            lines = new[] { new { sku = "SKU-1", quantity = 1, amount = 10.0m } },
        });
        await shop.OkAsync($"/api/refunds/{refundId}/approval", new { });
        await shop.OkAsync($"/api/refunds/{refundId}/return-shipped", new { carrier = "DHL", trackingNumber = "R-1" });
        await shop.OkAsync($"/api/refunds/{refundId}/return-received", new { scannedTrackingNumber = "R-1" });
        await shop.OkAsync($"/api/refunds/{refundId}/inspection", new { passed = true, note = "ok" });
        await shop.OkAsync($"/api/refunds/{refundId}/payment", new { paymentReference = "rp-1" });
        await shop.OkAsync($"/api/refunds/{refundId}/dispute", new { reason = "late" });
        await shop.OkAsync($"/api/refunds/{refundId}/dispute/judgement", new { merchantAtFault = false, note = "fine" });

        var conversationId = "cv-" + orderId;
        var now = DateTimeOffset.UtcNow;
        await shop.OkAsync($"/api/conversations/{conversationId}", new { storeId = s, customerId = "cust-1", channel = "chat", orderId, botEnabled = true, occurredAt = now.AddMinutes(-10) });
        await shop.OkAsync($"/api/conversations/{conversationId}/messages", new { text = "where is it?", occurredAt = now.AddMinutes(-9) });
        await shop.OkAsync($"/api/conversations/{conversationId}/bot-replies", new { text = "checking", occurredAt = now.AddMinutes(-9) });
        await shop.OkAsync($"/api/conversations/{conversationId}/handoff", new { reason = "asked for a human", occurredAt = now.AddMinutes(-8) });
        await shop.OkAsync($"/api/conversations/{conversationId}/assignment", new { agentId = "agent-7", occurredAt = now.AddMinutes(-8) });
        await shop.OkAsync($"/api/conversations/{conversationId}/agent-replies", new { agentId = "agent-7", text = "on its way", occurredAt = now.AddMinutes(-7) });
        await shop.OkAsync($"/api/conversations/{conversationId}/escalation", new { reason = "vip", occurredAt = now.AddMinutes(-6) });
        await shop.OkAsync($"/api/conversations/{conversationId}/resolution", new { occurredAt = now.AddMinutes(-5) });
        await shop.OkAsync($"/api/conversations/{conversationId}/satisfaction", new { rating = "Satisfied", occurredAt = now.AddMinutes(-4) });
        await shop.OkAsync($"/api/conversations/{conversationId}/nps-survey", new { occurredAt = now.AddMinutes(-3) });
        await shop.OkAsync($"/api/conversations/{conversationId}/nps-answer", new { score = 9, occurredAt = now.AddMinutes(-2) });

        var other = await shop.PlaceOrderAsync();
        await shop.OkAsync($"/api/orders/{other}/payment-failures", new { paymentReference = "px", reason = "declined" });
        await shop.OkAsync($"/api/orders/{other}/cancellation", new { reason = "changed mind" });
        var late = "ord-late-" + Guid.NewGuid().ToString("N")[..8];
        await shop.OkAsync($"/api/orders/{late}", new
        {
            storeId = s, customerId = "cust-1", channel = "web", currency = "EUR", shippingAddress = Scenario.Address,
            lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 10.0m, barcode = "B-1" } },
            paymentDueAt = now.AddMinutes(-1), occurredAt = now.AddMinutes(-31),
        });
        await shop.OkAsync($"/api/orders/{late}/payment-timeout", new { occurredAt = now });
    }

    [Fact]
    public async Task A_business_time_beyond_the_clock_or_before_the_streams_last_event_is_422_naming_occurredAt_and_appends_nothing()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();
        var before = await shop.CountEventsAsync($"order-{orderId}");

        var future = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payment-timeout", new { occurredAt = DateTimeOffset.UtcNow.AddYears(5) });
        var past = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}/cancellation", new { reason = "changed mind", occurredAt = DateTimeOffset.UtcNow.AddDays(-1) });

        foreach (var (response, rule) in new[] { (future, "occurred-at.in-the-future"), (past, "occurred-at.before-last-event") })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(rule, problem.GetProperty("rule").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty("occurredAt", out _), problem.ToString());
        }

        Assert.Equal(before, await shop.CountEventsAsync($"order-{orderId}"));
    }
}
