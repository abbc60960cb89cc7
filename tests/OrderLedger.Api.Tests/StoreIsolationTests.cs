using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Issue 6 access rules for the command and query endpoints: each role against each endpoint family (deny cases), and
/// store isolation — a caller only sees and changes the stores in its token; another store's data answers 404.
/// </summary>
public sealed class StoreIsolationTests(ApiHost host) : IClassFixture<ApiHost>
{
    /// <summary>One command endpoint per aggregate family.</summary>
    public static TheoryData<string, string> CommandFamiliesByReadOnlyRole()
    {
        var data = new TheoryData<string, string>();
        string[] commands =
        [
            "/api/stores/s1", "/api/stock/w1/SKU-1/receipts", "/api/orders/o1/payments", "/api/shipments/sh1/delivered",
            "/api/refunds/r1/approval", "/api/conversations/c1/messages",
        ];
        foreach (var role in new[] { Roles.Auditor, Roles.Data })
        {
            foreach (var path in commands)
            {
                data.Add(role, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommandFamiliesByReadOnlyRole))]
    public async Task Auditors_and_the_data_team_cannot_post_commands(string role, string path)
    {
        var response = await host.As(role, "s1").PostAsJsonAsync(path, new { });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/orders/o1")]
    [InlineData("/api/stores/s1/customers/c1/timeline")]
    [InlineData("/api/stores/s1/stock")]
    [InlineData("/api/shipments/sh1")]
    [InlineData("/api/refunds/r1")]
    [InlineData("/api/stores/s1/conversations/queue")]
    [InlineData("/api/stores/s1/metrics/nps")]
    public async Task Ingest_systems_cannot_read_the_read_models(string path)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(Roles.Ingest, "s1").GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent, "/api/orders/o1/history")]
    [InlineData(Roles.Agent, "/api/history/order-o1")]
    [InlineData(Roles.Ingest, "/api/orders/o1/history")]
    [InlineData(Roles.Ingest, "/api/history/order-o1/verification")]
    public async Task Only_auditors_supervisors_the_data_team_and_admins_read_history(string role, string path)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Ingest)]
    public async Task Only_the_data_team_and_admins_see_projection_status(string role)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync("/api/projections")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync("/api/projections/orders")).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_commands_queries_and_history_are_401()
    {
        var anonymous = host.Anonymous;

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/orders/o1/payments", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/orders/o1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/stores/s1/metrics/nps")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/orders/o1/history")).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Ingest)]
    [InlineData(Roles.Admin)]
    public async Task People_and_systems_that_run_the_business_post_commands_in_their_store(string role)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();

        await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "p" }, host.As(role, shop.StoreId));
    }

    [Fact]
    public async Task An_agent_of_store_A_gets_404_for_the_customer_timeline_of_store_B_never_the_data()
    {
        var storeA = await Scenario.StoreWithStockAsync(host.Client);
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        await storeB.PaidOrderAsync("shared-customer");
        await Eventually.Get(
            () => host.As(Roles.Agent, storeB.StoreId).GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/stores/{storeB.StoreId}/customers/shared-customer/timeline"),
            page => page.GetProperty("entries").GetArrayLength() > 0,
            because: "store B's timeline is projected");
        var agentOfA = host.As(Roles.Agent, storeA.StoreId);

        var ofB = await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/customers/shared-customer/timeline");
        var ofA = await agentOfA.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/stores/{storeA.StoreId}/customers/shared-customer/timeline");

        Assert.Equal(HttpStatusCode.NotFound, ofB.StatusCode);
        Assert.DoesNotContain("order-", await ofB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, ofA.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Another_store_s_order_shipment_refund_and_conversation_are_404_to_read()
    {
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await storeB.PaidOrderAsync();
        await Eventually.Get(() => host.Client.GetAsync($"/api/orders/{orderId}"), r => r.StatusCode == HttpStatusCode.OK, because: "the order is projected");
        var agentOfA = host.As(Roles.Agent, "store-a");
        var auditorOfA = host.As(Roles.Auditor, "store-a");

        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/orders/{orderId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/orders/{orderId}/shipments")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/orders/{orderId}/refunds")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/stock")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/refunds")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/shipments/exceptions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/conversations/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agentOfA.GetAsync($"/api/stores/{storeB.StoreId}/metrics/figures")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await auditorOfA.GetAsync($"/api/orders/{orderId}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await auditorOfA.GetAsync($"/api/history/order-{orderId}/verification")).StatusCode);
    }

    [Fact]
    public async Task Commands_on_another_store_are_404_and_append_nothing()
    {
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await storeB.PlaceOrderAsync();
        var agentOfA = host.As(Roles.Agent, "store-a");
        var newOrder = "ord-" + Guid.NewGuid().ToString("N")[..10];

        var pay = await agentOfA.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = 20.0m, currency = "EUR", paymentReference = "p" });
        var place = await agentOfA.PostAsJsonAsync($"/api/orders/{newOrder}", storeB.PlaceOrderBody());
        var receive = await agentOfA.PostAsJsonAsync($"/api/stock/{storeB.WarehouseId}/SKU-1/receipts", new { storeId = storeB.StoreId, quantity = 5 });
        var policy = await host.As(Roles.Supervisor, "store-a").PostAsJsonAsync($"/api/stores/{storeB.StoreId}/policies/auto-refund-window", new { hours = 1 });

        Assert.All([pay, place, receive, policy], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(2, await storeB.CountEventsAsync($"order-{orderId}"));
        Assert.Equal(0, await storeB.CountEventsAsync($"order-{newOrder}"));
        Assert.Equal(2, await storeB.CountEventsAsync($"stock-{storeB.WarehouseId}.SKU-1"));
        Assert.Equal(2, await storeB.CountEventsAsync($"store-{storeB.StoreId}"));
    }

    [Fact]
    public async Task A_stock_receipt_naming_a_warehouse_the_store_does_not_use_is_404()
    {
        var storeA = await Scenario.StoreWithStockAsync(host.Client);
        var storeB = await Scenario.StoreWithStockAsync(host.Client);

        var response = await host.As(Roles.Ingest, storeA.StoreId)
            .PostAsJsonAsync($"/api/stock/{storeB.WarehouseId}/SKU-1/receipts", new { storeId = storeA.StoreId, quantity = 5 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // ---- issue 13: store isolation on every path ---------------------------------------------------------

    [Fact]
    public async Task A_data_token_of_store_A_reads_no_event_of_store_B_through_all_whatever_the_filter()
    {
        var storeA = await Scenario.StoreWithStockAsync(host.Client);
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var orderOfB = await storeB.PaidOrderAsync("pii-customer-of-b");
        var orderOfA = await storeA.PaidOrderAsync();
        var dataOfA = host.As(Roles.Data, storeA.StoreId);

        var byPrefix = await dataOfA.GetFromJsonAsync<JsonElement>($"/api/all?streamPrefix=order-{orderOfB}");
        var everything = await ReadAllAsync(dataOfA);
        var asAllStores = await ReadAllAsync(host.As(Roles.Data));

        Assert.Equal(0, byPrefix.GetProperty("events").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, byPrefix.GetProperty("next").ValueKind);
        Assert.DoesNotContain(everything, e => e.Contains("pii-customer-of-b", StringComparison.Ordinal));
        Assert.All(everything, e => Assert.Contains($"\"storeId\":\"{storeA.StoreId}\"", e, StringComparison.Ordinal));
        Assert.Contains(everything, e => e.Contains(orderOfA, StringComparison.Ordinal));
        Assert.Contains(asAllStores, e => e.Contains("pii-customer-of-b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_admin_of_store_A_cannot_append_raw_events_to_a_stream_of_store_B()
    {
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var orderOfB = await storeB.PlaceOrderAsync();
        var adminOfA = host.As(Roles.Admin, "store-a");
        object Cancel(string? storeId) => new { expectedRevision = "any", storeId, events = new[] { new { type = "order-cancelled", data = new { orderId = orderOfB, reason = "x" } } } };

        var namingB = await adminOfA.PostAsJsonAsync($"/api/streams/order-{orderOfB}", Cancel(storeB.StoreId));
        var namingA = await adminOfA.PostAsJsonAsync($"/api/streams/order-{orderOfB}", Cancel("store-a"));
        var namingNone = await adminOfA.PostAsJsonAsync($"/api/streams/order-{orderOfB}", Cancel(null));
        var allStoresNamingA = await host.Client.PostAsJsonAsync($"/api/streams/order-{orderOfB}", Cancel("store-a"));
        var ownNewStream = await adminOfA.PostAsJsonAsync($"/api/streams/note-{Guid.NewGuid():N}", Cancel("store-a"));

        Assert.Equal(HttpStatusCode.NotFound, namingB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, namingA.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, namingNone.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, allStoresNamingA.StatusCode);
        Assert.Contains("storeId", await allStoresNamingA.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ownNewStream.StatusCode);
        Assert.Equal(2, await storeB.CountEventsAsync($"order-{orderOfB}"));
    }

    [Theory]
    [InlineData(Roles.Data)]
    [InlineData(Roles.Admin)]
    public async Task Projection_status_and_rebuilds_need_a_token_for_every_store(string role)
    {
        var ofOneStore = host.As(role, "store-a");

        Assert.Equal(HttpStatusCode.Forbidden, (await ofOneStore.GetAsync("/api/projections")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ofOneStore.GetAsync("/api/projections/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ofOneStore.PostAsync("/api/projections/orders/rebuild", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ofOneStore.GetAsync("/api/projections/orders/rebuild")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.As(role).GetAsync("/api/projections")).StatusCode);
    }

    [Fact]
    public async Task A_store_cannot_take_another_store_s_warehouse_and_then_change_its_stock()
    {
        var storeA = await Scenario.StoreWithStockAsync(host.Client, units: 399);
        var storeB = await Scenario.StoreWithStockAsync(host.Client);
        var supervisorOfB = host.As(Roles.Supervisor, storeB.StoreId);
        var agentOfB = host.As(Roles.Agent, storeB.StoreId);

        var takeOver = await supervisorOfB.PostAsJsonAsync($"/api/stores/{storeB.StoreId}/policies/warehouses", new
        {
            warehouses = new[] { new { warehouseId = storeB.WarehouseId, regions = new[] { "north" } }, new { warehouseId = storeA.WarehouseId, regions = new[] { "south" } } },
        });
        var adjustNamingB = await agentOfB.PostAsJsonAsync($"/api/stock/{storeA.WarehouseId}/SKU-1/adjustments", new { storeId = storeB.StoreId, countedOnHand = 15, reason = "count" });
        var adjustNamingA = await agentOfB.PostAsJsonAsync($"/api/stock/{storeA.WarehouseId}/SKU-1/adjustments", new { storeId = storeA.StoreId, countedOnHand = 15, reason = "count" });
        var ownerNamingB = await host.Client.PostAsJsonAsync($"/api/stock/{storeA.WarehouseId}/SKU-1/receipts", new { storeId = storeB.StoreId, quantity = 1 });
        var agentOfA = await host.As(Roles.Agent, storeA.StoreId).PostAsJsonAsync($"/api/stock/{storeA.WarehouseId}/SKU-1/receipts", new { storeId = storeA.StoreId, quantity = 1 });

        Assert.Equal(HttpStatusCode.Conflict, takeOver.StatusCode);
        Assert.Contains("store.warehouse-taken", await takeOver.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(storeA.StoreId, await takeOver.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, adjustNamingB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, adjustNamingA.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ownerNamingB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, agentOfA.StatusCode);
        Assert.Equal(2, await storeA.CountEventsAsync($"stock-{storeA.WarehouseId}.SKU-1"));
        Assert.Equal(2, await storeB.CountEventsAsync($"store-{storeB.StoreId}"));
        Assert.Equal(1, await storeB.CountEventsAsync($"warehouse-{storeA.WarehouseId}"));
    }

    [Fact]
    public async Task A_store_naming_its_own_warehouses_again_is_fine()
    {
        var store = await Scenario.StoreWithStockAsync(host.Client);

        await store.OkAsync($"/api/stores/{store.StoreId}/policies/warehouses", new
        {
            warehouses = new[] { new { warehouseId = store.WarehouseId, regions = new[] { "north", "south" } } },
        });

        Assert.Equal(1, await store.CountEventsAsync($"warehouse-{store.WarehouseId}"));
    }

    private static async Task<List<string>> ReadAllAsync(HttpClient client)
    {
        var events = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/all?limit=1000" + (after is null ? "" : $"&after={after}"));
            events.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()));
            var next = page.GetProperty("next");
            if (next.ValueKind == JsonValueKind.Null || next.GetString() == after)
            {
                return events;
            }

            after = next.GetString();
        }
    }
}
