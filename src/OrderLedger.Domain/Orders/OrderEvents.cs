using System.Text.Json.Serialization;

namespace OrderLedger.Domain.Orders;

/// <summary>
/// A fact on an order's stream, <c>order-{OrderId}</c>. Every event of the family carries the id; each event's
/// positional parameter overrides the abstract property, which keeps the JSON as it was (docs/domain.md, "event ids").
/// </summary>
public abstract record OrderEvent
{
    public abstract string OrderId { get; init; }
}

/// <param name="Category">The product category (for return-address policies); optional.</param>
/// <param name="Barcode">The barcode packers scan (GTIN/EAN); defaults to the SKU when null.</param>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice, string? Category = null, string? Barcode = null)
{
    [JsonIgnore]
    public decimal Amount => Quantity * UnitPrice;

    [JsonIgnore]
    public string ScanCode => Barcode ?? Sku;
}

public sealed record LineAllocation(string Sku, string WarehouseId, int Quantity);

/// <summary>A refunded line: how many units (0 for a refund-only partial amount) and how much money.</summary>
public sealed record RefundLine(string Sku, int Quantity, decimal Amount);

public enum RejectionReason
{
    OutOfStock,

    /// <summary>Placement died half-way and the recovery path gave up on it after the reservation timeout.</summary>
    PlacementAbandoned,
}

public sealed record OrderPlaced(
    string OrderId,
    string StoreId,
    string CustomerId,
    string Channel,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    PostalAddress ShippingAddress,
    DateTimeOffset PaymentDueAt,
    DateTimeOffset OccurredAt) : OrderEvent, IStoreScoped;

/// <summary>
/// Who brought the buyer to the order: a sharer (分享员, someone who shared the product, live room or shop) and/or a
/// promoter (达人, a creator selling for the store), by the channel's own ids. At least one of the two is named.
/// </summary>
/// <param name="SharerType">The channel's kind of sharer (WeChat shop: <c>ordinary</c> or <c>shop</c>); optional.</param>
public sealed record OrderAttribution(string? SharerId = null, string? SharerType = null, string? PromoterId = null)
{
    public const int MaxIdLength = 100;
    public const int MaxTypeLength = 32;

    /// <summary>Null when the attribution can be recorded: one id at least, each value short, non-blank and free of control characters.</summary>
    public DomainError? Fault()
    {
        if (SharerId is null && PromoterId is null)
        {
            return DomainError.Invalid("order.attribution-empty", "An attribution names a sharer, a promoter or both.");
        }

        return Bad(SharerId, MaxIdLength) || Bad(PromoterId, MaxIdLength) || Bad(SharerType, MaxTypeLength) || (SharerType is not null && SharerId is null)
            ? DomainError.Invalid(
                "order.attribution-invalid",
                $"Sharer and promoter ids are 1 to {MaxIdLength} characters, a sharer type 1 to {MaxTypeLength} and only with a sharer; no blanks or control characters.")
            : null;
    }

    private static bool Bad(string? value, int maxLength) =>
        value is not null && (value.Length > maxLength || string.IsNullOrWhiteSpace(value) || value.Any(c => char.IsControl(c) || char.IsSurrogate(c)));
}

public sealed record OrderAllocated(string OrderId, IReadOnlyList<LineAllocation> Allocations, DateTimeOffset OccurredAt) : OrderEvent;

/// <summary>Recorded with <see cref="OrderPlaced"/> when the placement named who brought the buyer (<see cref="OrderAttribution"/>).</summary>
public sealed record OrderAttributed(string OrderId, string StoreId, string? SharerId, string? SharerType, string? PromoterId, DateTimeOffset OccurredAt) : OrderEvent, IStoreScoped;

public sealed record OrderRejected(string OrderId, string StoreId, string CustomerId, RejectionReason Reason, IReadOnlyList<LineFault> Faults, DateTimeOffset OccurredAt) : OrderEvent, IStoreScoped;

public sealed record OrderPaymentConfirmed(string OrderId, decimal Amount, string Currency, string PaymentReference, DateTimeOffset OccurredAt) : OrderEvent;

public sealed record OrderPaymentFailed(string OrderId, string PaymentReference, string Reason, DateTimeOffset OccurredAt) : OrderEvent;

public sealed record OrderPaymentTimedOut(string OrderId, DateTimeOffset PaymentDueAt, DateTimeOffset OccurredAt) : OrderEvent;

public sealed record OrderCancelled(string OrderId, string Reason, bool WasPaid, DateTimeOffset OccurredAt) : OrderEvent;

public sealed record OrderShipmentHandedOver(string OrderId, string ShipmentId, string WarehouseId, DateTimeOffset OccurredAt) : OrderEvent;

/// <summary>A parcel of the order was stopped before hand-over: its warehouse ships nothing of this order (its reservations are released).</summary>
public sealed record OrderShipmentIntercepted(string OrderId, string ShipmentId, string WarehouseId, DateTimeOffset OccurredAt) : OrderEvent;

public sealed record OrderCompleted(string OrderId, DateTimeOffset OccurredAt) : OrderEvent;

public sealed record OrderRefundClaimed(string OrderId, string RefundId, IReadOnlyList<RefundLine> Lines, decimal Amount, DateTimeOffset OccurredAt) : OrderEvent;

public sealed record OrderRefundClaimReleased(string OrderId, string RefundId, decimal Amount, DateTimeOffset OccurredAt) : OrderEvent;

/// <summary>Units were taken out of a parcel before hand-over (refunded): the allocation of <paramref name="WarehouseId"/> shrinks by <paramref name="Removed"/>.</summary>
public sealed record OrderShipmentAmended(string OrderId, string ShipmentId, string WarehouseId, IReadOnlyList<LineAllocation> Removed, DateTimeOffset OccurredAt) : OrderEvent;

/// <summary>A handed-over parcel came back to its warehouse after the buyer refused it (its units restocked, its lines refunded by rule).</summary>
public sealed record OrderShipmentReturned(string OrderId, string ShipmentId, string WarehouseId, DateTimeOffset OccurredAt) : OrderEvent;
