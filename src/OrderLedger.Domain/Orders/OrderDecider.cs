using System.Collections.Immutable;
using System.Text.RegularExpressions;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Domain.Orders;

/// <summary>An order's life (stream <c>order-{orderId}</c>): placement, payment, cancellation, hand-over, completion and its refund ledger.</summary>
public static partial class OrderDecider
{
    public static Decider<OrderCommand, OrderEvent, OrderState> Decider { get; } = new(Decide, Evolve, OrderState.Initial);

    public static Decision<OrderEvent> Decide(OrderCommand command, OrderState state) => (command, state.Status) switch
    {
        (PlaceOrder c, OrderStatus.Rejected) => DomainError.Conflict("order.rejected", $"Order {c.OrderId} was rejected; place a new order."),
        (PlaceOrder, _) when state.IsPlaced => Decision<OrderEvent>.Nothing,
        (PlaceOrder c, _) => Place(c),

        (RejectOrder c, OrderStatus.None) => new OrderRejected(c.OrderId, c.StoreId, c.CustomerId, c.Reason, c.Faults, c.OccurredAt),
        (RejectOrder, OrderStatus.Rejected) => Decision<OrderEvent>.Nothing,
        (RejectOrder c, _) => DomainError.Conflict("order.already-placed", $"Order {c.OrderId} was placed; cancel it instead."),

        (ConfirmPayment c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (ConfirmPayment c, OrderStatus.Cancelled) => DomainError.Conflict("order.cancelled", $"Order {c.OrderId} was cancelled; the payment must be returned."),
        (ConfirmPayment c, OrderStatus.Paid or OrderStatus.Completed) when c.PaymentReference == state.PaymentReference => Decision<OrderEvent>.Nothing,
        (ConfirmPayment c, OrderStatus.Paid or OrderStatus.Completed) =>
            DomainError.Conflict("order.already-paid", $"Order {c.OrderId} is already paid (payment {state.PaymentReference})."),
        (ConfirmPayment c, _) when c.Currency != state.Currency || c.Amount != state.Total =>
            DomainError.Invalid("payment.amount-mismatch", $"Payment of {c.Amount} {c.Currency} does not match the order total {state.Total} {state.Currency}."),
        (ConfirmPayment c, _) => new OrderPaymentConfirmed(c.OrderId, c.Amount, c.Currency, c.PaymentReference, c.OccurredAt),

        (FailPayment c, OrderStatus.AwaitingPayment) => new OrderPaymentFailed(c.OrderId, c.PaymentReference, c.Reason, c.OccurredAt),
        (FailPayment c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (FailPayment c, _) => DomainError.Conflict("order.not-awaiting-payment", $"Order {c.OrderId} is {state.Status}; a payment failure no longer applies."),

        (TimeOutPayment c, OrderStatus.AwaitingPayment) when c.OccurredAt < state.PaymentDueAt =>
            DomainError.Conflict("order.payment-not-due", $"Payment for order {c.OrderId} is due at {state.PaymentDueAt:O}."),
        (TimeOutPayment c, OrderStatus.AwaitingPayment) => new OrderEvent[]
        {
            new OrderPaymentTimedOut(c.OrderId, state.PaymentDueAt, c.OccurredAt),
            new OrderCancelled(c.OrderId, "payment-timeout", false, c.OccurredAt),
        },
        (TimeOutPayment, OrderStatus.Cancelled) => Decision<OrderEvent>.Nothing,
        (TimeOutPayment c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (TimeOutPayment c, _) => DomainError.Conflict("order.already-paid", $"Order {c.OrderId} is paid; it cannot time out."),

        (CancelOrder c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (CancelOrder, OrderStatus.Cancelled) => Decision<OrderEvent>.Nothing,
        (CancelOrder c, OrderStatus.Completed) => DomainError.Conflict("order.completed", $"Order {c.OrderId} is completed; request a refund instead."),
        (CancelOrder c, _) when state.AnyHandedOver =>
            DomainError.Conflict("order.already-handed-to-carrier", $"Order {c.OrderId} has left the warehouse; intercept the shipment or request a refund."),
        (CancelOrder c, _) => new OrderCancelled(c.OrderId, c.Reason, state.WasPaid, c.OccurredAt),

        (RecordShipmentHandedOver c, _) when state.HandedOverShipments.ContainsKey(c.ShipmentId) => Decision<OrderEvent>.Nothing,
        (RecordShipmentHandedOver c, OrderStatus.Paid) when state.Allocation.Any(a => a.WarehouseId == c.WarehouseId) =>
            new OrderShipmentHandedOver(c.OrderId, c.ShipmentId, c.WarehouseId, c.OccurredAt),
        (RecordShipmentHandedOver c, OrderStatus.Paid) =>
            DomainError.Conflict("order.warehouse-not-allocated", $"Order {c.OrderId} has nothing allocated to warehouse {c.WarehouseId}."),
        (RecordShipmentHandedOver c, OrderStatus.AwaitingPayment) => DomainError.Conflict("order.not-paid", $"Order {c.OrderId} is not paid; it cannot ship."),
        (RecordShipmentHandedOver c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (RecordShipmentHandedOver c, _) => DomainError.Conflict("order.not-shippable", $"Order {c.OrderId} is {state.Status}; it cannot ship."),

        (RecordShipmentIntercepted c, _) when state.InterceptedShipments.ContainsKey(c.ShipmentId) => Decision<OrderEvent>.Nothing,
        (RecordShipmentIntercepted c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (RecordShipmentIntercepted c, OrderStatus.Completed) => DomainError.Conflict("order.completed", $"Order {c.OrderId} is completed; nothing is left to intercept."),
        (RecordShipmentIntercepted c, _) when state.Allocation.All(a => a.WarehouseId != c.WarehouseId) =>
            DomainError.Conflict("order.warehouse-not-allocated", $"Order {c.OrderId} has nothing allocated to warehouse {c.WarehouseId}."),
        (RecordShipmentIntercepted c, _) => Intercepted(c, state),

        (RecordShipmentAmended c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (RecordShipmentAmended c, _) when c.Removed.Count == 0 || c.Removed.Any(r => r.Quantity <= 0 || r.WarehouseId != c.WarehouseId)
            || c.Removed.GroupBy(r => r.Sku, StringComparer.Ordinal).Any(g => g.Sum(r => r.Quantity) > state.AllocatedUnits(g.Key, c.WarehouseId)) =>
            DomainError.Conflict("order.amendment-exceeds-allocation", $"Order {c.OrderId} does not allocate those units to warehouse {c.WarehouseId}."),
        (RecordShipmentAmended c, _) => new OrderShipmentAmended(c.OrderId, c.ShipmentId, c.WarehouseId, c.Removed, c.OccurredAt),

        (RecordShipmentReturned c, _) when state.ReturnedShipments.ContainsKey(c.ShipmentId) => Decision<OrderEvent>.Nothing,
        (RecordShipmentReturned c, OrderStatus.None or OrderStatus.Rejected) => NotPlaced(c.OrderId),
        (RecordShipmentReturned c, _) when !state.HandedOverShipments.ContainsKey(c.ShipmentId) =>
            DomainError.Conflict("order.shipment-not-handed-over", $"Shipment {c.ShipmentId} of order {c.OrderId} never left the warehouse; it cannot come back."),
        (RecordShipmentReturned c, _) => new OrderShipmentReturned(c.OrderId, c.ShipmentId, c.WarehouseId, c.OccurredAt),

        (CompleteOrder, OrderStatus.Completed) => Decision<OrderEvent>.Nothing,
        (CompleteOrder c, not OrderStatus.Paid) => DomainError.Conflict("order.not-paid", $"Order {c.OrderId} is {state.Status}; only a paid order completes."),
        (CompleteOrder c, _) when state.WarehousesStillToShip is { Count: > 0 } missing =>
            DomainError.Conflict("order.not-shipped", $"Order {c.OrderId} still waits for shipments from {string.Join(", ", missing)}."),
        (CompleteOrder c, _) => new OrderCompleted(c.OrderId, c.OccurredAt),

        (ClaimRefund c, _) when !state.IsPlaced => NotPlaced(c.OrderId),
        (ClaimRefund c, _) when state.RefundClaims.GetValueOrDefault(c.RefundId) is { } existing => existing.Lines.SequenceEqual(c.Lines) && !existing.Released
            ? Decision<OrderEvent>.Nothing
            : DomainError.Conflict("refund.already-claimed", $"Refund {c.RefundId} was already recorded against order {c.OrderId}."),
        (ClaimRefund c, _) when !state.WasPaid => DomainError.Conflict("refund.order-not-paid", $"Order {c.OrderId} was never paid; there is nothing to refund."),
        (ClaimRefund c, _) when c.Lines.Count == 0 || c.Lines.Any(l => l.Amount <= 0 || l.Quantity < 0) =>
            DomainError.Invalid("refund.lines-invalid", "A refund names at least one line; amounts are positive and quantities not negative."),
        (ClaimRefund c, _) => ClaimRefund(c, state),

        (ReleaseRefundClaim c, _) when !state.RefundClaims.ContainsKey(c.RefundId) =>
            DomainError.Conflict("refund.not-claimed", $"Refund {c.RefundId} is not recorded against order {c.OrderId}."),
        (ReleaseRefundClaim c, _) when state.RefundClaims[c.RefundId].Released => Decision<OrderEvent>.Nothing,
        (ReleaseRefundClaim c, _) => new OrderRefundClaimReleased(c.OrderId, c.RefundId, state.RefundClaims[c.RefundId].Amount, c.OccurredAt),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown order command."),
    };

    public static OrderState Evolve(OrderState state, OrderEvent @event) => @event switch
    {
        OrderPlaced e => state with
        {
            Status = OrderStatus.AwaitingPayment,
            OrderId = e.OrderId,
            StoreId = e.StoreId,
            CustomerId = e.CustomerId,
            Currency = e.Currency,
            Lines = [.. e.Lines],
            Total = e.Total,
            PaymentDueAt = e.PaymentDueAt,
            PlacedAt = e.OccurredAt,
        },
        OrderAllocated e => state with { Allocation = [.. e.Allocations] },
        OrderRejected e => state with
        {
            Status = OrderStatus.Rejected, OrderId = e.OrderId, StoreId = e.StoreId, CustomerId = e.CustomerId, RejectedFor = e.Reason, RejectionFaults = [.. e.Faults],
        },
        OrderPaymentConfirmed e => state with { Status = OrderStatus.Paid, PaidAmount = e.Amount, PaidAt = e.OccurredAt, PaymentReference = e.PaymentReference },
        OrderPaymentFailed => state,
        OrderPaymentTimedOut => state,
        OrderCancelled => state with { Status = OrderStatus.Cancelled },
        OrderShipmentHandedOver e => state with { HandedOverShipments = state.HandedOverShipments.SetItem(e.ShipmentId, e.WarehouseId) },
        OrderShipmentIntercepted e => state with { InterceptedShipments = state.InterceptedShipments.SetItem(e.ShipmentId, e.WarehouseId) },
        OrderCompleted => state with { Status = OrderStatus.Completed },
        OrderShipmentAmended e => state with { Allocation = Reduce(state.Allocation, e.Removed) },
        OrderShipmentReturned e => state with { ReturnedShipments = state.ReturnedShipments.SetItem(e.ShipmentId, e.WarehouseId) },
        OrderRefundClaimed e => state with { RefundClaims = state.RefundClaims.SetItem(e.RefundId, new RefundClaim([.. e.Lines], e.Amount, false)) },
        OrderRefundClaimReleased e => state with { RefundClaims = state.RefundClaims.SetItem(e.RefundId, state.RefundClaims[e.RefundId] with { Released = true }) },
        _ => state,
    };

    /// <summary>
    /// The rules a placement must meet before any stock is reserved (the placement handler calls this first).
    /// Null when the order is acceptable.
    /// </summary>
    public static DomainError? ValidatePlacement(PlaceOrder c)
    {
        if (c.Lines.Count == 0)
        {
            return DomainError.Invalid("order.lines-required", "An order has at least one line.");
        }

        var badQuantity = c.Lines.Where(l => l.Quantity <= 0).Select(l => new LineFault(l.Sku, l.Quantity, 0, "quantity-not-positive")).ToList();
        if (badQuantity.Count > 0)
        {
            return new DomainError("order.quantity-invalid", "Every line orders at least one unit.", badQuantity) { Kind = DomainErrorKind.Invalid };
        }

        var badPrice = c.Lines.Where(l => l.UnitPrice < 0).Select(l => new LineFault(l.Sku, l.Quantity, 0, "negative-price")).ToList();
        if (badPrice.Count > 0)
        {
            return new DomainError("order.price-invalid", "Unit prices cannot be negative.", badPrice) { Kind = DomainErrorKind.Invalid };
        }

        var duplicates = c.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => new LineFault(g.Key, g.Sum(l => l.Quantity), 0, "duplicate-sku")).ToList();
        if (duplicates.Count > 0)
        {
            return new DomainError("order.duplicate-sku", "Each SKU appears on one line only.", duplicates) { Kind = DomainErrorKind.Invalid };
        }

        if (c.Lines.Any(l => string.IsNullOrWhiteSpace(l.Sku)))
        {
            return DomainError.Invalid("order.sku-required", "Every line names a SKU.");
        }

        if (!CurrencyCode().IsMatch(c.Currency))
        {
            return DomainError.Invalid("order.currency-invalid", $"'{c.Currency}' is not an ISO 4217 currency code.");
        }

        if (!c.ShippingAddress.IsComplete)
        {
            return DomainError.Invalid("order.address-incomplete", "The shipping address needs a name, street, city, region and country.");
        }

        if (c.PaymentDueAt <= c.OccurredAt)
        {
            return DomainError.Invalid("order.payment-due-invalid", "Payment must be due after the order is placed.");
        }

        return c.Attribution?.Fault();
    }

    /// <summary>A first placement: the order's own rules, then its allocation must cover every line exactly.</summary>
    private static Decision<OrderEvent> Place(PlaceOrder c)
    {
        if (ValidatePlacement(c) is { } invalid)
        {
            return invalid;
        }

        if (c.Allocation is not { } allocation)
        {
            return DomainError.Invalid("order.allocation-required", "An order is recorded once every line is reserved in a warehouse.");
        }

        var unallocated = c.Lines
            .Select(l => (Line: l, Allocated: allocation.Where(a => a.Sku == l.Sku).Sum(a => a.Quantity)))
            .Where(x => x.Allocated != x.Line.Quantity)
            .Select(x => new LineFault(x.Line.Sku, x.Line.Quantity, x.Allocated, "not-allocated"))
            .ToList();
        if (unallocated.Count > 0 || allocation.Any(a => a.Quantity <= 0 || c.Lines.All(l => l.Sku != a.Sku)))
        {
            return new DomainError("order.allocation-mismatch", "The allocation must cover every line exactly.", unallocated) { Kind = DomainErrorKind.Invalid };
        }

        var placed = new OrderEvent[]
        {
            new OrderPlaced(c.OrderId, c.StoreId, c.CustomerId, c.Channel, c.Currency, c.Lines, c.Lines.Sum(l => l.Amount), c.ShippingAddress, c.PaymentDueAt ?? c.OccurredAt.Add(StoreState.DefaultPaymentWindow), c.OccurredAt),
            new OrderAllocated(c.OrderId, allocation, c.OccurredAt),
        };
        return c.Attribution is { } a
            ? [.. placed, new OrderAttributed(c.OrderId, c.StoreId, a.SharerId, a.SharerType, a.PromoterId, c.OccurredAt)]
            : placed;
    }

    /// <summary>
    /// The interception is recorded; when it stops the last parcel and none left with the carrier, nothing of the order
    /// will ship, so the order is cancelled (paid back when it was paid). Otherwise it is amended: completion no longer
    /// waits for that warehouse.
    /// </summary>
    private static Decision<OrderEvent> Intercepted(RecordShipmentIntercepted c, OrderState state)
    {
        var intercepted = new OrderShipmentIntercepted(c.OrderId, c.ShipmentId, c.WarehouseId, c.OccurredAt);
        var after = Evolve(state, intercepted);
        return state.Status is OrderStatus.AwaitingPayment or OrderStatus.Paid && !after.AnyHandedOver && after.WarehousesStillToShip.Count == 0
            ? new OrderEvent[] { intercepted, new OrderCancelled(c.OrderId, ShipmentsInterceptedReason, state.WasPaid, c.OccurredAt) }
            : intercepted;
    }

    /// <summary>The allocation less the units taken out; a line left with none leaves the allocation.</summary>
    private static ImmutableList<LineAllocation> Reduce(ImmutableList<LineAllocation> allocation, IReadOnlyList<LineAllocation> removed) =>
    [
        .. allocation
            .Select(a => a with { Quantity = a.Quantity - removed.Where(r => r.Sku == a.Sku && r.WarehouseId == a.WarehouseId).Sum(r => r.Quantity) })
            .Where(a => a.Quantity > 0),
    ];

    /// <summary>The reason of a cancellation that came of intercepting every parcel of the order.</summary>
    public const string ShipmentsInterceptedReason = "shipments-intercepted";

    /// <summary>A new claim on a paid order: per line within what was paid and ordered, and in total within the amount paid.</summary>
    private static Decision<OrderEvent> ClaimRefund(ClaimRefund c, OrderState state)
    {
        var faults = new List<LineFault>();
        foreach (var group in c.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal))
        {
            var line = state.Lines.FirstOrDefault(l => l.Sku == group.Key);
            if (line is null)
            {
                faults.Add(new LineFault(group.Key, group.Sum(l => l.Quantity), 0, "not-on-order"));
                continue;
            }

            var unitsLeft = line.Quantity - state.RefundClaimedUnitsFor(line.Sku);
            if (group.Sum(l => l.Quantity) > unitsLeft)
            {
                faults.Add(new LineFault(line.Sku, group.Sum(l => l.Quantity), unitsLeft, "more-units-than-ordered"));
            }
            else if (group.Sum(l => l.Amount) > state.PaidFor(line.Sku) - state.RefundClaimedFor(line.Sku))
            {
                faults.Add(new LineFault(line.Sku, group.Sum(l => l.Quantity), unitsLeft, "more-than-paid"));
            }
        }

        if (faults.Count > 0)
        {
            return new DomainError("refund.exceeds-paid", $"Refund {c.RefundId} would refund more than was paid for some lines of order {c.OrderId}.", faults);
        }

        var amount = c.Lines.Sum(l => l.Amount);
        return state.RefundClaimedTotal + amount > state.PaidAmount
            ? DomainError.Conflict("refund.exceeds-paid", $"Refund {c.RefundId} would bring refunds above the {state.PaidAmount} paid for order {c.OrderId}.")
            : new OrderRefundClaimed(c.OrderId, c.RefundId, c.Lines, amount, c.OccurredAt);
    }

    private static DomainError NotPlaced(string orderId) => DomainError.Conflict("order.not-placed", $"Order {orderId} was not placed.");

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
