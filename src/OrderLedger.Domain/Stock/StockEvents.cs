namespace OrderLedger.Domain.Stock;

/// <summary>
/// A fact on a stock item's stream, <c>stock-{WarehouseId}.{Sku}</c>. Every event of the family carries the id; each event's
/// positional parameter overrides the abstract property, which keeps the JSON as it was (docs/domain.md, "event ids").
/// </summary>
public abstract record StockEvent
{
    public abstract string WarehouseId { get; init; }
    public abstract string Sku { get; init; }
}

public sealed record StockReceived(string WarehouseId, string Sku, int Quantity, DateTimeOffset OccurredAt) : StockEvent;

public sealed record StockReserved(string WarehouseId, string Sku, string OrderId, int Quantity, DateTimeOffset OccurredAt) : StockEvent;

public sealed record StockReservationReleased(string WarehouseId, string Sku, string OrderId, int Quantity, ReleaseReason Reason, DateTimeOffset OccurredAt) : StockEvent;

/// <summary>Part of an order's reservation was released; <paramref name="Remaining"/> units stay reserved for it.</summary>
public sealed record StockReservationReduced(string WarehouseId, string Sku, string OrderId, int Quantity, int Remaining, ReleaseReason Reason, DateTimeOffset OccurredAt) : StockEvent;

public sealed record StockReservationCommitted(string WarehouseId, string Sku, string OrderId, int Quantity, string ShipmentId, DateTimeOffset OccurredAt) : StockEvent;

/// <param name="Delta">Counted minus recorded on-hand (negative for shrinkage).</param>
public sealed record StockAdjusted(string WarehouseId, string Sku, int Delta, int OnHand, string Reason, DateTimeOffset OccurredAt) : StockEvent;

/// <summary>Units that came back went on hand again (<paramref name="Source"/>: the refused shipment or the inspected refund).</summary>
public sealed record StockRestocked(string WarehouseId, string Sku, int Quantity, string Source, RestockReason Reason, DateTimeOffset OccurredAt) : StockEvent;
