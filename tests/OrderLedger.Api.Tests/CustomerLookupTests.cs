using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary><c>GET /api/stores/{storeId}/customers?phone=…|orderId=…</c>: the agents' customer lookup.</summary>
public sealed class CustomerLookupTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static async Task<string> OrderShippedToAsync(Scenario shop, string customerId, string? phone)
    {
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/orders/{orderId}", new
        {
            storeId = shop.StoreId, customerId, channel = "web", currency = "EUR", paymentDueAt = DateTimeOffset.UtcNow.AddHours(1),
            lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 10.0m } },
            shippingAddress = new { name = "Ann", line1 = "1 Main St", city = "Springfield", postalCode = "12345", region = "north", country = "US", phone },
        });
        return orderId;
    }

    /// <summary>
    /// Waits for <paramref name="expected"/> customers and, when given, for <paramref name="settled"/>: one customer's
    /// first order can be in the read model before the second, so a count alone can be met too early.
    /// </summary>
    private static Task<JsonElement> FindAsync(HttpClient client, string storeId, string query, int expected, Func<JsonElement, bool>? settled = null) =>
        Eventually.Get(
            () => client.GetFromJsonAsync<JsonElement>($"/api/stores/{storeId}/customers?{query}"),
            found => found.GetArrayLength() == expected && (settled is null || settled(found)),
            TimeSpan.FromSeconds(30),
            $"{expected} customers for {query}");

    [Fact]
    public async Task A_phone_finds_the_store_s_customers_whose_orders_ship_to_it_comparing_digits_only()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await OrderShippedToAsync(shop, "cust-ann", "+1 (555) 010-4477");
        await OrderShippedToAsync(shop, "cust-ann", "1.555.010.4477");
        await OrderShippedToAsync(shop, "cust-bob", "+1 555 010 9999");
        await OrderShippedToAsync(shop, "cust-eve", null);
        var agent = host.As(Roles.Agent, shop.StoreId);

        var found = await FindAsync(agent, shop.StoreId, "phone=" + Uri.EscapeDataString("1-555-010-4477"), 1,
            settled: f => f[0].GetProperty("matchingOrders").GetInt32() >= 2);

        Assert.Equal("cust-ann", found[0].GetProperty("customerId").GetString());
        Assert.Equal(2, found[0].GetProperty("matchingOrders").GetInt32());
        Assert.Equal(shop.StoreId, found[0].GetProperty("storeId").GetString());
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>($"/api/stores/{shop.StoreId}/customers?phone=5550104477")).GetArrayLength());
    }

    [Fact]
    public async Task An_order_number_finds_its_customer_in_the_order_s_store_only()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var other = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await OrderShippedToAsync(shop, "cust-ann", null);
        var admin = host.As(Roles.Admin);

        var found = await FindAsync(admin, shop.StoreId, "orderId=" + orderId, 1);

        Assert.Equal("cust-ann", found[0].GetProperty("customerId").GetString());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/stores/{other.StoreId}/customers?orderId={orderId}")).GetArrayLength());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/stores/{shop.StoreId}/customers?orderId=no-such-order")).GetArrayLength());
    }

    [Fact]
    public async Task An_agent_of_another_store_gets_404_and_nothing_of_the_customers()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await OrderShippedToAsync(shop, "cust-ann", "555 010 4477");
        await FindAsync(host.As(Roles.Admin), shop.StoreId, "orderId=" + orderId, 1);

        var response = await host.As(Roles.Agent, "another-store").GetAsync($"/api/stores/{shop.StoreId}/customers?phone=5550104477");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("cust-ann", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(Roles.Ingest, shop.StoreId).GetAsync($"/api/stores/{shop.StoreId}/customers?orderId={orderId}")).StatusCode);
    }

    [Theory]
    [InlineData("", "phone")]
    [InlineData("phone=%20", "phone")]
    [InlineData("phone=12-3", "phone")]
    [InlineData("phone=5550104477&orderId=o1", "orderId")]
    public async Task A_lookup_without_exactly_one_usable_key_is_a_400_naming_the_field(string query, string field)
    {
        var response = await host.As(Roles.Agent, "s1").GetAsync($"/api/stores/s1/customers?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), field);
    }
}
