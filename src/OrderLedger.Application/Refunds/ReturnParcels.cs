using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Application.Refunds;

/// <summary>
/// What a return parcel is, found by its tracking number in its store: read from the store, refund and order streams
/// (not a read model), so the desk that scans a parcel sees the refund's state as the command that follows will.
/// </summary>
public sealed class ReturnParcels(CommandHandler handler)
{
    public async Task<ReturnParcel?> FindAsync(string storeId, string trackingNumber, CancellationToken cancellationToken = default)
    {
        var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken: cancellationToken)).State;
        if (store.RefundOfReturn(trackingNumber) is not { } refundId)
        {
            return null;
        }

        var refund = (await handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(refundId), cancellationToken: cancellationToken)).State;
        var order = (await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(refund.OrderId), cancellationToken: cancellationToken)).State;
        return new ReturnParcel(
            refund.ReturnTrackingNumber ?? trackingNumber.Trim(), refund.RefundId, refund.OrderId, order.CustomerId, refund.Kind, refund.Status,
            refund.Lines, refund.Amount, refund.ReturnAddress, refund.InspectionPassed);
    }
}

/// <summary>A return parcel as the warehouse desk sees it: whose, what it should hold, where it was sent, how far its refund is.</summary>
/// <param name="ReturnAddress">The address the customer was told to send it to (assigned on approval).</param>
public sealed record ReturnParcel(
    string TrackingNumber,
    string RefundId,
    string OrderId,
    string CustomerId,
    RefundKind Kind,
    RefundStatus Status,
    IReadOnlyList<RefundLine> Lines,
    decimal Amount,
    PostalAddress? ReturnAddress,
    bool? InspectionPassed);
