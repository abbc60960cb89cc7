using System.Text.Json.Nodes;
using OrderLedger.Connectors.Platform;
using OrderLedger.Connectors.Receiving;
using OrderLedger.Connectors.Worker;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Connectors.WeChatShop;

/// <summary>
/// WeChat Channels shop (微信小店): every order notification (<c>channels_ec_order_*</c>) brings the order up to what
/// the shop API's order detail (<c>channels/ec/order/get</c>) says now, and every <c>channels_ec_aftersale_update</c>
/// brings the refund up to the after-sale order (<c>channels/ec/aftersale/getaftersaleorder</c>). Each step is a
/// command whose id is the platform's id and the step, so a retried or repeated notification records nothing new, and
/// notifications that overtake each other converge on the same state: the first one to arrive does every step the
/// detail already shows (docs/connectors.md has the table).
/// </summary>
public sealed class ShopInboxHandler(ConnectorOptions options, PlatformApi api, ConnectorCommands commands) : IInboxHandler
{
    public const string OrderIdPrefix = "wxs-";
    public const string RefundIdPrefix = "wxs-as-";
    private static readonly Actor Shop = Actor.System(Channels.WeChatShop);

    public string Channel => Channels.WeChatShop;

    public async Task<string> HandleAsync(InboxEntry entry, CancellationToken cancellationToken)
    {
        if (!options.WeChatShop.TryGetValue(entry.StoreId, out var credentials))
        {
            return "not configured: skipped";
        }

        var message = PlatformMessage.Parse(entry.Body);
        var log = new List<string>();
        switch (message.Event)
        {
            case { } name when name.StartsWith("channels_ec_order_", StringComparison.Ordinal) && message["order_info.order_id"] is { Length: > 0 } orderId:
                await ReconcileOrderAsync(entry.StoreId, credentials, orderId, log, cancellationToken);
                break;
            case "channels_ec_aftersale_update" when message["finder_shop_aftersale_status_update.after_sale_order_id"] is { Length: > 0 } afterSaleId:
                await ReconcileAfterSaleAsync(entry.StoreId, credentials, afterSaleId, log, cancellationToken);
                break;
            default:
                return $"event {message.Event ?? "?"}: not mapped";
        }

        return string.Join("; ", log);
    }

    private async Task<JsonObject> OrderDetailAsync(WeChatShopCredentials credentials, string platformOrderId, CancellationToken cancellationToken) =>
        (await api.PostAsync(credentials.ApiBaseUrl, "/channels/ec/order/get", Tokens(credentials), new { order_id = platformOrderId }, cancellationToken))["order"] as JsonObject
            ?? throw new PlatformApiException("channels/ec/order/get", 0, "no order in the answer");

    /// <summary>Places, pays, cancels or completes the order as far as the shop's detail shows it.</summary>
    private async Task<(OrderState State, JsonObject Detail)?> ReconcileOrderAsync(
        string storeId, WeChatShopCredentials credentials, string platformOrderId, List<string> log, CancellationToken cancellationToken)
    {
        var detail = await OrderDetailAsync(credentials, platformOrderId, cancellationToken);
        var orderId = OrderIdPrefix + platformOrderId;
        var commandId = $"{Channels.WeChatShop}/order/{platformOrderId}";
        var state = await LoadOrderAsync(orderId, cancellationToken);
        if (state.Status == OrderStatus.None)
        {
            var place = PlaceOrderOf(storeId, credentials, orderId, detail);
            if (place.Attribution?.Fault() is { } unfit)
            {
                // The order matters more than who brought it: one the ledger would refuse for its attribution is placed without it.
                log.Add($"{orderId} attribution not kept ({unfit.Rule})");
                place = place with { Attribution = null };
            }

            await commands.RunAsync(place, $"{commandId}/new", Shop, storeId, Json.Time(detail, "create_time"), log, cancellationToken);
            state = await LoadOrderAsync(orderId, cancellationToken);
        }

        if (!state.IsPlaced)
        {
            log.Add($"{orderId} not placed ({state.Status.ToString().ToLowerInvariant()}): nothing more");
            return null;
        }

        if (state.StoreId != storeId)
        {
            log.Add($"{orderId} belongs to another store: nothing done");
            return null;
        }

        var pay = detail["order_detail"]?["pay_info"];
        if (Json.Number(pay, "pay_time") > 0)
        {
            var reference = Json.Text(pay, "transaction_id") is { Length: > 0 } transaction ? transaction : platformOrderId;
            await commands.RunAsync(
                new ConfirmPayment(orderId, state.Total, state.Currency, reference, Json.Time(pay, "pay_time")), $"{commandId}/pay", Shop, storeId, Json.Time(pay, "pay_time"), log, cancellationToken);
        }

        var updatedAt = Json.Time(detail, "update_time");
        switch (Json.Number(detail, "status"))
        {
            case ShopOrderStatus.CancelledUnpaid or ShopOrderStatus.CancelledAfterSales:
                var reason = Json.Number(detail, "status") == ShopOrderStatus.CancelledUnpaid ? "cancelled on the WeChat shop" : "every item refunded on the WeChat shop";
                await commands.RunAsync(new CancelOrder(orderId, reason, updatedAt), $"{commandId}/cancel", Shop, storeId, updatedAt, log, cancellationToken);
                break;
            case ShopOrderStatus.Completed:
                await commands.RunAsync(new CompleteOrder(orderId, updatedAt), $"{commandId}/confirm", Shop, storeId, updatedAt, log, cancellationToken);
                break;
            default:
                break;
        }

        return (await LoadOrderAsync(orderId, cancellationToken), detail);
    }

