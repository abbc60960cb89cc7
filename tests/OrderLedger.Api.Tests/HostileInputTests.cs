using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// The hostile inputs of issue 13, through the HTTP API: each is a 400 naming the field or parameter (never a 5xx) and
/// appends nothing. The limits themselves are docs/security.md, "Input limits".
/// </summary>
public sealed class HostileInputTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_NUL_in_an_order_s_customer_id_is_a_400_and_reserves_nothing()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        var body = JsonSerializer.SerializeToElement(shop.PlaceOrderBody()).Deserialize<Dictionary<string, object>>()!;
        body["customerId"] = "c\u00001";

        var response = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}", body);

        await AssertFieldAsync(response, "customerId");
        Assert.Equal(0, await shop.CountEventsAsync($"order-{orderId}"));
        Assert.Equal(1, await shop.CountEventsAsync($"stock-{shop.WarehouseId}.SKU-1"));
    }

    [Theory]
    [InlineData("hello\u0000world", "text")]
    [InlineData("bell\u0007", "text")]
    [InlineData("line\u2028separator", "text")]
    public async Task Control_characters_in_message_text_are_a_400(string text, string field)
    {
        var conversationId = await StartConversationAsync();

        var response = await host.Client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text });

        await AssertFieldAsync(response, field);
        Assert.Equal(1, await new Scenario(host.Client).CountEventsAsync($"conversation-{conversationId}"));
    }

    [Fact]
    public async Task Message_text_may_hold_newlines_and_tabs_but_ids_may_not()
    {
        var conversationId = await StartConversationAsync();

        var prose = await host.Client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "line one\nline two\tend" });
        var id = await host.Client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "hi", messageId = "m\n1" });

        Assert.Equal(HttpStatusCode.OK, prose.StatusCode);
        await AssertFieldAsync(id, "messageId");
    }

    // A NUL in a path never reaches the app (the HTTP server refuses the request); other control characters do.
    [Fact]
    public async Task A_control_character_in_a_route_value_is_a_400_naming_it()
    {
        await AssertFieldAsync(await host.Client.GetAsync("/api/orders/o%07x"), "orderId");
        await AssertFieldAsync(await host.Client.PostAsJsonAsync("/api/orders/o%0Ax/cancellation", new { reason = "r" }), "orderId");
    }

    [Fact]
    public async Task Text_over_its_length_is_a_400()
    {
        var conversationId = await StartConversationAsync();

        var response = await host.Client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = new string('a', 10_001) });

        await AssertFieldAsync(response, "text");
    }

    [Fact]
    public async Task A_raw_append_with_control_characters_in_its_data_type_or_stream_is_a_400_and_writes_nothing()
    {
        var stream = "note-" + Guid.NewGuid().ToString("N")[..10];

        var data = await PostRawAsync($"/api/streams/{stream}", """{"expectedRevision":"any","events":[{"type":"note-added","data":{"text":"a\u0000b"}}]}""");
        var type = await PostRawAsync($"/api/streams/{stream}", """{"expectedRevision":"any","events":[{"type":"note\u0000added","data":{}}]}""");
        var streamId = await PostRawAsync($"/api/streams/{stream}%01x", """{"expectedRevision":"any","events":[{"type":"note-added","data":{}}]}""");

        await AssertFieldAsync(data, "events[0].data");
        await AssertFieldAsync(type, "events[0].type");
        await AssertFieldAsync(streamId, "streamId");
        Assert.Equal(0, await new Scenario(host.Client).CountEventsAsync(stream));
    }

    [Fact]
    public async Task Regions_null_is_a_400_naming_the_nested_field()
    {
        var storeId = "st-" + Guid.NewGuid().ToString("N")[..10];
        await new Scenario(host.Client).OkAsync($"/api/stores/{storeId}", new { name = "Shop", timeZone = "UTC", currency = "EUR" });

        var response = await PostRawAsync($"/api/stores/{storeId}/policies/warehouses", """{"warehouses":[{"warehouseId":"wh-1","regions":null}]}""");

        await AssertFieldAsync(response, "warehouses[0].regions");
    }

    [Theory]
    [InlineData("""{"amount":1e30,"currency":"EUR","paymentReference":"p"}""", "amount")]
    [InlineData("""{"amount":79228162514264337593543950336,"currency":"EUR","paymentReference":"p"}""", "amount")]
    [InlineData("""{"amount":20.001,"currency":"EUR","paymentReference":"p"}""", "amount")]
    [InlineData("""{"amount":-20,"currency":"EUR","paymentReference":"p"}""", "amount")]
    public async Task Money_out_of_range_or_finer_than_the_currency_is_a_400(string body, string field)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();

        var response = await PostRawAsync($"/api/orders/{orderId}/payments", body);

        await AssertFieldAsync(response, field);
        Assert.Equal(2, await shop.CountEventsAsync($"order-{orderId}"));
    }

    [Theory]
    [InlineData(2147483647, "quantity")]
    [InlineData(1_000_001, "quantity")]
    [InlineData(-1, "quantity")]
    public async Task A_stock_receipt_out_of_range_is_a_400(int quantity, string field)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var response = await host.Client.PostAsJsonAsync($"/api/stock/{shop.WarehouseId}/SKU-1/receipts", new { storeId = shop.StoreId, quantity });

        await AssertFieldAsync(response, field);
        Assert.Equal(1, await shop.CountEventsAsync($"stock-{shop.WarehouseId}.SKU-1"));
    }

    [Fact]
    public async Task An_int_overflow_in_a_body_is_a_400_naming_the_field()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var response = await PostRawAsync($"/api/stock/{shop.WarehouseId}/SKU-1/receipts", $$"""{"storeId":"{{shop.StoreId}}","quantity":2147483648}""");

        await AssertFieldAsync(response, "quantity");
    }

    [Fact]
    public async Task SLA_targets_of_int_max_are_refused_at_the_edge()
    {
        var storeId = "st-" + Guid.NewGuid().ToString("N")[..10];
        await new Scenario(host.Client).OkAsync($"/api/stores/{storeId}", new { name = "Shop", timeZone = "UTC", currency = "EUR" });

        var response = await host.Client.PostAsJsonAsync(
            $"/api/stores/{storeId}/policies/sla-targets", new { firstReplySeconds = int.MaxValue, resolutionHours = int.MaxValue, npsSurveyDelayDays = int.MaxValue });

        var errors = await AssertFieldAsync(response, "firstReplySeconds");
        Assert.True(errors.TryGetProperty("resolutionHours", out _));
        Assert.True(errors.TryGetProperty("npsSurveyDelayDays", out _));
        Assert.Equal(1, await new Scenario(host.Client).CountEventsAsync($"store-{storeId}"));
    }

    [Fact]
    public async Task Proactive_case_hours_past_thirty_days_are_refused_at_the_edge_and_zero_by_the_domain()
    {
        var storeId = "st-" + Guid.NewGuid().ToString("N")[..10];
        var scenario = new Scenario(host.Client);
        await scenario.OkAsync($"/api/stores/{storeId}", new { name = "Shop", timeZone = "UTC", currency = "EUR" });

        var tooLong = await host.Client.PostAsJsonAsync(
            $"/api/stores/{storeId}/policies/proactive-cases", new { shipWithinHours = 721, noScanHours = int.MaxValue, onUnreservableLine = true });
        var zero = await host.Client.PostAsJsonAsync(
            $"/api/stores/{storeId}/policies/proactive-cases", new { shipWithinHours = 0, noScanHours = 48, onUnreservableLine = true });
        var set = await host.Client.PostAsJsonAsync(
            $"/api/stores/{storeId}/policies/proactive-cases", new { shipWithinHours = 24, noScanHours = 72, onUnreservableLine = false });

        var errors = await AssertFieldAsync(tooLong, "shipWithinHours");
        Assert.True(errors.TryGetProperty("noScanHours", out _));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.StatusCode);
        Assert.Contains("store.proactive-hours-out-of-range", await zero.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(2, await scenario.CountEventsAsync($"store-{storeId}"));
    }

    [Theory]
    [InlineData("""{"rating":99}""", "rating")]
    [InlineData("""{"rating":"Neutral, Dissatisfied"}""", "rating")]
    public async Task An_enum_accepts_defined_names_only(string body, string field)
    {
        var conversationId = await StartConversationAsync();

        await AssertFieldAsync(await PostRawAsync($"/api/conversations/{conversationId}/satisfaction", body), field);
    }

    [Theory]
    [InlineData("/api/stores/{store}/shipments/stuck?hours=2147483647", "hours")]
    [InlineData("/api/stores/{store}/shipments/stuck?hours=abc", "hours")]
    [InlineData("/api/stores/{store}/conversations/queue?atRiskShare=NaN", "atRiskShare")]
    [InlineData("/api/stores/{store}/conversations/queue?atRiskShare=Infinity", "atRiskShare")]
    [InlineData("/api/stores/{store}/conversations/queue?slaSeconds=2147483647", "slaSeconds")]
    [InlineData("/api/stores/{store}/metrics/figures?now=0001-01-01T00:00:00Z", "now")]
    [InlineData("/api/stores/{store}/metrics/nps-daily?from=9999-01-01&to=9999-12-31", "from")]
    [InlineData("/api/stores/{store}/metrics/nps?from=2026-01-01&to=9999-12-31", "to")]
    [InlineData("/api/streams/order-x?from=9223372036854775808", "from")]
    [InlineData("/api/streams/order-x?from=2%5E63", "from")]
    [InlineData("/api/all?after=18446744073709551615/0", "after")]
    [InlineData("/api/all?streamPrefix=order-%00", "streamPrefix")]
    [InlineData("/api/history/order-x?at=0001-01-01T00:00:00Z", "at")]
    [InlineData("/api/stores/{store}/orders?limit=99999999999", "limit")]
    public async Task Hostile_query_parameters_are_a_400_naming_the_parameter(string path, string parameter)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        await AssertFieldAsync(await host.Client.GetAsync(path.Replace("{store}", shop.StoreId, StringComparison.Ordinal)), parameter);
    }

    private async Task<string> StartConversationAsync()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var conversationId = "cv-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/conversations/{conversationId}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat" });
        return conversationId;
    }

    private Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> AssertFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"no error for '{field}': {text}");
        return errors;
    }
}
