using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Metrics.Tests.Support;

/// <summary>
/// Orders, parcels and refunds through the command handlers, one business step per call, each by the actor who would
/// send it; every rule of the order, stock, shipment and refund deciders applies. A store's shop (registration in UTC
/// unless <see cref="MetricsLedger.StoreAsync"/> registered it first, a warehouse serving Shanghai, tea in stock, an
/// auto-refund window and a return address) is set up by the first call that needs it, an hour before that call.
/// </summary>
public static class Commerce
{
    public const string Tea = "TEA-01";
    public const string Mug = "MUG-01";
    public const decimal TeaPrice = 100m;
    public static readonly PostalAddress Shanghai = new("Li Lei", "1 Nanjing Rd", "Shanghai", "200000", "SH", "CN");
    private static readonly Actor Customer = new(ActorKind.Customer, "C1");
    private static readonly Actor AgentNine = new(ActorKind.Agent, "agent-9");

    public static string WarehouseOf(string storeId) => "W-" + storeId;

    /// <summary>
    /// Sets the store's shop up once: <paramref name="teaOnHand"/> and <paramref name="mugOnHand"/> units received in its
    /// warehouse, refunds of customers approved by rule for 90 days after placement, returns going to one address.
    /// </summary>
    public static async Task ShopAsync(this MetricsLedger l, string storeId, DateTimeOffset at, int teaOnHand = 1_000, int mugOnHand = 0)
    {
        if (!l.ShopsSetUp.Add(storeId))
        {
            return;
        }

        if (l.RegisteredStores.Add(storeId))
        {
            await l.RunAsync(new RegisterStore(storeId, storeId, "UTC", "CNY", at));
        }

        await l.RunAsync(new SetWarehouses(storeId, [new WarehouseRegions(WarehouseOf(storeId), ["SH"])], at));
        await l.RunAsync(new ReceiveStock(WarehouseOf(storeId), Tea, teaOnHand, at));
        if (mugOnHand > 0)
        {
            await l.RunAsync(new ReceiveStock(WarehouseOf(storeId), Mug, mugOnHand, at));
        }

        await l.RunAsync(new SetAutoRefundWindow(storeId, 24 * 90, at));
        await l.RunAsync(new SetReturnAddress(storeId, ReturnAddressScope.Default, null, Shanghai, at));
    }

    /// <summary>One tea at 100 CNY for <paramref name="customerId"/>, shipped to Shanghai; payment due in 30 minutes.</summary>
    public static async Task Placed(this MetricsLedger l, string orderId, DateTimeOffset at, string storeId = "S1", string customerId = "C1")
    {
        await l.ShopAsync(storeId, at.AddHours(-1));
        await l.RunAsync(new PlaceOrder(orderId, storeId, customerId, "web", "CNY", [new OrderLine(Tea, 1, TeaPrice)], Shanghai, at.AddMinutes(30), at));
    }

    public static Task Paid(this MetricsLedger l, string orderId, DateTimeOffset at) =>
        l.RunAsync(new ConfirmPayment(orderId, TeaPrice, "CNY", $"PAY-{orderId}", at));

    /// <summary>An order placed and paid a minute later.</summary>
    public static async Task PaidOrder(this MetricsLedger l, string orderId, DateTimeOffset at, string storeId = "S1")
    {
        await l.Placed(orderId, at, storeId);
        await l.Paid(orderId, at.AddMinutes(1));
    }

    public static Task Cancelled(this MetricsLedger l, string orderId, DateTimeOffset at) =>
        l.RunAsync(new CancelOrder(orderId, "customer-request", at));

    public static Task ShipmentCreated(this MetricsLedger l, string shipmentId, string orderId, DateTimeOffset at, string storeId = "S1") =>
        l.RunAsync(new CreateShipment(shipmentId, orderId, storeId, WarehouseOf(storeId), [new ShipmentLine(Tea, 1, Tea)], Shanghai, at));

    /// <summary>Picked, packed (the tea's barcode scanned) and handed to SF, all at <paramref name="at"/>.</summary>
    public static async Task HandedToCarrier(this MetricsLedger l, string shipmentId, DateTimeOffset at)
    {
        await l.RunAsync(new RecordPicked(shipmentId, "picker-1", at));
        await l.RunAsync(new PackAndVerify(shipmentId, [Tea], 300, "packer-1", at));
        await l.RunAsync(new HandOverToCarrier(shipmentId, "SF", $"SF-{shipmentId}", at));
    }

    public static Task Delivered(this MetricsLedger l, string shipmentId, DateTimeOffset at) =>
        l.RunAsync(new MarkDelivered(shipmentId, at));

    public static Task ExceptionReported(this MetricsLedger l, string shipmentId, ShipmentExceptionKind kind, DateTimeOffset at) =>
        l.RunAsync(new ReportShipmentException(shipmentId, kind, "spec", at));

    /// <summary>
    /// A refund of the order's tea. <paramref name="byCustomer"/>: the customer asks, and a refund-only request is then
    /// approved at once by the store's auto-refund window; otherwise an agent records it and it waits for approval.
    /// </summary>
    public static async Task RefundRequested(this MetricsLedger l, string refundId, string orderId, RefundKind kind, DateTimeOffset at, bool byCustomer = false, string storeId = "S1")
    {
        var outcome = await l.RunAsync(
            new RequestRefund(refundId, orderId, storeId, "C1", kind, [new RefundLine(Tea, 1, TeaPrice)], "spec", null, at),
            byCustomer ? Customer : AgentNine);
        Xunit.Assert.Equal(byCustomer && kind == RefundKind.RefundOnly, outcome.Events.OfType<RefundApproved>().Any());
    }

    public static Task RefundApprovedByAgent(this MetricsLedger l, string refundId, DateTimeOffset at) =>
        l.RunAsync(new ApproveRefund(refundId, "agent-9", null, null, at), AgentNine);

    /// <summary>The return parcel of a return-and-refund shipped, received and passed in the hours before <paramref name="paidAt"/>.</summary>
    public static async Task ReturnPassed(this MetricsLedger l, string refundId, DateTimeOffset paidAt)
    {
        await l.RunAsync(new RecordReturnShipped(refundId, "SF", $"RT-{refundId}", paidAt.AddHours(-3)));
        await l.RunAsync(new ReceiveReturn(refundId, $"RT-{refundId}", paidAt.AddHours(-2)));
        await l.RunAsync(new InspectReturn(refundId, true, "inspector-1", "as new", paidAt.AddHours(-1)));
    }

    public static Task RefundPaid(this MetricsLedger l, string refundId, DateTimeOffset at) =>
        l.RunAsync(new PayRefund(refundId, $"RP-{refundId}", at));

    /// <summary>The customer opens a dispute an hour before the platform judges it.</summary>
    public static async Task DisputeJudged(this MetricsLedger l, string refundId, bool merchantAtFault, DateTimeOffset at)
    {
        await l.RunAsync(new OpenDispute(refundId, "C1", "spec", at.AddHours(-1)), Customer);
        await l.RunAsync(new JudgeDispute(refundId, merchantAtFault, "platform", "spec", at));
    }
}
