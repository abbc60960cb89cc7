using OrderLedger.Domain.Orders;

namespace OrderLedger.Domain.Shipments;

/// <summary>
/// What a shipment command must meet against its order, another aggregate that <see cref="ShipmentDecider"/> cannot
/// see: the shipment workflow loads the order and asks here before it appends anything.
/// </summary>
public static class ShipmentChecks
{
    /// <summary>Null when the order can ship these lines from this warehouse: placed, not cancelled, exactly what it allocated there.</summary>
    public static DomainError? AgainstOrder(CreateShipment command, OrderState order)
    {
        if (!order.IsPlaced)
        {
            return DomainError.Conflict("order.not-placed", $"Order {command.OrderId} was not placed.");
        }

        if (order.Status == OrderStatus.Cancelled)
        {
            return DomainError.Conflict("order.cancelled", $"Order {command.OrderId} was cancelled; nothing ships.");
        }

        if (order.WarehouseIntercepted(command.WarehouseId))
        {
            return DomainError.Conflict("order.warehouse-intercepted", $"Order {command.OrderId}'s parcel from {command.WarehouseId} was intercepted; its units were released.");
        }

        var allocated = order.Allocation.Where(a => a.WarehouseId == command.WarehouseId)
            .GroupBy(a => a.Sku).ToDictionary(g => g.Key, g => g.Sum(a => a.Quantity), StringComparer.Ordinal);
        var faults = command.Lines.Where(l => allocated.GetValueOrDefault(l.Sku) != l.Quantity)
            .Select(l => new LineFault(l.Sku, l.Quantity, allocated.GetValueOrDefault(l.Sku), "not-allocated-here"))
            .Concat(allocated.Where(a => command.Lines.All(l => l.Sku != a.Key)).Select(a => new LineFault(a.Key, 0, a.Value, "missing-from-shipment")))
            .ToList();
        return faults.Count > 0
            ? new DomainError("shipment.lines-not-allocated", $"The shipment's lines must be exactly what order {command.OrderId} allocated to {command.WarehouseId}.", faults)
            { Kind = DomainErrorKind.Invalid }
            : null;
    }

    /// <summary>
    /// Null when a packed shipment may go to the carrier: its order is paid. A shipment not yet packed is the
    /// decider's to refuse (<c>shipment.not-verified</c>), whatever its order says.
    /// </summary>
    public static DomainError? HandOverAgainstOrder(ShipmentState shipment, OrderState order) => (shipment.Status, order.Status) switch
    {
        (not ShipmentStatus.Packed, _) or (_, OrderStatus.Paid) => null,
        (_, OrderStatus.Cancelled) => DomainError.Conflict("order.cancelled", $"Order {order.OrderId} was cancelled; intercept the shipment."),
        _ => DomainError.Conflict("order.not-paid", $"Order {order.OrderId} is {order.Status}; it cannot ship."),
    };
}
