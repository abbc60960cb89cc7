namespace OrderLedger.Domain.Stock;

public abstract record StockEvent;

public sealed record StockReceived(string WarehouseId, string Sku, int Quantity, DateTimeOffset OccurredAt) : StockEvent;

public sealed record StockReserved(string WarehouseId, string Sku, string OrderId, int Quantity, DateTimeOffset OccurredAt) : StockEvent;

public sealed record StockReservationReleased(string WarehouseId, string Sku, string OrderId, int Quantity, ReleaseReason Reason, DateTimeOffset OccurredAt) : StockEvent;

public sealed record StockReservationCommitted(string WarehouseId, string Sku, string OrderId, int Quantity, string ShipmentId, DateTimeOffset OccurredAt) : StockEvent;

/// <param name="Delta">Counted minus recorded on-hand (negative for shrinkage).</param>
public sealed record StockAdjusted(string WarehouseId, string Sku, int Delta, int OnHand, string Reason, DateTimeOffset OccurredAt) : StockEvent;
