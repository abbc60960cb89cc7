using System.Collections.Immutable;

namespace OrderLedger.Domain.Orders;

public enum OrderStatus
{
    None,
    AwaitingPayment,
    Paid,
    Cancelled,
    Rejected,
    Completed,
}

public sealed record OrderState(
    OrderStatus Status,
    string OrderId,
    string StoreId,
    string CustomerId,
    string Currency,
    ImmutableList<OrderLine> Lines,
    decimal Total,
    ImmutableList<LineAllocation> Allocation,
    DateTimeOffset PaymentDueAt,
    decimal PaidAmount,
    DateTimeOffset? PaidAt,
    string? PaymentReference,
    ImmutableDictionary<string, string> HandedOverShipments,
    ImmutableDictionary<string, RefundClaim> RefundClaims,
    RejectionReason? RejectedFor = null,
    ImmutableList<LineFault>? RejectionFaults = null) : IStoreScoped
{
    public static OrderState Initial { get; } = new(
        OrderStatus.None, "", "", "", "", [], 0m, [], default, 0m, null, null,
        ImmutableDictionary<string, string>.Empty, ImmutableDictionary<string, RefundClaim>.Empty);

    /// <summary>The order was placed (whatever happened to it since); rejected orders never were.</summary>
    public bool IsPlaced => Status is not (OrderStatus.None or OrderStatus.Rejected);

    public bool WasPaid => PaidAt is not null;

    /// <summary>When the order was placed (its <c>order-placed</c> event's time).</summary>
    public DateTimeOffset PlacedAt { get; init; }

    public bool AnyHandedOver => !HandedOverShipments.IsEmpty;

    /// <summary>Intercepted shipments by id → their warehouse: those warehouses ship nothing of this order.</summary>
    public ImmutableDictionary<string, string> InterceptedShipments { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Handed-over shipments that came back refused, by id → their warehouse.</summary>
    public ImmutableDictionary<string, string> ReturnedShipments { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Units of a SKU the allocation still ships from a warehouse.</summary>
    public int AllocatedUnits(string sku, string warehouseId) => Allocation.Where(a => a.Sku == sku && a.WarehouseId == warehouseId).Sum(a => a.Quantity);

    public bool WarehouseIntercepted(string warehouseId) => InterceptedShipments.ContainsValue(warehouseId);

    /// <summary>The allocated warehouses whose parcel was neither handed over nor intercepted.</summary>
    public IReadOnlyList<string> WarehousesStillToShip =>
        [.. Allocation.Select(a => a.WarehouseId).Distinct().Except(HandedOverShipments.Values).Except(InterceptedShipments.Values)];

    /// <summary>Money earmarked by refunds that were not rejected (requested, approved or paid).</summary>
    public decimal RefundClaimedTotal => RefundClaims.Values.Where(c => !c.Released).Sum(c => c.Amount);

    public decimal RefundClaimedFor(string sku) =>
        RefundClaims.Values.Where(c => !c.Released).SelectMany(c => c.Lines).Where(l => l.Sku == sku).Sum(l => l.Amount);

    public int RefundClaimedUnitsFor(string sku) =>
        RefundClaims.Values.Where(c => !c.Released).SelectMany(c => c.Lines).Where(l => l.Sku == sku).Sum(l => l.Quantity);

    /// <summary>What was paid for a line: its share of the amount actually paid (all of it, since payment must match the total).</summary>
    public decimal PaidFor(string sku) => WasPaid ? Lines.Where(l => l.Sku == sku).Sum(l => l.Amount) : 0m;
}

public sealed record RefundClaim(ImmutableList<RefundLine> Lines, decimal Amount, bool Released);