    private static PlaceOrder PlaceOrderOf(string storeId, WeChatShopCredentials credentials, string orderId, JsonObject detail)
    {
        var lines = (detail["order_detail"]?["product_infos"]?.AsArray() ?? [])
            .Select(p => new OrderLine(SkuOf(p), (int)Json.Number(p, "sku_cnt"), Json.Money(p, "sale_price")))
            .ToList();
        var address = detail["order_detail"]?["delivery_info"]?["address_info"];
        var street = string.Join(" ", new[] { Json.Text(address, "detail_info"), Json.Text(address, "house_number") }.Where(s => s.Length > 0));
        var shipTo = new PostalAddress(
            Json.Text(address, "user_name"), street, Json.Text(address, "city_name"), Json.Text(address, "postal_code"),
            Json.Text(address, "province_name"), "CN", Json.Text(address, "county_name") is { Length: > 0 } county ? county : null,
            Json.Text(address, "tel_number") is { Length: > 0 } phone ? phone : null);
        return new PlaceOrder(
            orderId, storeId, Json.Text(detail, "openid"), Channels.WeChatShop, credentials.Currency, lines, shipTo, null, Json.Time(detail, "create_time"),
            Attribution: AttributionOf(detail["order_detail"]));
    }

    /// <summary>
    /// The sharer (分享员) from <c>sharer_info</c> (<c>sharer_openid</c>; <c>sharer_type</c> 0 ordinary, 1 the shop's
    /// own) and the promoter (达人) whose commission the order carries (<c>commission_infos[].finder_id</c>); null when
    /// the detail names neither.
    /// </summary>
    internal static OrderAttribution? AttributionOf(JsonNode? orderDetail)
    {
        var sharer = orderDetail?["sharer_info"];
        var sharerId = Json.Text(sharer, "sharer_openid") is { Length: > 0 } openId ? openId : null;
        var sharerType = sharerId is null ? null : Json.Text(sharer, "sharer_type") switch
        {
            "" => null,
            "0" => "ordinary",
            "1" => "shop",
            var other => other,
        };
        var promoterId = (orderDetail?["commission_infos"] as JsonArray ?? [])
            .Select(c => Json.Text(c, "finder_id"))
            .FirstOrDefault(id => id.Length > 0);
        return sharerId is null && promoterId is null ? null : new OrderAttribution(sharerId, sharerType, promoterId);
    }

    /// <summary>The merchant's own SKU code (sku_code) when the product has one, which is what the ledger's stock is kept under; else the shop's sku_id.</summary>
    private static string SkuOf(JsonNode? product) => Json.Text(product, "sku_code") is { Length: > 0 } code ? code : Json.Text(product, "sku_id");

    /// <summary>Requests, approves or rejects the refund and follows its return and payment as far as the after-sale order shows.</summary>
    private async Task ReconcileAfterSaleAsync(string storeId, WeChatShopCredentials credentials, string afterSaleId, List<string> log, CancellationToken cancellationToken)
    {
        var afterSale = (await api.PostAsync(credentials.ApiBaseUrl, "/channels/ec/aftersale/getaftersaleorder", Tokens(credentials), new { after_sale_order_id = afterSaleId }, cancellationToken))["after_sale_order"] as JsonObject
            ?? throw new PlatformApiException("channels/ec/aftersale/getaftersaleorder", 0, "no after_sale_order in the answer");
        var platformOrderId = Json.Text(afterSale, "order_id");
        if (await ReconcileOrderAsync(storeId, credentials, platformOrderId, log, cancellationToken) is not { } order)
        {
            return;
        }

        var refundId = RefundIdPrefix + afterSaleId;
        var existing = (await commands.Service.Handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(refundId), cancellationToken: cancellationToken)).State;
        if (existing.Status != RefundStatus.None && existing.StoreId != storeId)
        {
            log.Add($"{refundId} belongs to another store: nothing done");
            return;
        }

        var status = Json.Text(afterSale, "status");
        var stage = AfterSaleStages.Of(status);
        if (stage is null)
        {
            log.Add($"{refundId} status {status}: not mapped");
            return;
        }

