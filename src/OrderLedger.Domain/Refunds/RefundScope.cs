using OrderLedger.Domain.Orders;

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
}
