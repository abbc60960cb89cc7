namespace OrderLedger.Domain.Orders;

public abstract record OrderCommand(string OrderId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <param name="Allocation">
/// Which warehouse ships how many of each line, already reserved in the stock streams. Left null by callers;
/// the application's placement handler reserves stock and fills it in before the order is recorded.
/// </param>
/// <param name="PaymentDueAt">When an unpaid order times out and is cancelled; null = the store's payment window after placement (30 minutes by default).</param>
/// <param name="Attribution">Who brought the buyer (a sharer, a promoter), when the channel says so; recorded as <see cref="OrderAttributed"/>.</param>
public sealed record PlaceOrder(
    string OrderId,
    string StoreId,
    string CustomerId,
    string Channel,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    PostalAddress ShippingAddress,
    DateTimeOffset? PaymentDueAt,
    DateTimeOffset OccurredAt,
    IReadOnlyList<LineAllocation>? Allocation = null,
    OrderAttribution? Attribution = null) : OrderCommand(OrderId);

/// <summary>Records that an order was not placed, so that a retry of the placement gets the same answer.</summary>
public sealed record RejectOrder(
    string OrderId,
    string StoreId,
    string CustomerId,
    RejectionReason Reason,
    IReadOnlyList<LineFault> Faults,
    DateTimeOffset OccurredAt) : OrderCommand(OrderId);

public sealed record ConfirmPayment(string OrderId, decimal Amount, string Currency, string PaymentReference, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

public sealed record FailPayment(string OrderId, string PaymentReference, string Reason, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

/// <summary>Sent by the payment-timeout reactor at or after the order's PaymentDueAt.</summary>
public sealed record TimeOutPayment(string OrderId, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

public sealed record CancelOrder(string OrderId, string Reason, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

public sealed record RecordShipmentHandedOver(string OrderId, string ShipmentId, string WarehouseId, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

/// <summary>A step of intercepting a shipment: the order learns that its warehouse ships nothing, and is cancelled when no parcel is left to ship.</summary>
public sealed record RecordShipmentIntercepted(string OrderId, string ShipmentId, string WarehouseId, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

public sealed record CompleteOrder(string OrderId, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

/// <summary>Earmarks refund amounts against what was paid, per line; the order is the ledger that keeps refunds ≤ paid.</summary>
public sealed record ClaimRefund(string OrderId, string RefundId, IReadOnlyList<RefundLine> Lines, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

/// <summary>The refund was rejected: its amounts may be claimed again.</summary>
public sealed record ReleaseRefundClaim(string OrderId, string RefundId, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

/// <summary>A step of <c>AmendShipment</c>: units taken out of a parcel leave the order's allocation (they will not ship from that warehouse).</summary>
public sealed record RecordShipmentAmended(string OrderId, string ShipmentId, string WarehouseId, IReadOnlyList<LineAllocation> Removed, DateTimeOffset OccurredAt) : OrderCommand(OrderId);

/// <summary>A step of <c>ReceiveReturnedShipment</c>: a parcel the buyer refused is back at its warehouse.</summary>
public sealed record RecordShipmentReturned(string OrderId, string ShipmentId, string WarehouseId, DateTimeOffset OccurredAt) : OrderCommand(OrderId);