        var commandId = $"{Channels.WeChatShop}/aftersale/{afterSaleId}";
        var kind = Json.Text(afterSale, "type") == "RETURN" ? RefundKind.ReturnAndRefund : RefundKind.RefundOnly;
        var product = afterSale["product_info"];
        var skuId = Json.Text(product, "sku_id");
        var sku = (order.Detail["order_detail"]?["product_infos"]?.AsArray() ?? []).FirstOrDefault(p => Json.Text(p, "sku_id") == skuId) is { } line ? SkuOf(line) : skuId;
        var createdAt = Json.Time(afterSale, "create_time");
        var updatedAt = Json.Time(afterSale, "update_time");
        var customer = new Actor(ActorKind.Customer, order.State.CustomerId);
        var request = new RequestRefund(
            refundId, order.State.OrderId, storeId, order.State.CustomerId, kind,
            [new RefundLine(sku, (int)Json.Number(product, "count"), Json.Money(afterSale["refund_info"], "amount"))],
            Json.Text(afterSale, "reason") is { Length: > 0 } reason ? reason : "WeChat shop after-sale", null, createdAt);
        await commands.RunAsync(request, $"{commandId}/requested", customer, storeId, createdAt, log, cancellationToken);
        if (stage == AfterSaleStage.Rejected)
        {
            await commands.RunAsync(new RejectRefund(refundId, Channels.WeChatShop, status, updatedAt), $"{commandId}/rejected", Shop, storeId, updatedAt, log, cancellationToken);
            return;
        }

        if (stage == AfterSaleStage.Requested)
        {
            return;
        }

        await commands.RunAsync(new ApproveRefund(refundId, Channels.WeChatShop, null, null, updatedAt), $"{commandId}/approved", Shop, storeId, updatedAt, log, cancellationToken);
        var returned = afterSale["return_info"];
        var tracking = Json.Text(returned, "waybill_id");
        if (kind == RefundKind.ReturnAndRefund && stage >= AfterSaleStage.ReturnShipped && tracking.Length > 0)
        {
            var carrier = Json.Text(returned, "delivery_name") is { Length: > 0 } name ? name : Json.Text(returned, "delivery_id");
            await commands.RunAsync(new RecordReturnShipped(refundId, carrier, tracking, updatedAt), $"{commandId}/return-shipped", customer, storeId, updatedAt, log, cancellationToken);
        }

        if (kind == RefundKind.ReturnAndRefund && stage >= AfterSaleStage.Paid)
        {
            // The merchant confirmed receipt on the shop before it paid: the ledger's receipt and inspection stand for it.
            await commands.RunAsync(new ReceiveReturn(refundId, tracking, updatedAt), $"{commandId}/return-received", Shop, storeId, updatedAt, log, cancellationToken);
            await commands.RunAsync(new InspectReturn(refundId, true, Channels.WeChatShop, "receipt confirmed on the WeChat shop", updatedAt), $"{commandId}/inspected", Shop, storeId, updatedAt, log, cancellationToken);
        }

        if (stage >= AfterSaleStage.Paid)
        {
            await commands.RunAsync(new PayRefund(refundId, $"{Channels.WeChatShop}/{afterSaleId}", updatedAt), $"{commandId}/paid", Shop, storeId, updatedAt, log, cancellationToken);
        }
    }

    private async Task<OrderState> LoadOrderAsync(string orderId, CancellationToken cancellationToken) =>
        (await commands.Service.Handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(orderId), cancellationToken: cancellationToken)).State;

    private static PlatformApi.TokenSource Tokens(WeChatShopCredentials credentials) => new(
        $"wechat/{credentials.AppId}/{credentials.AppSecret.GetHashCode(StringComparison.Ordinal)}",
        $"{credentials.ApiBaseUrl.TrimEnd('/')}/cgi-bin/token?grant_type=client_credential&appid={Uri.EscapeDataString(credentials.AppId)}&secret={Uri.EscapeDataString(credentials.AppSecret)}");
}

/// <summary>The order detail's <c>status</c> values the mapping acts on.</summary>
public static class ShopOrderStatus
{
    public const long AwaitingPayment = 10;
    public const long AwaitingShipment = 20;
    public const long PartlyShipped = 21;
    public const long Shipped = 30;
    public const long Completed = 100;
    public const long CancelledAfterSales = 200;
    public const long CancelledUnpaid = 250;
}

/// <summary>How far an after-sale order has come, in the order the steps happen.</summary>
public enum AfterSaleStage
{
    Requested,
    Rejected,
    Approved,
    ReturnShipped,
    Paid,
}

/// <summary>The after-sale <c>status</c> values (EcAftersaleInfoStatus) and the stage each stands for; others are not mapped.</summary>
public static class AfterSaleStages
{
    public static AfterSaleStage? Of(string status) => status switch
    {
        "MERCHANT_PROCESSING" or "USER_WAIT_CONFIRM" => AfterSaleStage.Requested,
        "MERCHANT_REJECT_REFUND" or "MERCHANT_REJECT_RETURN" => AfterSaleStage.Rejected,
        "USER_WAIT_RETURN" or "PLATFORM_REFUNDING" or "PLATFORM_REFUND_FAIL" or "MERCHANT_OVERDUE_REFUND" => AfterSaleStage.Approved,
        "MERCHANT_WAIT_RECEIPT" => AfterSaleStage.ReturnShipped,
        "MERCHANT_REFUND_SUCCESS" or "MERCHANT_RETURN_SUCCESS" => AfterSaleStage.Paid,
        _ => null,
    };
}
