namespace OrderLedger.Domain.Stock;

/// <summary>Commands on one stock item: one SKU in one warehouse (stream <c>stock-{warehouseId}.{sku}</c>).</summary>
public abstract record StockCommand(string WarehouseId, string Sku) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

public sealed record ReceiveStock(string WarehouseId, string Sku, int Quantity, DateTimeOffset OccurredAt)
    : StockCommand(WarehouseId, Sku);

/// <summary>Holds <paramref name="Quantity"/> units for an order. One reservation per order per stock item.</summary>
public sealed record ReserveStock(string WarehouseId, string Sku, string OrderId, int Quantity, DateTimeOffset OccurredAt)
    : StockCommand(WarehouseId, Sku);

public sealed record ReleaseReservation(string WarehouseId, string Sku, string OrderId, ReleaseReason Reason, DateTimeOffset OccurredAt)
    : StockCommand(WarehouseId, Sku);

/// <summary>Releases <paramref name="Quantity"/> of the order's reserved units (some were refunded before shipping); the rest stays reserved.</summary>
public sealed record ReleaseReservedUnits(string WarehouseId, string Sku, string OrderId, int Quantity, ReleaseReason Reason, DateTimeOffset OccurredAt)
    : StockCommand(WarehouseId, Sku);

/// <summary>The reserved units left the warehouse (the shipment was handed to the carrier).</summary>
public sealed record CommitReservation(string WarehouseId, string Sku, string OrderId, string ShipmentId, DateTimeOffset OccurredAt)
    : StockCommand(WarehouseId, Sku);

/// <summary>A count correction: the warehouse counted <paramref name="CountedOnHand"/> units.</summary>
public sealed record AdjustStock(string WarehouseId, string Sku, int CountedOnHand, string Reason, DateTimeOffset OccurredAt)
    : StockCommand(WarehouseId, Sku);

/// <summary>Units that came back (a refused parcel at the warehouse again, a return that passed inspection) go back on hand.</summary>
/// <param name="Source">The shipment or refund they came back with; one restock per source and stock item.</param>
public sealed record RestockUnits(string WarehouseId, string Sku, int Quantity, string Source, RestockReason Reason, DateTimeOffset OccurredAt)
    : StockCommand(WarehouseId, Sku);

public enum RestockReason
{
    /// <summary>The buyer refused the parcel; the carrier brought it back (<c>ReceiveReturnedShipment</c>).</summary>
    RefusedDelivery,

    /// <summary>A customer's return was received and passed inspection (<c>InspectReturn</c>). Kept last: the payload samples take an enum's last value.</summary>
    ReturnPassedInspection,
}

public enum ReleaseReason
{
    /// <summary>Another line of the order could not be reserved; the order was rejected.</summary>
    OrderRejected,

    OrderCancelled,

    /// <summary>The order's parcel from this warehouse was intercepted before hand-over; the units are available again.</summary>
    ShipmentIntercepted,

    /// <summary>The units were refunded before the parcel left and taken out of it (a shipment amendment).</summary>
    RefundedBeforeShipping,

    /// <summary>
    /// The order was never placed (placement died half-way); released by the recovery path. Kept last: the event
    /// samples of the payload contract take an enum's last value. Stored by name, so the order of values is free.
    /// </summary>
    Orphaned,
}
