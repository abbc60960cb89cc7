using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>After-sales through the API as a merchant uses it: refused parcels, scan-to-return, bulk approval, the return policy.</summary>
public sealed class AfterSalesEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly object ShoeDepartment = new { name = "Shoe returns", line1 = "9 Shoe St", city = "Hangzhou", postalCode = "310000", region = "ZJ", country = "CN" };

    /// <summary>A paid order of 2 × SKU-1 (10 EUR each) whose parcel was handed to the carrier; SKU-1 is bound to the shoe department's return address.</summary>
    private async Task<(Scenario Shop, string OrderId, string ShipmentId)> ShippedAsync()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/return-addresses", new { scope = "Default", address = Scenario.Address });
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/return-addresses", new { scope = "Product", key = "SKU-1", address = ShoeDepartment });
        var orderId = await shop.PaidOrderAsync();
        var shipmentId = "shp-" + orderId;
        await shop.OkAsync($"/api/shipments/{shipmentId}", new
        {
            orderId, storeId = shop.StoreId, warehouseId = shop.WarehouseId, shippingAddress = Scenario.Address,
            lines = new[] { new { sku = "SKU-1", quantity = 2, barcode = "B-1" } },
        });
        await shop.OkAsync($"/api/shipments/{shipmentId}/picked", new { });
        await shop.OkAsync($"/api/shipments/{shipmentId}/packed", new { scannedBarcodes = new[] { "B-1", "B-1" }, weightGrams = 800 });
        await shop.OkAsync($"/api/shipments/{shipmentId}/handover", new { carrier = "DHL", trackingNumber = "T-" + orderId });
        return (shop, orderId, shipmentId);
    }

    private static async Task<string> ReturnRequestedAsync(Scenario shop, string orderId, int units = 1)
    {
        var refundId = "rf-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/refunds/{refundId}", new
        {
            orderId, storeId = shop.StoreId, customerId = "cust-1", kind = "ReturnAndRefund", reason = "too small",
            lines = new[] { new { sku = "SKU-1", quantity = units, amount = 10.0m * units } },
        });
        return refundId;
    }

    private static IEnumerable<string?> Types(JsonElement answer) => answer.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString());

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task A_refused_parcel_back_at_the_warehouse_is_restocked_and_refunded_with_no_human()
    {
        var (shop, orderId, shipmentId) = await ShippedAsync();
        await shop.OkAsync($"/api/shipments/{shipmentId}/return-to-sender", new { reason = "buyer refused" });

        var back = await shop.OkAsync($"/api/shipments/{shipmentId}/back-at-warehouse", new { });

        var types = Types(back).ToList();
        Assert.Equal(["shipment-back-at-warehouse", "order-shipment-returned", "stock-restocked", "order-refund-claimed", "refund-requested", "refund-approved", "refund-paid"], types);
        var paid = back.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "refund-paid").GetProperty("data");
        Assert.Equal(20.0m, paid.GetProperty("amount").GetDecimal());
        Assert.Equal($"refund-refused-{shipmentId}", back.GetProperty("events")[4].GetProperty("streamId").GetString());
        Assert.Equal(orderId, paid.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task The_order_and_the_customer_s_orders_show_the_refused_parcel_back_at_the_warehouse_restocked_and_refunded()
    {
        var (shop, orderId, shipmentId) = await ShippedAsync();
        await shop.OkAsync($"/api/shipments/{shipmentId}/return-to-sender", new { reason = "buyer refused" });
        await shop.OkAsync($"/api/shipments/{shipmentId}/back-at-warehouse", new { });
        var agent = host.As(Roles.Agent, shop.StoreId);

        var order = await Eventually.Json(
            agent, $"/api/orders/{orderId}",
            o => o.GetProperty("refunded").GetDecimal() == 20.0m && o.GetProperty("unitsRestocked").GetInt32() == 2,
            TimeSpan.FromSeconds(30), $"order {orderId} refunded and restocked");
        var listed = await agent.GetFromJsonAsync<JsonElement>($"/api/stores/{shop.StoreId}/customers/cust-1/orders");

        var parcel = Assert.Single(order.GetProperty("parcels").EnumerateArray());
        Assert.Equal((shipmentId, "back_at_warehouse", "T-" + orderId, 2), (
            parcel.GetProperty("shipmentId").GetString(), parcel.GetProperty("state").GetString(),
            parcel.GetProperty("trackingNumber").GetString(), parcel.GetProperty("restocked").GetInt32()));
        Assert.Equal([("SKU-1", 2)], parcel.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("sku").GetString(), l.GetProperty("quantity").GetInt32())));
        Assert.Equal("returned", order.GetProperty("shipmentStatus").GetString());
        Assert.Equal(
            "back_at_warehouse",
            listed.EnumerateArray().Single(o => o.GetProperty("orderId").GetString() == orderId).GetProperty("parcels")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_scan_answers_what_the_parcel_is_and_records_its_receipt_and_a_tracking_number_is_used_once_per_store()
    {
        var (shop, orderId, _) = await ShippedAsync();
        var refundId = await ReturnRequestedAsync(shop, orderId);
        await shop.OkAsync($"/api/refunds/{refundId}/approval", new { });
        await shop.OkAsync($"/api/refunds/{refundId}/return-shipped", new { carrier = "YTO", trackingNumber = "RT-1" });
        var second = await ReturnRequestedAsync(shop, orderId);
        await shop.OkAsync($"/api/refunds/{second}/approval", new { });

        var reused = await host.Client.PostAsJsonAsync($"/api/refunds/{second}/return-shipped", new { carrier = "YTO", trackingNumber = "rt-1" });
        var scanned = await shop.OkAsync($"/api/stores/{shop.StoreId}/returns/scans", new { trackingNumber = " rt-1" });
        var unknown = await host.Client.PostAsJsonAsync($"/api/stores/{shop.StoreId}/returns/scans", new { trackingNumber = "RT-2" });
        var blank = await host.Client.PostAsJsonAsync($"/api/stores/{shop.StoreId}/returns/scans", new { trackingNumber = "" });
        var looked = await host.Client.GetFromJsonAsync<JsonElement>($"/api/stores/{shop.StoreId}/returns/RT-1");

        Assert.Equal("store.return-tracking-taken", (await ProblemAsync(reused, HttpStatusCode.Conflict)).GetProperty("rule").GetString());
        Assert.Equal(["refund-return-received"], Types(scanned));
        var parcel = scanned.GetProperty("parcel");
        Assert.Equal((refundId, orderId, "cust-1", "ReturnReceived", "Shoe returns"), (
            parcel.GetProperty("refundId").GetString(), parcel.GetProperty("orderId").GetString(), parcel.GetProperty("customerId").GetString(),
            parcel.GetProperty("status").GetString(), parcel.GetProperty("returnAddress").GetProperty("name").GetString()));
        Assert.Equal("SKU-1", parcel.GetProperty("lines")[0].GetProperty("sku").GetString());
        Assert.Equal("store.return-tracking-unknown", (await ProblemAsync(unknown, HttpStatusCode.Conflict)).GetProperty("rule").GetString());
        Assert.True((await ProblemAsync(blank, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("trackingNumber", out _));
        Assert.Equal((refundId, "ReturnReceived"), (looked.GetProperty("refundId").GetString(), looked.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/stores/{shop.StoreId}/returns/RT-9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.As(Roles.Agent, "another-store").GetAsync($"/api/stores/{shop.StoreId}/returns/RT-1")).StatusCode);
    }

    [Fact]
    public async Task Bulk_approval_approves_each_refund_on_its_own_with_its_products_return_address()
    {
        var (shop, orderId, _) = await ShippedAsync();
        var first = await ReturnRequestedAsync(shop, orderId);
        var second = await ReturnRequestedAsync(shop, orderId);
        var (otherShop, otherOrder, _) = await ShippedAsync();
        var otherStores = await ReturnRequestedAsync(otherShop, otherOrder);
        var body = new { commandId = "bulk-" + orderId, refundIds = new[] { first, second, otherStores, "rf-missing" } };

        var approved = await shop.OkAsync($"/api/stores/{shop.StoreId}/refunds/approvals", body);
        var again = await shop.OkAsync($"/api/stores/{shop.StoreId}/refunds/approvals", body);

        var items = approved.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal((2, 2), (approved.GetProperty("accepted").GetInt32(), approved.GetProperty("refused").GetInt32()));
        Assert.Equal(["accepted", "accepted", "not-found", "not-found"], items.Select(i => i.GetProperty("outcome").GetString()));
        Assert.All(items.Take(2), item => Assert.Equal("Shoe returns", item.GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "refund-return-address-assigned").GetProperty("data").GetProperty("address").GetProperty("name").GetString()));
        Assert.Equal(["already-done", "already-done", "not-found", "not-found"], again.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("outcome").GetString()));
        Assert.Equal(1, await otherShop.CountEventsAsync($"refund-{otherStores}"));
    }

    [Fact]
    public async Task Bulk_approval_names_each_refund_once_and_at_most_a_thousand()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var url = $"/api/stores/{shop.StoreId}/refunds/approvals";

        var tooMany = await host.Client.PostAsJsonAsync(url, new { refundIds = Enumerable.Range(0, 1_001).Select(i => $"rf-{i}").ToArray() });
        var twice = await host.Client.PostAsJsonAsync(url, new { refundIds = new[] { "rf-1", "rf-1" } });
        var none = await host.Client.PostAsJsonAsync(url, new { refundIds = Array.Empty<string>() });
        var missing = await host.Client.PostAsJsonAsync(url, new { });
        var nul = await host.Client.PostAsJsonAsync(url, new { refundIds = new[] { "rf-\u0000" } });

        foreach (var response in new[] { tooMany, twice, none, missing, nul })
        {
            Assert.Contains((await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("refundIds", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_return_policy_needs_both_rules_and_a_supervisor()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var url = $"/api/stores/{shop.StoreId}/policies/returns";

        var set = await shop.OkAsync(url, new { refundRefusedDeliveries = false, payPassedReturns = true });
        var half = await host.Client.PostAsJsonAsync(url, new { refundRefusedDeliveries = true });
        var agent = await host.As(Roles.Agent, shop.StoreId).PostAsJsonAsync(url, new { refundRefusedDeliveries = true, payPassedReturns = true });

        Assert.Equal(["store-return-policy-set"], Types(set));
        Assert.True((await ProblemAsync(half, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("payPassedReturns", out _));
        Assert.Equal(HttpStatusCode.Forbidden, agent.StatusCode);
    }
}
