using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrderLedger.Connectors.Worker;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Connectors.Tests;

/// <summary>
/// The connectors end to end, through the API host: callbacks sealed by the test as the platforms document it, the
/// platform APIs answered by <see cref="PlatformStandIn"/>, the effects read back through the API.
/// </summary>
public sealed class ConnectorTests(ConnectorHost host, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ConnectorHost>
{
    private static readonly DateTimeOffset Day = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1).AddHours(9);

    [Fact]
    public async Task The_url_check_answers_the_decrypted_echostr_and_refused_callbacks_are_counted_and_keep_nothing()
    {
        var echo = "echo-" + Guid.NewGuid().ToString("N");
        var sealedEcho = PlatformSealer.Seal(echo, ConnectorHost.ChatKey, ConnectorHost.CorpId);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = PlatformSealer.Sign(ConnectorHost.ChatToken, timestamp, "n1", sealedEcho);
        var check = await host.Anonymous.GetAsync($"/webhooks/wecom-kf/{ConnectorHost.Chat}?msg_signature={signature}&timestamp={timestamp}&nonce=n1&echostr={Uri.EscapeDataString(sealedEcho)}");
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(echo, await check.Content.ReadAsStringAsync());

        var badBefore = host.CountOf(Channels.WeComKf, "bad-signature");
        var staleBefore = host.CountOf(Channels.WeComKf, "stale-timestamp");
        var inboxBefore = await host.CountEventsAsync(Channels.InboxStream(Channels.WeComKf, ConnectorHost.Chat));
        var message = KfCallback();
        var (query, body) = PlatformSealer.SafeModePost(message, "not-the-token", ConnectorHost.ChatKey, ConnectorHost.CorpId, DateTimeOffset.UtcNow);
        var forged = await host.Anonymous.PostAsync($"/webhooks/wecom-kf/{ConnectorHost.Chat}{query}", new StringContent(body));
        var replayed = await host.PushAsync(Channels.WeComKf, ConnectorHost.Chat, message, DateTimeOffset.UtcNow.AddMinutes(-6));
        var (otherQuery, otherBody) = PlatformSealer.SafeModePost(message, ConnectorHost.ChatToken, ConnectorHost.ChatKey, "ww-someone-else", DateTimeOffset.UtcNow);
        var misdirected = await host.Anonymous.PostAsync($"/webhooks/wecom-kf/{ConnectorHost.Chat}{otherQuery}", new StringContent(otherBody));
        var unknownStore = await host.PushAsync(Channels.WeComKf, "no-such-store", message);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("bad-signature", (await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, misdirected.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownStore.StatusCode);
        Assert.DoesNotContain(ConnectorHost.ChatKey, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(badBefore + 1, host.CountOf(Channels.WeComKf, "bad-signature"));
        Assert.Equal(staleBefore + 1, host.CountOf(Channels.WeComKf, "stale-timestamp"));
        Assert.Equal(inboxBefore, await host.CountEventsAsync(Channels.InboxStream(Channels.WeComKf, ConnectorHost.Chat)));
    }

    [Fact]
    public async Task Shop_notifications_out_of_order_and_repeated_place_and_pay_the_order_once_through_an_expired_token()
    {
        await host.RegisterStoreAsync(ConnectorHost.Shop + "-x");
        var storeOrder = NewPlatformOrderId();
        host.StandIn.Orders[storeOrder] = ShopOrder(storeOrder, Day, paidAt: Day.AddMinutes(2), status: 20);
        await EnsureShopStoreAsync();

        // The payment overtakes the new-order notification; the platform then retries the payment.
        Assert.Equal("success", await (await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, ShopEvent("channels_ec_order_pay", storeOrder))).Content.ReadAsStringAsync());
        await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, ShopEvent("channels_ec_order_new", storeOrder));
        await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, ShopEvent("channels_ec_order_pay", storeOrder));
        var orderStream = $"order-wxs-{storeOrder}";
        await ConnectorHost.EventuallyAsync(async () => await HandledAsync(ConnectorHost.Shop, Channels.WeChatShop, storeOrder) >= 3, "three shop notifications handled");

        Assert.Equal(["order-placed", "order-allocated", "order-payment-confirmed"], await host.EventTypesAsync(orderStream));
        // The order's page reads the orders read model, which follows the log on its own checkpoint.
        await ConnectorHost.EventuallyAsync(async () => (await host.Client.GetAsync($"/api/orders/wxs-{storeOrder}")).IsSuccessStatusCode, "the order in the orders read model");
        var order = await host.Client.GetFromJsonAsync<JsonElement>($"/api/orders/wxs-{storeOrder}");
        Assert.Equal(20.0m, order.GetProperty("total").GetDecimal());

        // Every token issued so far expires; the next call is refused with 42001, refreshes and goes through.
        var issued = host.StandIn.TokensIssued;
        for (var i = 1; i <= issued; i++)
        {
            host.StandIn.ExpiredTokens[$"TOKEN-{i}"] = true;
        }

        var cancelled = NewPlatformOrderId();
        host.StandIn.Orders[cancelled] = ShopOrder(cancelled, Day.AddHours(1), paidAt: null, status: 250);
        await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, ShopEvent("channels_ec_order_cancel", cancelled));
        await ConnectorHost.EventuallyAsync(async () => (await host.EventTypesAsync($"order-wxs-{cancelled}")).Contains("order-cancelled"), "the cancelled order");
        Assert.True(host.StandIn.TokensIssued > issued);
        Assert.Equal(3, await host.CountEventsAsync(orderStream));
    }

    [Fact]
    public async Task An_entry_repeated_after_a_crash_between_the_commands_and_the_handled_record_records_nothing_new()
    {
        await EnsureShopStoreAsync();
        var platformOrder = NewPlatformOrderId();
        host.StandIn.Orders[platformOrder] = ShopOrder(platformOrder, Day.AddHours(2), paidAt: Day.AddHours(2).AddMinutes(1), status: 20);
        Interlocked.Exchange(ref host.StandIn.FailuresToServe, 3); // the shop API is down for a while: the entry waits in the inbox
        await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, ShopEvent("channels_ec_order_new", platformOrder));
        var stream = $"order-wxs-{platformOrder}";
        await ConnectorHost.EventuallyAsync(async () => await host.CountEventsAsync(stream) == 3, "the order placed and paid once the API is back");

        // The process dies after its commands but before it records the entry as handled: the restart repeats it.
        var dataSource = host.Services.GetRequiredKeyedService<NpgsqlDataSource>(host.Services.GetRequiredService<ConnectorOptions>().ConnectionString);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("DELETE FROM connectors.handled WHERE inbox_id = @Inbox", new { Inbox = Channels.InboxId(Channels.WeChatShop, ConnectorHost.Shop) });
        }

        var restarted = new ConnectorWorker(
            host.Services.GetServices<IInboxHandler>(), host.Services.GetRequiredService<ConnectorOptions>(), host.Services.GetRequiredService<ConnectorTelemetry>(),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ConnectorWorker>.Instance, dataSource);
        await restarted.HandlePendingAsync();

        Assert.Equal(3, await host.CountEventsAsync(stream));
        Assert.True(await HandledAsync(ConnectorHost.Shop, Channels.WeChatShop) >= 1);
    }

    [Fact]
    public async Task An_after_sale_refund_seen_first_at_its_last_status_is_requested_approved_and_paid()
    {
        await EnsureShopStoreAsync();
        var platformOrder = NewPlatformOrderId();
        host.StandIn.Orders[platformOrder] = ShopOrder(platformOrder, Day.AddHours(3), paidAt: Day.AddHours(3).AddMinutes(1), status: 20);
        var afterSale = "as" + platformOrder;
        host.StandIn.AfterSales[afterSale] = new JsonObject
        {
            ["after_sale_order_id"] = afterSale, ["order_id"] = platformOrder, ["status"] = "MERCHANT_REFUND_SUCCESS", ["type"] = "REFUND",
            ["openid"] = "buyer-1", ["product_info"] = new JsonObject { ["product_id"] = "1", ["sku_id"] = "11", ["count"] = 1 },
            ["refund_info"] = new JsonObject { ["amount"] = 1000 }, ["reason"] = "changed my mind",
            ["create_time"] = Day.AddHours(4).ToUnixTimeSeconds(), ["update_time"] = Day.AddHours(5).ToUnixTimeSeconds(),
        };
        var update = new JsonObject
        {
            ["ToUserName"] = "gh_shop", ["FromUserName"] = "OpenID", ["CreateTime"] = Day.AddHours(5).ToUnixTimeSeconds(), ["MsgType"] = "event", ["Event"] = "channels_ec_aftersale_update",
            ["finder_shop_aftersale_status_update"] = new JsonObject { ["status"] = "MERCHANT_REFUND_SUCCESS", ["after_sale_order_id"] = afterSale, ["order_id"] = platformOrder },
        }.ToJsonString();
        await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, update);
        await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, update);
        var refundStream = $"refund-wxs-as-{afterSale}";
        await ConnectorHost.EventuallyAsync(async () => (await host.EventTypesAsync(refundStream)).Contains("refund-paid"), "the refund paid");
        await ConnectorHost.EventuallyAsync(async () => await HandledAsync(ConnectorHost.Shop, Channels.WeChatShop, afterSale) >= 2, "both deliveries handled");

        var types = await host.EventTypesAsync(refundStream);
        Assert.Equal(1, types.Count(t => t == "refund-paid"));
        Assert.Equal("refund-requested", types[0]);
        Assert.Contains("refund-approved", types);
    }

    [Fact]
    public async Task The_generic_webhook_maps_a_signed_envelope_to_its_command_once_and_refuses_a_bad_signature()
    {
        if (await host.CountEventsAsync($"store-{ConnectorHost.Generic}") == 0)
        {
            await host.RegisterStoreAsync(ConnectorHost.Generic);
        }

        var orderId = "gen-" + Guid.NewGuid().ToString("N")[..8];
        var envelope = new JsonObject
        {
            ["id"] = "evt-1-" + orderId, ["source"] = "my-shop", ["type"] = "PlaceOrder", ["time"] = Day.ToString("O"),
            ["data"] = new JsonObject
            {
                ["orderId"] = orderId, ["storeId"] = ConnectorHost.Generic, ["customerId"] = "c-1", ["channel"] = "web", ["currency"] = "EUR",
                ["lines"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 1, ["unitPrice"] = 10.0m }),
                ["shippingAddress"] = JsonNode.Parse(JsonSerializer.Serialize(Api.Tests.Scenario.Address)),
            },
        }.ToJsonString();

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PushGenericAsync(ConnectorHost.Generic, envelope, secret: "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await host.PushGenericAsync(ConnectorHost.Generic, envelope)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await host.PushGenericAsync(ConnectorHost.Generic, envelope)).StatusCode);
        await ConnectorHost.EventuallyAsync(async () => await HandledAsync(ConnectorHost.Generic, Channels.Generic, orderId) >= 2, "both deliveries handled");

        Assert.Equal(["order-placed", "order-allocated"], await host.EventTypesAsync($"order-{orderId}"));
    }

    [Fact]
    public async Task A_day_of_chat_through_the_connector_scores_the_same_reply_rate_as_the_same_day_through_the_command_api()
    {
        await host.RegisterStoreAsync(ConnectorHost.Chat);
        var apiStore = "api-chat";
        await host.RegisterStoreAsync(apiStore);
        var t0 = Day;
        // Two customers: one answered after 90 s, one after 400 s (too late for the three-minute rate); the first conversation ends.
        var page1 = new JsonArray(
            CustomerMessage("m1", "cust-a", t0, "where is my parcel?"),
            SessionChange("m2", "cust-a", t0.AddSeconds(60), changeType: 1, newServicer: "agent-1"),
            ServicerMessage("m3", "cust-a", "agent-1", t0.AddSeconds(90), "on its way"));
        var page2 = new JsonArray(
            CustomerMessage("m4", "cust-b", t0.AddMinutes(30), "can I change the size?"),
            SessionChange("m5", "cust-a", t0.AddSeconds(300), changeType: 3, oldServicer: "agent-1"),
            SessionChange("m6", "cust-b", t0.AddMinutes(31), changeType: 1, newServicer: "agent-2"),
            ServicerMessage("m7", "cust-b", "agent-2", t0.AddMinutes(30).AddSeconds(400), "yes"));
        host.StandIn.KfPages[""] = (page1, "c1", true);
        host.StandIn.KfPages["c1"] = (page2, "c2", false);
        await host.PushAsync(Channels.WeComKf, ConnectorHost.Chat, KfCallback());
        await host.PushAsync(Channels.WeComKf, ConnectorHost.Chat, KfCallback()); // a second callback finds nothing new past the cursor
        var a = $"conversation-wecomkf-{ConnectorHost.OpenKfId}-cust-a";
        var b = $"conversation-wecomkf-{ConnectorHost.OpenKfId}-cust-b";
        await ConnectorHost.EventuallyAsync(async () => (await host.EventTypesAsync(b)).Contains("conversation-agent-replied") && await HandledAsync(ConnectorHost.Chat, Channels.WeComKf) >= 2, "both conversations mapped");
        Assert.Equal(
            ["conversation-started", "conversation-customer-message-received", "conversation-handed-off", "conversation-agent-assigned", "conversation-agent-replied", "conversation-resolved"],
            await host.EventTypesAsync(a));

        // The same day through the command API, as an integration sends it: in the order the platform reported it (the
        // first conversation ended while the second began). The day is past, so each bot hand-off timer (120 s after the
        // message) is due the moment it is armed; the host holds it until its grace after the message's recording has
        // passed (docs/reactors.md, "Imported history"), so the hand-offs sent here come first and nothing is refused.
        var (ingest, agent1, agent2) = (host.As(Roles.Ingest, apiStore), host.As(Roles.Agent, apiStore), host.As(Roles.Agent, apiStore));
        var calls = new (string Path, object Body, HttpClient Token)[]
        {
            ("/api/conversations/api-a", new { storeId = apiStore, customerId = "cust-a", channel = Channels.WeComKf, botEnabled = true, occurredAt = t0 }, ingest),
            ("/api/conversations/api-a/messages", new { text = "where is my parcel?", occurredAt = t0 }, ingest),
            ("/api/conversations/api-a/handoff", new { reason = "wecom-kf servicer", occurredAt = t0.AddSeconds(60) }, ingest),
            ("/api/conversations/api-a/assignment", new { agentId = "agent-1", occurredAt = t0.AddSeconds(60) }, agent1),
            ("/api/conversations/api-a/agent-replies", new { agentId = "agent-1", text = "on its way", occurredAt = t0.AddSeconds(90) }, agent1),
            ("/api/conversations/api-b", new { storeId = apiStore, customerId = "cust-b", channel = Channels.WeComKf, botEnabled = true, occurredAt = t0.AddMinutes(30) }, ingest),
            ("/api/conversations/api-b/messages", new { text = "can I change the size?", occurredAt = t0.AddMinutes(30) }, ingest),
            ("/api/conversations/api-a/resolution", new { resolvedBy = "agent-1", occurredAt = t0.AddSeconds(300) }, agent1),
            ("/api/conversations/api-b/handoff", new { reason = "wecom-kf servicer", occurredAt = t0.AddMinutes(31) }, ingest),
            ("/api/conversations/api-b/assignment", new { agentId = "agent-2", occurredAt = t0.AddMinutes(31) }, agent2),
            ("/api/conversations/api-b/agent-replies", new { agentId = "agent-2", text = "yes", occurredAt = t0.AddMinutes(30).AddSeconds(400) }, agent2),
        };
        foreach (var (path, body, token) in calls)
        {
            await host.OkAsync(path, body, token);
        }

        var day = DateOnly.FromDateTime(t0.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        async Task<string> MetricAsync(string store) =>
            (await host.Client.GetFromJsonAsync<JsonElement>($"/api/stores/{store}/metrics/reply-rate-daily?from={day}&to={day}")).GetRawText();
        await ConnectorHost.EventuallyAsync(async () => await MetricAsync(ConnectorHost.Chat) == await MetricAsync(apiStore) && (await MetricAsync(apiStore)).Contains("0.5", StringComparison.Ordinal), "the same reply rate");
    }

    [Fact]
    public async Task A_day_of_shop_orders_through_the_connector_yields_the_same_order_rows_as_through_the_command_api()
    {
        await EnsureShopStoreAsync();
        // Minutes ago, not yesterday: an unpaid order older than the store's 30-minute window is cancelled by the
        // payment-timeout reactor of the host, on either side, before its payment arrives.
        var placed = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        var apiStore = "api-shop";
        await host.RegisterStoreAsync(apiStore);
        var paid = NewPlatformOrderId();
        var unpaid = NewPlatformOrderId();
        host.StandIn.Orders[paid] = ShopOrder(paid, placed, paidAt: placed.AddMinutes(3), status: 20);
        host.StandIn.Orders[unpaid] = ShopOrder(unpaid, placed.AddMinutes(1), paidAt: null, status: 250, updatedAt: placed.AddMinutes(5));
        foreach (var (name, id) in new[] { ("channels_ec_order_new", paid), ("channels_ec_order_pay", paid), ("channels_ec_order_new", unpaid), ("channels_ec_order_cancel", unpaid) })
        {
            await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, ShopEvent(name, id));
        }

        var ingest = host.As(Roles.Ingest, apiStore);
        foreach (var (id, at) in new[] { ("api-" + paid, placed), ("api-" + unpaid, placed.AddMinutes(1)) })
        {
            await host.OkAsync($"/api/orders/{id}", new
            {
                storeId = apiStore, customerId = "buyer-1", channel = Channels.WeChatShop, currency = "EUR",
                lines = new[] { new { sku = "SKU-1", quantity = 2, unitPrice = 10.00m } },
                shippingAddress = new { name = "Ann", line1 = "1 Main St 3F", city = "Springfield", postalCode = "12345", region = "north", country = "CN", line2 = "Centre", phone = "5550100" },
                occurredAt = at,
            }, ingest);
        }

        await host.OkAsync($"/api/orders/api-{paid}/payments", new { amount = 20.00m, currency = "EUR", paymentReference = "tx-" + paid, occurredAt = placed.AddMinutes(3) }, ingest);
        await host.OkAsync($"/api/orders/api-{unpaid}/cancellation", new { reason = "cancelled on the WeChat shop", occurredAt = placed.AddMinutes(5) }, ingest);

        async Task<string> RowAsync(string orderId) =>
            await host.Client.GetAsync($"/api/orders/{orderId}") is { IsSuccessStatusCode: true } found ? Normalized(await found.Content.ReadFromJsonAsync<JsonElement>()) : "";
        await ConnectorHost.EventuallyAsync(async () => (await host.EventTypesAsync($"order-wxs-{unpaid}")).Contains("order-cancelled"), "the connector's orders");
        await ConnectorHost.EventuallyAsync(async () => (await RowAsync($"wxs-{unpaid}")).Contains("ancel", StringComparison.OrdinalIgnoreCase) && (await RowAsync($"api-{unpaid}")).Contains("ancel", StringComparison.OrdinalIgnoreCase), "both read models current");
        Assert.Equal(await RowAsync($"api-{paid}"), await RowAsync($"wxs-{paid}"));
        Assert.Equal(await RowAsync($"api-{unpaid}"), await RowAsync($"wxs-{unpaid}"));
    }

    [Fact]
    public async Task Shop_orders_keep_their_sharer_and_promoter_and_the_store_s_sharer_report_counts_their_orders_and_payments()
    {
        await EnsureShopStoreAsync();
        var placed = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        var (sharer, promoter) = ("sharer-" + Guid.NewGuid().ToString("N")[..8], "sph-" + Guid.NewGuid().ToString("N")[..8]);
        var (both, sharerOnly, unpaid, overlong) = (NewPlatformOrderId(), NewPlatformOrderId(), NewPlatformOrderId(), NewPlatformOrderId());
        host.StandIn.Orders[both] = Attributed(ShopOrder(both, placed, paidAt: placed.AddMinutes(1), status: 20), sharer, sharerType: 1, promoter);
        host.StandIn.Orders[sharerOnly] = Attributed(ShopOrder(sharerOnly, placed.AddMinutes(2), paidAt: placed.AddMinutes(3), status: 20), sharer, sharerType: 0, null);
        host.StandIn.Orders[unpaid] = Attributed(ShopOrder(unpaid, placed.AddMinutes(4), paidAt: null, status: 10), sharer, sharerType: 0, null);
        host.StandIn.Orders[overlong] = Attributed(ShopOrder(overlong, placed.AddMinutes(5), paidAt: null, status: 10), new string('x', 101), sharerType: 0, null);
        foreach (var id in new[] { both, sharerOnly, unpaid, overlong })
        {
            await host.PushAsync(Channels.WeChatShop, ConnectorHost.Shop, ShopEvent("channels_ec_order_new", id));
        }

        await ConnectorHost.EventuallyAsync(async () => await HandledAsync(ConnectorHost.Shop, Channels.WeChatShop, overlong) >= 1, "the four orders handled");
        Assert.Equal(["order-placed", "order-allocated", "order-attributed", "order-payment-confirmed"], await host.EventTypesAsync($"order-wxs-{both}"));
        // An attribution the ledger would refuse does not cost the order: it is placed without it, and the handled log says so.
        Assert.Equal(["order-placed", "order-allocated"], await host.EventTypesAsync($"order-wxs-{overlong}"));
        Assert.Equal(1, await HandledAsync(ConnectorHost.Shop, Channels.WeChatShop, overlong, outcome: "attribution not kept (order.attribution-invalid)"));

        JsonElement? Row(JsonElement report, string role, string id) =>
            report.EnumerateArray().Where(r => r.GetProperty("role").GetString() == role && r.GetProperty("id").GetString() == id).Select(r => (JsonElement?)r).FirstOrDefault();
        var report = default(JsonElement);
        await ConnectorHost.EventuallyAsync(async () =>
        {
            report = await host.Client.GetFromJsonAsync<JsonElement>($"/api/stores/{ConnectorHost.Shop}/sharers");
            // The three orders in any order the connector handled them: the unpaid one may come after both payments.
            return Row(report, "sharer", sharer) is { } row && row.GetProperty("orders").GetInt64() == 3 && row.GetProperty("paidOrders").GetInt64() == 2;
        }, "the sharer report current");

        var bySharer = Row(report, "sharer", sharer)!.Value;
        Assert.Equal((3L, 2L, 40.00m, 0m, 40.00m), (bySharer.GetProperty("orders").GetInt64(), bySharer.GetProperty("paidOrders").GetInt64(),
            bySharer.GetProperty("paidAmount").GetDecimal(), bySharer.GetProperty("refundedAmount").GetDecimal(), bySharer.GetProperty("netAmount").GetDecimal()));
        Assert.Equal("shop", bySharer.GetProperty("sharerType").GetString());
        var byPromoter = Row(report, "promoter", promoter)!.Value;
        Assert.Equal((1L, 1L, 20.00m), (byPromoter.GetProperty("orders").GetInt64(), byPromoter.GetProperty("paidOrders").GetInt64(), byPromoter.GetProperty("paidAmount").GetDecimal()));
        Assert.Null(Row(report, "sharer", new string('x', 101)));
    }

    /// <summary>The order detail with the documented attribution fields: <c>sharer_info</c> and a <c>commission_infos</c> entry of the promoter.</summary>
    private static JsonObject Attributed(JsonObject order, string sharerOpenId, int sharerType, string? promoterFinderId)
    {
        var detail = order["order_detail"]!.AsObject();
        detail["sharer_info"] = new JsonObject
        {
            ["sharer_openid"] = sharerOpenId, ["sharer_unionid"] = "", ["sharer_type"] = sharerType, ["share_scene"] = 5, ["handling_progress"] = 1,
        };
        if (promoterFinderId is not null)
        {
            detail["commission_infos"] = new JsonArray(new JsonObject { ["sku_id"] = "11", ["nickname"] = "a creator", ["type"] = 0, ["status"] = 1, ["amount"] = 200, ["finder_id"] = promoterFinderId });
        }

        return order;
    }

    /// <summary>
    /// The throughput of one connector (docs/connectors.md, "Throughput"): 400 signed generic notifications received,
    /// then turned into commands by the worker; both rates go to the test output. Every notification must be handled.
    /// </summary>
    [Fact]
    public async Task One_connector_receives_and_handles_every_notification_of_a_burst_and_reports_its_rate()
    {
        const int count = 400;
        var store = ConnectorHost.Generic;
        if (await host.CountEventsAsync($"store-{store}") == 0)
        {
            await host.RegisterStoreAsync(store);
        }

        var run = Guid.NewGuid().ToString("N")[..8];
        var received = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var envelope = new JsonObject
            {
                ["id"] = $"burst-{run}-{i}", ["source"] = "bench", ["type"] = "StartConversation", ["time"] = Day.ToString("O"),
                ["data"] = new JsonObject { ["conversationId"] = $"burst-{run}-{i}", ["storeId"] = store, ["customerId"] = $"c-{i}", ["channel"] = "web", ["botEnabled"] = true },
            }.ToJsonString();
            Assert.Equal(HttpStatusCode.Accepted, (await host.PushGenericAsync(store, envelope)).StatusCode);
        });
        var receiving = received.Elapsed;
        await ConnectorHost.EventuallyAsync(async () => await HandledAsync(store, Channels.Generic, $"burst-{run}-") >= count, "every notification of the burst handled");
        var handling = received.Elapsed;

        output.WriteLine($"connector throughput: {count} notifications received in {receiving.TotalSeconds:F2} s ({count / receiving.TotalSeconds:F0}/s), handled end to end in {handling.TotalSeconds:F2} s ({count / handling.TotalSeconds:F0}/s)");
        Assert.Equal(1, await host.CountEventsAsync($"conversation-burst-{run}-{count - 1}"));
        // The concurrent callbacks were committed in groups: each one is in the inbox exactly once.
        Assert.Equal(count, await InboxEntriesAsync(store, Channels.Generic, $"burst-{run}-"));
    }

    private async Task EnsureShopStoreAsync()
    {
        if (await host.CountEventsAsync($"store-{ConnectorHost.Shop}") == 0)
        {
            await host.RegisterStoreAsync(ConnectorHost.Shop);
        }
    }

    /// <summary>The row without its ids, store and payment reference: what must agree between the two paths.</summary>
    private static string Normalized(JsonElement row)
    {
        var node = JsonNode.Parse(row.GetRawText())!.AsObject();
        foreach (var name in node.Select(p => p.Key).Where(k => k.EndsWith("Id", StringComparison.Ordinal) || k is "paymentReference" or "warehouses" or "allocation").ToList())
        {
            node.Remove(name);
        }

        return node.ToJsonString();
    }

    private async Task<long> InboxEntriesAsync(string storeId, string channel, string containing)
    {
        var options = host.Services.GetRequiredService<ConnectorOptions>();
        await using var connection = await host.Services.GetRequiredKeyedService<NpgsqlDataSource>(options.ConnectionString).OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            $"SELECT count(*) FROM {options.ViewSchema}.connector_inbox WHERE inbox_id = @Inbox AND body LIKE '%\"id\":\"' || @Containing || '%'",
            new { Inbox = Channels.InboxId(channel, storeId), Containing = containing });
    }

    private async Task<long> HandledAsync(string storeId, string channel, string? containing = null, string? outcome = null)
    {
        var options = host.Services.GetRequiredService<ConnectorOptions>();
        await using var connection = await host.Services.GetRequiredKeyedService<NpgsqlDataSource>(options.ConnectionString).OpenConnectionAsync();
        try
        {
            return await connection.ExecuteScalarAsync<long>(
                $"SELECT count(*) FROM connectors.handled h JOIN {options.ViewSchema}.connector_inbox i USING (event_id) WHERE h.inbox_id = @Inbox AND (@Containing IS NULL OR i.body LIKE '%' || @Containing || '%') AND (@Outcome IS NULL OR h.outcome LIKE '%' || @Outcome || '%')",
                new { Inbox = Channels.InboxId(channel, storeId), Containing = containing, Outcome = outcome });
        }
        catch (PostgresException)
        {
            return 0;
        }
    }

    private static string NewPlatformOrderId() => Random.Shared.NextInt64(3_700_000_000_000_000_000, 3_799_999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject ShopOrder(string orderId, DateTimeOffset createdAt, DateTimeOffset? paidAt, int status, DateTimeOffset? updatedAt = null) => new()
    {
        ["order_id"] = long.Parse(orderId, System.Globalization.CultureInfo.InvariantCulture), ["create_time"] = createdAt.ToUnixTimeSeconds(),
        ["update_time"] = (updatedAt ?? paidAt ?? createdAt).ToUnixTimeSeconds(), ["status"] = status, ["openid"] = "buyer-1",
        ["order_detail"] = new JsonObject
        {
            ["product_infos"] = new JsonArray(new JsonObject { ["product_id"] = "1", ["sku_id"] = "11", ["sku_code"] = "SKU-1", ["sku_cnt"] = 2, ["sale_price"] = 1000, ["real_price"] = 2000 }),
            ["price_info"] = new JsonObject { ["product_price"] = 2000, ["order_price"] = 2000, ["freight"] = 0 },
            ["pay_info"] = paidAt is { } p ? new JsonObject { ["pay_time"] = p.ToUnixTimeSeconds(), ["transaction_id"] = "tx-" + orderId } : new JsonObject(),
            ["delivery_info"] = new JsonObject
            {
                ["address_info"] = new JsonObject
                {
                    ["user_name"] = "Ann", ["postal_code"] = "12345", ["province_name"] = "north", ["city_name"] = "Springfield", ["county_name"] = "Centre",
                    ["detail_info"] = "1 Main St", ["house_number"] = "3F", ["tel_number"] = "5550100",
                },
            },
        },
    };

    private static string ShopEvent(string name, string orderId) => new JsonObject
    {
        ["ToUserName"] = "gh_shop", ["FromUserName"] = "OpenID", ["CreateTime"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["MsgType"] = "event", ["Event"] = name,
        ["order_info"] = new JsonObject { ["order_id"] = long.Parse(orderId, System.Globalization.CultureInfo.InvariantCulture) },
    }.ToJsonString();

    private static string KfCallback() =>
        $"<xml><ToUserName><![CDATA[{ConnectorHost.CorpId}]]></ToUserName><CreateTime>{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType>" +
        $"<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENC-callback-token]]></Token><OpenKfId><![CDATA[{ConnectorHost.OpenKfId}]]></OpenKfId></xml>";

    private static JsonObject CustomerMessage(string msgId, string customer, DateTimeOffset at, string text) => new()
    {
        ["msgid"] = msgId, ["open_kfid"] = ConnectorHost.OpenKfId, ["external_userid"] = customer, ["send_time"] = at.ToUnixTimeSeconds(), ["origin"] = 3,
        ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = text },
    };

    private static JsonObject ServicerMessage(string msgId, string customer, string servicer, DateTimeOffset at, string text) => new()
    {
        ["msgid"] = msgId, ["open_kfid"] = ConnectorHost.OpenKfId, ["external_userid"] = customer, ["send_time"] = at.ToUnixTimeSeconds(), ["origin"] = 5,
        ["servicer_userid"] = servicer, ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = text },
    };

    private static JsonObject SessionChange(string msgId, string customer, DateTimeOffset at, int changeType, string newServicer = "", string oldServicer = "") => new()
    {
        ["msgid"] = msgId, ["send_time"] = at.ToUnixTimeSeconds(), ["origin"] = 4, ["msgtype"] = "event",
        ["event"] = new JsonObject
        {
            ["event_type"] = "session_status_change", ["open_kfid"] = ConnectorHost.OpenKfId, ["external_userid"] = customer, ["change_type"] = changeType,
            ["old_servicer_userid"] = oldServicer, ["new_servicer_userid"] = newServicer,
        },
    };
}
