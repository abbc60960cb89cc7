using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Business set-up through the command endpoints: a store with a stocked warehouse, and orders in it. Ids are unique per call.</summary>
public sealed class Scenario(HttpClient admin)
{
    public static readonly object Address = new { name = "Ann", line1 = "1 Main St", city = "Springfield", postalCode = "12345", region = "north", country = "US" };

    public string StoreId { get; } = "st-" + Guid.NewGuid().ToString("N")[..10];

    public string WarehouseId { get; } = "wh-" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<Scenario> StoreWithStockAsync(HttpClient admin, int units = 10)
    {
        var scenario = new Scenario(admin);
        await scenario.OkAsync($"/api/stores/{scenario.StoreId}", new { name = "Shop", timeZone = "UTC", currency = "EUR" });
        await scenario.OkAsync($"/api/stores/{scenario.StoreId}/policies/warehouses", new { warehouses = new[] { new { warehouseId = scenario.WarehouseId, regions = new[] { "north" } } } });
        await scenario.OkAsync($"/api/stock/{scenario.WarehouseId}/SKU-1/receipts", new { storeId = scenario.StoreId, quantity = units });
        return scenario;
    }

    /// <summary>Places an order of <paramref name="quantity"/> × SKU-1 at 10 EUR for customer <paramref name="customerId"/>.</summary>
    public async Task<string> PlaceOrderAsync(string customerId = "cust-1", int quantity = 2)
    {
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        await OkAsync($"/api/orders/{orderId}", PlaceOrderBody(customerId, quantity));
        return orderId;
    }

    public object PlaceOrderBody(string customerId = "cust-1", int quantity = 2) => new
    {
        storeId = StoreId,
        customerId,
        channel = "web",
        currency = "EUR",
        lines = new[] { new { sku = "SKU-1", quantity, unitPrice = 10.0m, barcode = "B-1" } },
        shippingAddress = Address,
        paymentDueAt = DateTimeOffset.UtcNow.AddHours(1),
    };

    public async Task<string> PaidOrderAsync(string customerId = "cust-1", int quantity = 2)
    {
        var orderId = await PlaceOrderAsync(customerId, quantity);
        await OkAsync($"/api/orders/{orderId}/payments", new { amount = 10.0m * quantity, currency = "EUR", paymentReference = "pay-" + orderId });
        return orderId;
    }

    public async Task<JsonElement> OkAsync(string path, object body, HttpClient? client = null)
    {
        var response = await (client ?? admin).PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>How many events the stream holds, read through the raw log endpoint as an admin.</summary>
    public async Task<int> CountEventsAsync(string streamId)
    {
        var response = await admin.GetAsync($"/api/streams/{streamId}");
        return response.StatusCode == HttpStatusCode.NotFound
            ? 0
            : (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").GetArrayLength();
    }
}
