using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace OrderLedger.Web.Tests;

/// <summary>Business set-up through the command API: a store with a stocked warehouse, its orders, parcels and conversations. Ids are unique per call.</summary>
public sealed class Shop(HttpClient admin)
{
    public string StoreId { get; } = "st-" + Guid.NewGuid().ToString("N")[..8];

    public string WarehouseId { get; } = "wh-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A store in <paramref name="timeZone"/> (default: <see cref="NoonZone"/>) with 100 × SKU-1 in its warehouse.</summary>
    public static async Task<Shop> OpenAsync(HttpClient admin, string? timeZone = null)
    {
        var shop = new Shop(admin);
        await shop.PostAsync($"/api/stores/{shop.StoreId}", new { name = "Shop", timeZone = timeZone ?? NoonZone(DateTimeOffset.UtcNow), currency = "EUR" });
        await shop.PostAsync($"/api/stores/{shop.StoreId}/policies/warehouses", new { warehouses = new[] { new { warehouseId = shop.WarehouseId, regions = new[] { "north" } } } });
        await shop.PostAsync($"/api/stock/{shop.WarehouseId}/SKU-1/receipts", new { storeId = shop.StoreId, quantity = 100 });
        return shop;
    }

    /// <summary>
    /// A fixed-offset zone where it is about noon at <paramref name="now"/>: the last hour's facts then fall on the store's
    /// local today and inside its service hours (08:00–23:00), whatever time the tests run.
    /// </summary>
    public static string NoonZone(DateTimeOffset now)
    {
        var offset = 12 - now.UtcDateTime.Hour; // -11 … +12
        return offset switch
        {
            0 => "UTC",
            > 0 => $"Etc/GMT-{offset}", // POSIX sign: Etc/GMT-5 is UTC+5
            _ => $"Etc/GMT+{-offset}",
        };
    }

    public static object Address(string? phone) =>
        new { name = "Ann", line1 = "1 Main St", city = "Springfield", postalCode = "12345", region = "north", country = "US", phone };

    /// <summary>A paid order of <paramref name="quantity"/> × SKU-1 at 10 EUR, shipped to a phone number.</summary>
    public async Task<string> PaidOrderAsync(string customerId, string? phone = null, int quantity = 2)
    {
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..8];
        await PostAsync($"/api/orders/{orderId}", new
        {
            storeId = StoreId,
            customerId,
            channel = "web",
            currency = "EUR",
            lines = new[] { new { sku = "SKU-1", quantity, unitPrice = 10.0m, barcode = "B-1" } },
            shippingAddress = Address(phone),
            paymentDueAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        await PostAsync($"/api/orders/{orderId}/payments", new { amount = 10.0m * quantity, currency = "EUR", paymentReference = "pay-" + orderId });
        return orderId;
    }

    /// <summary>A parcel for the order, picked, packed and handed to the carrier.</summary>
    public async Task<string> ShippedAsync(string orderId, int quantity = 2)
    {
        var shipmentId = "sh-" + Guid.NewGuid().ToString("N")[..8];
        await PostAsync($"/api/shipments/{shipmentId}", new
        {
            orderId,
            storeId = StoreId,
            warehouseId = WarehouseId,
            lines = new[] { new { sku = "SKU-1", quantity, barcode = "B-1" } },
            shippingAddress = Address(null),
        });
        await PostAsync($"/api/shipments/{shipmentId}/picked", new { });
        await PostAsync($"/api/shipments/{shipmentId}/packed", new { scannedBarcodes = Enumerable.Repeat("B-1", quantity).ToArray(), weightGrams = 500 });
        await PostAsync($"/api/shipments/{shipmentId}/handover", new { carrier = "UPS", trackingNumber = "1Z-" + shipmentId });
        return shipmentId;
    }

    /// <summary>An e-mail conversation (straight to humans): the customer asks, an agent answers after <paramref name="replyAfterSeconds"/>.</summary>
    public async Task<string> AnsweredConversationAsync(string customerId, string? orderId, DateTimeOffset askedAt, int replyAfterSeconds)
    {
        var conversationId = "cv-" + Guid.NewGuid().ToString("N")[..8];
        await PostAsync($"/api/conversations/{conversationId}", new { storeId = StoreId, customerId, channel = "email", orderId, occurredAt = askedAt });
        await PostAsync($"/api/conversations/{conversationId}/messages", new { text = "Where is my parcel?", occurredAt = askedAt });
        await PostAsync($"/api/conversations/{conversationId}/assignment", new { agentId = "agent-1", occurredAt = askedAt });
        await PostAsync($"/api/conversations/{conversationId}/agent-replies", new { text = "On its way.", agentId = "agent-1", occurredAt = askedAt.AddSeconds(replyAfterSeconds) });
        return conversationId;
    }

    /// <summary>Resolves the conversation, surveys the customer and records their NPS answer.</summary>
    public async Task NpsAnsweredAsync(string conversationId, int score, DateTimeOffset at)
    {
        await PostAsync($"/api/conversations/{conversationId}/resolution", new { occurredAt = at });
        await PostAsync($"/api/conversations/{conversationId}/nps-survey", new { occurredAt = at.AddSeconds(1) });
        await PostAsync($"/api/conversations/{conversationId}/nps-answer", new { score, occurredAt = at.AddSeconds(2) });
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        var response = await admin.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
