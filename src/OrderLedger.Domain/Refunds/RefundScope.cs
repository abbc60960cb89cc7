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

    /// <summary>The refund id of a refused parcel: one refund per parcel, so a repeat of its arrival refunds it once.</summary>
    public static string RefusedParcelRefundId(string shipmentId) => $"refused-{shipmentId}";

    /// <summary>
    /// What a refused parcel gives back: per line on the parcel, its units and their price, held to what is still
    /// unrefunded of the line (earlier refunds of the order count, the parcel's own refund does not: a repeat computes the
    /// same lines). A line with nothing left to refund is left out; an empty list means nothing is owed.
    /// </summary>
    public static IReadOnlyList<RefundLine> RefusedParcelLines(OrderState order, ShipmentState shipment)
    {
        var own = RefusedParcelRefundId(shipment.ShipmentId);
        var others = order.RefundClaims.Where(c => c.Key != own && !c.Value.Released).SelectMany(c => c.Value.Lines).ToList();
        var lines = new List<RefundLine>();
        foreach (var parcel in shipment.Lines)
        {
            if (order.Lines.FirstOrDefault(l => l.Sku == parcel.Sku) is not { } line)
            {
                continue;
            }

            var claimed = others.Where(l => l.Sku == line.Sku).ToList();
            var units = Math.Max(0, Math.Min(parcel.Quantity, line.Quantity - claimed.Sum(l => l.Quantity)));
            var amount = Math.Min(parcel.Quantity * line.UnitPrice, order.PaidFor(line.Sku) - claimed.Sum(l => l.Amount));
            if (amount > 0)
            {
                lines.Add(new RefundLine(line.Sku, units, amount));
            }
        }

        return lines;
    }
}
