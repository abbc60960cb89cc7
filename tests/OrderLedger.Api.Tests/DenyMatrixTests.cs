using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Issue 13: every endpoint of the app × every role (and no token) × the caller's own store, another store and every
/// store (<c>*</c>). The endpoints come from the app's <see cref="EndpointDataSource"/>, so a new endpoint without an
/// entry in <see cref="Access"/> fails the test. A leak is an answer of another store's data (a 2xx for a store-bound
/// endpoint — its 404 only echoes the id the caller sent —, that store's id in the answer of one that spans stores) or
/// any event appended to another store's streams.
/// </summary>
public sealed class DenyMatrixTests(ApiHost host, ITestOutputHelper output) : IClassFixture<ApiHost>
{
    private enum Scope
    {
        /// <summary>Everything it touches belongs to the store in the path or body: another store's is 404 (or 403).</summary>
        StoreBound,

        /// <summary>Spans stores and answers only what the token's stores hold (another store's data never appears).</summary>
        Filtered,

        /// <summary>Spans stores and needs a <c>*</c> token: a store-scoped token gets 403.</summary>
        AllStoresOnly,

        /// <summary>No token needed (health, API description).</summary>
        Public,
    }

    private sealed record Rule(Scope Scope, params string[] Roles);

    private static readonly string[] Commanders = [Roles.Agent, Roles.Supervisor, Roles.Ingest, Roles.Admin];
    private static readonly string[] Readers = [Roles.Agent, Roles.Supervisor, Roles.Auditor, Roles.Data, Roles.Admin];
    private static readonly string[] LogReaders = [Roles.Auditor, Roles.Supervisor, Roles.Data, Roles.Admin];
    private static readonly string[] PolicySetters = [Roles.Supervisor, Roles.Admin];
    private static readonly string[] DataTeam = [Roles.Data, Roles.Admin];

