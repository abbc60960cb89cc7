using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;

namespace OrderLedger.Metrics.Tests.Support;

/// <summary>Order, parcel and refund events as the deciders record them, one command per call.</summary>
public static class Commerce
{
    public static readonly PostalAddress Shanghai = new("Li Lei", "1 Nanjing Rd", "Shanghai", "200000", "SH", "CN");

    public static Task Placed(this MetricsLedger l, string orderId, DateTimeOffset at, string storeId = "S1", string customerId = "C1") =>
        l.AppendAsync(StreamIds.Order(orderId), at,
            new OrderPlaced(orderId, storeId, customerId, "web", "CNY", [new OrderLine("TEA-01", 1, 100m)], 100m, Shanghai, at.AddMinutes(30), at));

    public static Task Paid(this MetricsLedger l, string orderId, DateTimeOffset at) =>
        l.AppendAsync(StreamIds.Order(orderId), at, new OrderPaymentConfirmed(orderId, 100m, "CNY", $"PAY-{orderId}", at));

    public static Task Cancelled(this MetricsLedger l, string orderId, DateTimeOffset at) =>
        l.AppendAsync(StreamIds.Order(orderId), at, new OrderCancelled(orderId, "customer-request", false, at));

    public static Task ShipmentCreated(this MetricsLedger l, string shipmentId, string orderId, DateTimeOffset at, string storeId = "S1") =>
        l.AppendAsync(StreamIds.Shipment(shipmentId), at,
            new ShipmentCreated(shipmentId, orderId, storeId, "W1", [new ShipmentLine("TEA-01", 1, "TEA-01")], Shanghai, at));

    public static Task HandedToCarrier(this MetricsLedger l, string shipmentId, string orderId, DateTimeOffset at) =>
        l.AppendAsync(StreamIds.Shipment(shipmentId), at, new ShipmentHandedToCarrier(shipmentId, orderId, "SF", $"SF-{shipmentId}", at));

    public static Task Delivered(this MetricsLedger l, string shipmentId, string orderId, DateTimeOffset at) =>
        l.AppendAsync(StreamIds.Shipment(shipmentId), at, new ShipmentDelivered(shipmentId, orderId, at));

    public static Task ExceptionReported(this MetricsLedger l, string shipmentId, ShipmentExceptionKind kind, DateTimeOffset at) =>
        l.AppendAsync(StreamIds.Shipment(shipmentId), at, new ShipmentExceptionReported(shipmentId, kind, "spec", at));

    public static Task RefundRequested(this MetricsLedger l, string refundId, string orderId, RefundKind kind, DateTimeOffset at, bool autoApproved = false, string storeId = "S1")
    {
        var requested = new RefundRequested(refundId, orderId, storeId, "C1", kind, [new RefundLine("TEA-01", 1, 100m)], 100m, "spec", at);
        return autoApproved
            ? l.AppendAsync(StreamIds.Refund(refundId), at, requested, new RefundApproved(refundId, orderId, true, RefundDecider.AutoApprover, at))
            : l.AppendAsync(StreamIds.Refund(refundId), at, requested);
    }

    public static Task RefundApprovedByAgent(this MetricsLedger l, string refundId, string orderId, DateTimeOffset at) =>
        l.AppendAsync(StreamIds.Refund(refundId), at, new RefundApproved(refundId, orderId, false, "agent-9", at));

    public static Task RefundPaid(this MetricsLedger l, string refundId, string orderId, DateTimeOffset at) =>
        l.AppendAsync(StreamIds.Refund(refundId), at, new RefundPaid(refundId, orderId, 100m, $"RP-{refundId}", at));

    public static async Task DisputeJudged(this MetricsLedger l, string refundId, string orderId, bool merchantAtFault, DateTimeOffset at)
    {
        await l.AppendAsync(StreamIds.Refund(refundId), at.AddHours(-1), new RefundDisputeOpened(refundId, orderId, "C1", "spec", at.AddHours(-1)));
        await l.AppendAsync(StreamIds.Refund(refundId), at, new RefundDisputeJudged(refundId, orderId, merchantAtFault, "platform", "spec", at));
    }
}
