using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Orders placed through the command API with a sharer or promoter, and the store's sharer report (<c>GET /api/stores/{id}/sharers</c>).</summary>
public sealed class SharerReportTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task An_order_placed_with_an_attribution_records_it_and_counts_for_its_sharer_and_promoter_in_its_store_only()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var other = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        var placed = await shop.OkAsync($"/api/orders/{orderId}", WithAttribution(shop.PlaceOrderBody(), new { sharerId = "sharer-1", sharerType = "ordinary", promoterId = "sph-1" }));
        await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "pay-" + orderId });
        await shop.PaidOrderAsync();

        Assert.Contains("order-attributed", placed.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var report = await Eventually.Get(
            () => host.Client.GetFromJsonAsync<JsonElement>($"/api/stores/{shop.StoreId}/sharers"),
            r => r.GetArrayLength() == 2 && r[0].GetProperty("paidOrders").GetInt64() == 1, because: "the sharer report is projected");
        var sharer = report.EnumerateArray().Single(r => r.GetProperty("role").GetString() == "sharer");
        Assert.Equal(("sharer-1", "ordinary", 1L, 20.0m, 20.0m), (sharer.GetProperty("id").GetString(), sharer.GetProperty("sharerType").GetString(),
            sharer.GetProperty("orders").GetInt64(), sharer.GetProperty("paidAmount").GetDecimal(), sharer.GetProperty("netAmount").GetDecimal()));
        Assert.Equal(1, sharer.GetProperty("days").GetArrayLength());
        Assert.Equal("sph-1", report.EnumerateArray().Single(r => r.GetProperty("role").GetString() == "promoter").GetProperty("id").GetString());
        Assert.Equal(0, (await host.Client.GetFromJsonAsync<JsonElement>($"/api/stores/{other.StoreId}/sharers")).GetArrayLength());
    }

    [Fact]
    public async Task A_token_of_another_store_gets_404_and_nothing_of_the_store_s_sharers()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/orders/{orderId}", WithAttribution(shop.PlaceOrderBody(), new { sharerId = "secret-sharer" }));

        var response = await host.As(Roles.Supervisor, "some-other-store").GetAsync($"/api/stores/{shop.StoreId}/sharers");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("secret-sharer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.As(Roles.Supervisor, shop.StoreId).GetAsync($"/api/stores/{shop.StoreId}/sharers")).StatusCode);
    }

    [Theory]
    [InlineData("sharerId", "s\u00001")]
    [InlineData("promoterId", "p\n1")]
    [InlineData("sharerType", "t\u00071")]
    [InlineData("sharerId", "101")]
    [InlineData("sharerType", "33")]
    public async Task Attribution_fields_with_control_characters_or_too_long_are_a_400_naming_them_and_record_nothing(string field, string value)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        var text = int.TryParse(value, out var length) ? new string('x', length) : value;
        var attribution = new Dictionary<string, string> { ["sharerId"] = "s-1", [field] = text };

        var response = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}", WithAttribution(shop.PlaceOrderBody(), attribution));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty($"attribution.{field}", out _), body);
        Assert.Equal(0, await shop.CountEventsAsync($"order-{orderId}"));
    }

    [Fact]
    public async Task An_attribution_naming_nobody_is_refused_by_its_rule()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];

        var response = await host.Client.PostAsJsonAsync($"/api/orders/{orderId}", WithAttribution(shop.PlaceOrderBody(), new { }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("order.attribution-empty", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await shop.CountEventsAsync($"order-{orderId}"));
    }

    private static Dictionary<string, object> WithAttribution(object placeOrderBody, object attribution)
    {
        var body = JsonSerializer.SerializeToElement(placeOrderBody).Deserialize<Dictionary<string, object>>()!;
        body["attribution"] = attribution;
        return body;
    }
}
