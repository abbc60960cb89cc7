using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;

namespace OrderLedger.Domain.Refunds;

/// <summary>
/// What a refund covers of its order, another aggregate the refund decider cannot see: the auto-refund reactor asks
/// here before it stops any parcel, so that a refund of part of an order never intercepts a parcel of other goods.
/// </summary>
public static class RefundScope
{
    /// <summary>True when the refund gives back every line of the order in full: all its units, or all the money paid for it.</summary>
    public static bool CoversWholeOrder(RefundState refund, OrderState order) =>
        order.Lines.Count > 0
        && order.Lines.All(line =>
        {
            var refunded = refund.Lines.Where(l => l.Sku == line.Sku).ToList();
            return refunded.Sum(l => l.Quantity) >= line.Quantity || refunded.Sum(l => l.Amount) >= line.Amount;
        });

    /// <summary>The refunded units a parcel carries, to be taken out of it (a refund of money only takes out nothing).</summary>
    public static IReadOnlyList<ShipmentUnits> UnitsToTakeOut(RefundState refund, ShipmentState shipment) =>
        [.. refund.Lines.Where(l => l.Quantity > 0).GroupBy(l => l.Sku, StringComparer.Ordinal)
            .Select(g => (Sku: g.Key, Refunded: g.Sum(l => l.Quantity), OnParcel: shipment.Lines.Where(l => l.Sku == g.Key).Sum(l => l.Quantity)))
            .Where(x => x.OnParcel > 0)
            .Select(x => new ShipmentUnits(x.Sku, Math.Min(x.Refunded, x.OnParcel)))];
}