    /// <summary>Who may call what: the specification the matrix checks. Keyed by "METHOD pattern".</summary>
    private static readonly Dictionary<string, Rule> Access = new(StringComparer.Ordinal)
    {
        ["GET /health/live"] = new(Scope.Public),
        ["GET /health/ready"] = new(Scope.Public),
        ["GET /openapi/{documentName}.json"] = new(Scope.Public),
        ["GET /scalar/{documentName?}"] = new(Scope.Public),
        ["GET /scalar/scalar.js"] = new(Scope.Public),
        ["GET /scalar/scalar.aspnetcore.js"] = new(Scope.Public),
        ["GET /scalar/favicon.svg"] = new(Scope.Public),
        ["GET /api/session"] = new(Scope.Filtered, [.. Roles.All]),
        ["GET /webhooks/wechat-shop/{storeId}"] = new(Scope.Public),
        ["POST /webhooks/wechat-shop/{storeId}"] = new(Scope.Public),
        ["GET /webhooks/wecom-kf/{storeId}"] = new(Scope.Public),
        ["POST /webhooks/wecom-kf/{storeId}"] = new(Scope.Public),
        ["POST /webhooks/generic/{storeId}"] = new(Scope.Public),

        ["GET /api/streams/{streamId}"] = new(Scope.StoreBound, LogReaders),
        ["POST /api/streams/{streamId}"] = new(Scope.StoreBound, Roles.Admin),
        ["GET /api/all"] = new(Scope.Filtered, DataTeam),
        ["GET /api/projections/"] = new(Scope.AllStoresOnly, DataTeam),
        ["GET /api/projections/{name}"] = new(Scope.AllStoresOnly, DataTeam),
        ["POST /api/projections/{name}/rebuild"] = new(Scope.AllStoresOnly, DataTeam),
        ["GET /api/projections/{name}/rebuild"] = new(Scope.AllStoresOnly, DataTeam),
        ["POST /api/projections/{name}/retry"] = new(Scope.AllStoresOnly, DataTeam),

        ["POST /api/stores/{storeId}"] = new(Scope.StoreBound, Commanders),
        ["POST /api/stores/{storeId}/policies/auto-refund-window"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/service-hours"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/sla-targets"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/return-addresses"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/warehouses"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/returns"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/bot-hand-off"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/proactive-cases"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/vip-rule"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/priority-sla-targets"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/member-levels/{customerId}"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/policies/buyer-binding"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/roster/shift-start"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/stores/{storeId}/roster/shift-end"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/stores/{storeId}/roster/agents/{agentId}/capacity"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/roster/agents/{agentId}/rank"] = new(Scope.StoreBound, PolicySetters),
        ["GET /api/stores/{storeId}/roster"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/stores/{storeId}/returns/scans"] = new(Scope.StoreBound, Commanders),
        ["POST /api/stores/{storeId}/refunds/approvals"] = new(Scope.StoreBound, Commanders),
        ["POST /api/stock/{warehouseId}/{sku}/receipts"] = new(Scope.StoreBound, Commanders),
        ["POST /api/stock/{warehouseId}/{sku}/adjustments"] = new(Scope.StoreBound, Commanders),
        ["POST /api/orders/{orderId}"] = new(Scope.StoreBound, Commanders),
        ["POST /api/orders/{orderId}/payments"] = new(Scope.StoreBound, Commanders),
        ["POST /api/orders/{orderId}/payment-failures"] = new(Scope.StoreBound, Commanders),
        ["POST /api/orders/{orderId}/payment-timeout"] = new(Scope.StoreBound, Commanders),
        ["POST /api/orders/{orderId}/cancellation"] = new(Scope.StoreBound, Commanders),
        ["POST /api/orders/{orderId}/completion"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/picked"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/packed"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/handover"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/scans"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/delivered"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/exceptions"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/interception"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/return-to-sender"] = new(Scope.StoreBound, Commanders),
        ["POST /api/shipments/{shipmentId}/back-at-warehouse"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/approval"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/rejection"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/return-shipped"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/return-received"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/inspection"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/payment"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/dispute"] = new(Scope.StoreBound, Commanders),
        ["POST /api/refunds/{refundId}/dispute/judgement"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/messages"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/bot-replies"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/handoff"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/assignment"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/agent-replies"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/escalation"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/urgency"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/escalation-resolution"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/conversations/{conversationId}/classification"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/conversations/{conversationId}/resolution"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/satisfaction"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/nps-survey"] = new(Scope.StoreBound, Commanders),
        ["POST /api/conversations/{conversationId}/nps-answer"] = new(Scope.StoreBound, Commanders),
        ["POST /api/stores/{storeId}/departments/{department}"] = new(Scope.StoreBound, PolicySetters),
        ["POST /api/conversations/{conversationId}/work-orders"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/work-orders/{ticketId}/plan"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/work-orders/{ticketId}/resolution"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/work-orders/{ticketId}/reopening"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),
        ["POST /api/work-orders/{ticketId}/closure"] = new(Scope.StoreBound, Roles.Agent, Roles.Supervisor, Roles.Admin),

        ["GET /api/orders/{orderId}"] = new(Scope.StoreBound, Readers),
        ["GET /api/orders/{orderId}/shipments"] = new(Scope.StoreBound, Readers),
        ["GET /api/orders/{orderId}/refunds"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/orders"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/stock"] = new(Scope.StoreBound, Readers),
        ["GET /api/shipments/{shipmentId}"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/shipments/exceptions"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/shipments/stuck"] = new(Scope.StoreBound, Readers),
        ["GET /api/refunds/{refundId}"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/refunds"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/returns/{trackingNumber}"] = new(Scope.StoreBound, Readers),
        ["GET /api/conversations/{conversationId}"] = new(Scope.StoreBound, Readers),
        ["GET /api/conversations/{conversationId}/messages"] = new(Scope.StoreBound, Readers),
        ["GET /api/work-orders/{ticketId}"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/work-orders"] = new(Scope.StoreBound, Readers),
        ["GET /api/customers"] = new(Scope.Filtered, Readers),
        ["GET /api/stores/{storeId}/customers/{customerId}/profile"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/conversations/queue"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/customers"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/customers/{customerId}/timeline"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/customers/{customerId}/orders"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/customers/{customerId}/conversations"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/metrics"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/metrics/{name}"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/sharers"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/scorecard"] = new(Scope.StoreBound, Readers),
        ["GET /api/stores/{storeId}/alerts"] = new(Scope.StoreBound, Readers),
        ["GET /api/history/{streamId}"] = new(Scope.StoreBound, LogReaders),
        ["GET /api/orders/{orderId}/history"] = new(Scope.StoreBound, LogReaders),
        ["GET /api/history/{streamId}/verification"] = new(Scope.StoreBound, LogReaders),
        ["GET /api/audit/checkpoint"] = new(Scope.AllStoresOnly, Roles.Auditor),
        ["GET /api/audit/proofs/{streamId}/{revision}"] = new(Scope.StoreBound, Roles.Auditor),
        ["GET /api/audit/consistency"] = new(Scope.AllStoresOnly, Roles.Auditor),
    };

    /// <summary>Query strings an endpoint needs to get past its own validation to the store check.</summary>
    private static readonly Dictionary<string, Func<Shop, string>> Queries = new(StringComparer.Ordinal)
    {
        ["GET /api/stores/{storeId}/customers"] = _ => "?phone=5550100",
        ["GET /api/customers"] = shop => "?q=" + Uri.EscapeDataString(shop.CustomerId),
    };

    /// <summary>A store with one of everything: a paid order with a parcel, a refund and a conversation, and a raw stream.</summary>
    private sealed record Shop(Scenario Scenario, string OrderId, string ShipmentId, string RefundId, string ConversationId, string CustomerId)
    {
        public string StoreId => Scenario.StoreId;

        /// <summary>A work order opened from the conversation, for the store's department <c>logistics</c>.</summary>
        public string TicketId => "tk-" + OrderId;

        public IReadOnlyList<string> Streams =>
        [
            $"store-{StoreId}", $"warehouse-{Scenario.WarehouseId}", $"stock-{Scenario.WarehouseId}.SKU-1", $"order-{OrderId}",
            $"shipment-{ShipmentId}", $"refund-{RefundId}", $"conversation-{ConversationId}", $"note-{StoreId}", $"roster-{StoreId}",
            $"ticket-{TicketId}",
        ];

        public static async Task<Shop> OpenAsync(HttpClient admin)
        {
            var scenario = await Scenario.StoreWithStockAsync(admin, units: 100);
            var customerId = "marker-customer-" + scenario.StoreId;
            var orderId = await scenario.PaidOrderAsync(customerId);
            var shop = new Shop(scenario, orderId, "sh-" + orderId, "rf-" + orderId, "cv-" + orderId, customerId);
            await scenario.OkAsync($"/api/shipments/{shop.ShipmentId}", shop.ShipmentBody());
            await scenario.OkAsync($"/api/refunds/{shop.RefundId}", shop.RefundBody());
            await scenario.OkAsync($"/api/conversations/{shop.ConversationId}", shop.ConversationBody());
            await scenario.OkAsync($"/api/streams/note-{shop.StoreId}", shop.NoteBody());
            await scenario.OkAsync($"/api/stores/{shop.StoreId}/departments/logistics", new { ownerId = "supervisor-user", directorId = "admin-user" });
            await scenario.OkAsync($"/api/conversations/{shop.ConversationId}/work-orders", new { ticketId = shop.TicketId, department = "logistics", summary = "Trace the parcel" });
            return shop;
        }

        public object ShipmentBody() => new
        {
            orderId = OrderId, storeId = StoreId, warehouseId = Scenario.WarehouseId, shippingAddress = Scenario.Address,
            lines = new[] { new { sku = "SKU-1", quantity = 2, barcode = "B-1" } },
        };

        public object RefundBody() => new
        {
            orderId = OrderId, storeId = StoreId, customerId = CustomerId, kind = "RefundOnly", reason = "late",
            lines = new[] { new { sku = "SKU-1", quantity = 0, amount = 0.01m } },
        };

        public object ConversationBody() => new { storeId = StoreId, customerId = CustomerId, channel = "chat", orderId = OrderId, botEnabled = true };

        public object NoteBody() => new { expectedRevision = "any", storeId = StoreId, events = new[] { new { type = "note-added", data = new { text = "x" } } } };

        public object? Body(string key) => key switch
        {
            "POST /api/stores/{storeId}" => new { name = "Shop", timeZone = "UTC", currency = "EUR" },
            "POST /api/stores/{storeId}/policies/auto-refund-window" => new { hours = 2160 },
            "POST /api/stores/{storeId}/policies/service-hours" => new { opens = "08:00", closes = "23:00", timeZone = "UTC" },
            "POST /api/stores/{storeId}/policies/sla-targets" => new { firstReplySeconds = 180, resolutionHours = 24, npsSurveyDelayDays = 7 },
            "POST /api/stores/{storeId}/policies/return-addresses" => new { scope = "Default", address = Scenario.Address },
            "POST /api/stores/{storeId}/policies/returns" => new { refundRefusedDeliveries = true, payPassedReturns = false },
            "POST /api/stores/{storeId}/policies/bot-hand-off" => new { seconds = 60 },
            "POST /api/stores/{storeId}/policies/proactive-cases" => new { shipWithinHours = 24, noScanHours = 72, onUnreservableLine = true },
            "POST /api/stores/{storeId}/policies/vip-rule" => new { minPaidLast12Months = 100m, memberLevels = new[] { "gold" } },
            "POST /api/stores/{storeId}/policies/priority-sla-targets" => new { priority = "Vip", firstReplySeconds = 30, resolutionMinutes = 20 },
            "POST /api/stores/{storeId}/policies/member-levels/{customerId}" => new { level = "gold" },
            "POST /api/stores/{storeId}/policies/buyer-binding" => new { bindBuyers = true },
            "POST /api/stores/{storeId}/roster/agents/{agentId}/capacity" => new { capacity = 3 },
            "POST /api/stores/{storeId}/roster/agents/{agentId}/rank" => new { rank = "Senior" },
            "POST /api/stores/{storeId}/returns/scans" => new { trackingNumber = "R-1" },
            "POST /api/stores/{storeId}/refunds/approvals" => new { refundIds = new[] { RefundId } },
            "POST /api/stores/{storeId}/policies/warehouses" => new { warehouses = new[] { new { warehouseId = Scenario.WarehouseId, regions = new[] { "north" } } } },
            "POST /api/stock/{warehouseId}/{sku}/receipts" => new { storeId = StoreId, quantity = 1 },
            "POST /api/stock/{warehouseId}/{sku}/adjustments" => new { storeId = StoreId, countedOnHand = 15, reason = "count" },
            "POST /api/orders/{orderId}" => Scenario.PlaceOrderBody(CustomerId, 1),
            "POST /api/orders/{orderId}/payments" => new { amount = 20.0m, currency = "EUR", paymentReference = "p" },
            "POST /api/orders/{orderId}/payment-failures" => new { paymentReference = "px", reason = "declined" },
            "POST /api/orders/{orderId}/cancellation" => new { reason = "x" },
            "POST /api/shipments/{shipmentId}" => ShipmentBody(),
            "POST /api/shipments/{shipmentId}/packed" => new { scannedBarcodes = new[] { "B-1", "B-1" }, weightGrams = 800 },
            "POST /api/shipments/{shipmentId}/handover" => new { carrier = "DHL", trackingNumber = "T-1" },
            "POST /api/shipments/{shipmentId}/scans" => new { location = "Hub", status = "in transit" },
            "POST /api/shipments/{shipmentId}/exceptions" => new { kind = "Delayed", note = "storm" },
            "POST /api/shipments/{shipmentId}/interception" or "POST /api/shipments/{shipmentId}/return-to-sender" => new { reason = "x" },
            "POST /api/refunds/{refundId}" => RefundBody(),
            "POST /api/refunds/{refundId}/rejection" or "POST /api/refunds/{refundId}/dispute" => new { reason = "x" },
            "POST /api/refunds/{refundId}/return-shipped" => new { carrier = "DHL", trackingNumber = "R-1" },
            "POST /api/refunds/{refundId}/return-received" => new { scannedTrackingNumber = "R-1" },
            "POST /api/refunds/{refundId}/inspection" => new { passed = true, note = "ok" },
            "POST /api/refunds/{refundId}/payment" => new { paymentReference = "rp-1" },
            "POST /api/refunds/{refundId}/dispute/judgement" => new { merchantAtFault = false, note = "fine" },
            "POST /api/conversations/{conversationId}" => ConversationBody(),
            "POST /api/conversations/{conversationId}/messages" or "POST /api/conversations/{conversationId}/bot-replies" => new { text = "hello" },
            "POST /api/conversations/{conversationId}/handoff" or "POST /api/conversations/{conversationId}/escalation" => new { reason = "x" },
            "POST /api/conversations/{conversationId}/assignment" => new { agentId = "agent-7" },
            "POST /api/conversations/{conversationId}/agent-replies" => new { agentId = "agent-7", text = "on its way" },
            "POST /api/conversations/{conversationId}/satisfaction" => new { rating = "Satisfied" },
            "POST /api/conversations/{conversationId}/nps-answer" => new { score = 9 },
            "POST /api/conversations/{conversationId}/urgency" => new { urgency = "OrderOverdue" },
            "POST /api/conversations/{conversationId}/classification" => new { category = "Logistics", isComplaint = true, tags = new[] { "late" } },
            "POST /api/conversations/{conversationId}/escalation-resolution" => new { resolution = "re-sent", improvement = "foam" },
            "POST /api/streams/{streamId}" => NoteBody(),
            "POST /api/stores/{storeId}/departments/{department}" => new { ownerId = "supervisor-user", directorId = "admin-user" },
            "POST /api/conversations/{conversationId}/work-orders" => new { ticketId = "tk-" + Guid.NewGuid().ToString("N")[..12], department = "logistics", summary = "Trace it" },
            "POST /api/work-orders/{ticketId}/plan" => new { plan = "Call the carrier" },
            "POST /api/work-orders/{ticketId}/resolution" => new { resolution = "Re-sent" },
            "POST /api/work-orders/{ticketId}/reopening" => new { reason = "x" },
            _ => new { },
        };

        public string Route(string key, string parameter, string fresh) => parameter switch
        {
            "storeId" => StoreId,
            "orderId" => key == "POST /api/orders/{orderId}" ? "ord-" + fresh : OrderId,
            "shipmentId" => key == "POST /api/shipments/{shipmentId}" ? "sh-" + fresh : ShipmentId,
            "refundId" => key == "POST /api/refunds/{refundId}" ? "rf-" + fresh : RefundId,
            "conversationId" => key == "POST /api/conversations/{conversationId}" ? "cv-" + fresh : ConversationId,
            "warehouseId" => Scenario.WarehouseId,
            "ticketId" => TicketId,
            "department" => "logistics",
            "sku" => "SKU-1",
            "trackingNumber" => "R-1",
            "customerId" => CustomerId,
            "agentId" => "agent-7",
            "streamId" => key.StartsWith("GET /api/history", StringComparison.Ordinal) ? $"order-{OrderId}" : $"note-{StoreId}",
            "name" => key.Contains("metrics", StringComparison.Ordinal) ? "nps" : "orders",
            "documentName" => "v1",
            "revision" => "0",
            _ => throw new InvalidOperationException($"No value for route parameter {{{parameter}}} of {key}."),
        };
    }

    [Fact]
    public async Task Every_endpoint_answers_every_role_and_store_as_specified_and_nothing_leaks_across_stores()
    {
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (Key: $"{method} {e.RoutePattern.RawText}", Endpoint: e)))
            .DistinctBy(e => e.Key)
            .ToList();
        var unlisted = endpoints.Where(e => !Access.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints without an entry in the deny matrix: " + string.Join(", ", unlisted));
        foreach (var (key, endpoint) in endpoints)
        {
            var open = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0;
            Assert.True(open == (Access[key].Scope == Scope.Public), $"{key}: public in the app = {open}, in the matrix = {!open}.");
        }

        var own = await Shop.OpenAsync(host.Client);
        var other = await Shop.OpenAsync(host.Client);
        var otherBefore = await CountAsync(other);
        var failures = new List<string>();
        var (cells, leaks) = (0, 0);
        foreach (var (key, endpoint) in endpoints.Where(e => !e.Key.Contains("scalar", StringComparison.Ordinal)))
        {
            var rule = Access[key];
            foreach (var role in Roles.All.Append("anonymous"))
            {
                foreach (var (token, target, label) in new[] { (own.StoreId, own, "own"), (own.StoreId, other, "other"), (AccessTokens.AllStores, own, "*") })
                {
                    if (role == "anonymous" && label != "own")
                    {
                        continue;
                    }

                    cells++;
                    var client = role == "anonymous" ? host.Anonymous : host.As(role, token);
                    var response = await SendAsync(client, key, endpoint, target);
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync();
                    var permitted = rule.Scope == Scope.Public || (rule.Roles.Contains(role) && (rule.Scope != Scope.AllStoresOnly || label == "*"));
                    var cell = $"{key} as {role} of {(token == AccessTokens.AllStores ? "*" : "store")} on the {label} store → {status}";
                    if (status >= 500)
                    {
                        failures.Add($"{cell}: a 5xx: {text}");
                    }
                    else if (!permitted)
                    {
                        var expected = role == "anonymous" ? 401 : 403;
                        if (status != expected)
                        {
                            failures.Add($"{cell}: expected {expected}");
                            leaks += status is >= 200 and < 300 ? 1 : 0;
                        }
                    }
                    else if (label != "other" && status is 401 or 403)
                    {
                        failures.Add($"{cell}: permitted, yet refused");
                    }
                    else if (label == "other" && rule.Scope == Scope.StoreBound && status is not (403 or 404))
                    {
                        failures.Add($"{cell}: another store's {key} must answer 404 (or 403)");
                        leaks += status is >= 200 and < 300 ? 1 : 0;
                    }
                    else if (label == "other" && rule.Scope != Scope.StoreBound && text.Contains(other.StoreId, StringComparison.Ordinal))
                    {
                        failures.Add($"{cell}: the answer names the other store");
                        leaks++;
                    }
                }
            }
        }

        var otherAfter = await CountAsync(other);
        foreach (var (stream, count) in otherAfter.Where(s => s.Value != otherBefore[s.Key]))
        {
            failures.Add($"{stream} of the other store went from {otherBefore[stream]} to {count} events");
            leaks++;
        }

        output.WriteLine($"deny matrix: {endpoints.Count} endpoints, {cells} cells, {leaks} leaks, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(0, leaks);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string key, RouteEndpoint endpoint, Shop target)
    {
        var fresh = Guid.NewGuid().ToString("N")[..10];
        var path = endpoint.RoutePattern.RawText!;
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            var token = path[path.IndexOf("{" + parameter.Name, StringComparison.Ordinal)..];
            token = token[..(token.IndexOf('}', StringComparison.Ordinal) + 1)];
            path = path.Replace(token, Uri.EscapeDataString(target.Route(key, parameter.Name, fresh)), StringComparison.Ordinal);
        }

        path += Queries.TryGetValue(key, out var query) ? query(target) : "";
        return key.StartsWith("POST ", StringComparison.Ordinal)
            ? await client.PostAsJsonAsync(path, target.Body(key))
            : await client.GetAsync(path);
    }

    private async Task<Dictionary<string, int>> CountAsync(Shop shop)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var stream in shop.Streams)
        {
            counts[stream] = await shop.Scenario.CountEventsAsync(stream);
        }

        return counts;
    }
}
