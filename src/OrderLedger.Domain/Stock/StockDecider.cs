namespace OrderLedger.Domain.Stock;

/// <summary>
/// One SKU in one warehouse. Reserving never takes more than is available, so stock never goes negative
/// whatever the interleaving: concurrent writers are serialised by the stream's expected revision.
/// </summary>
public static class StockDecider
{
    public static Decider<StockCommand, StockEvent, StockState> Decider { get; } = new(Decide, Evolve, StockState.Initial, KeepsTimeOrder: false);

    public static Decision<StockEvent> Decide(StockCommand command, StockState state) => (command, state) switch
    {
        (ReceiveStock c, _) when c.Quantity <= 0 => DomainError.Invalid("stock.quantity-invalid", "Received quantity must be positive."),
        // In long: the sum itself must not wrap before it is compared.
        (ReceiveStock c, _) when (long)state.OnHand + c.Quantity > MaxOnHand =>
            DomainError.Conflict("stock.on-hand-limit", $"{c.WarehouseId} holds {state.OnHand} of {c.Sku}; {c.Quantity} more would pass the limit of {MaxOnHand}."),
        (ReceiveStock c, _) => new StockReceived(c.WarehouseId, c.Sku, c.Quantity, c.OccurredAt),

        (ReserveStock c, _) when c.Quantity <= 0 => DomainError.Invalid("stock.quantity-invalid", "Reserved quantity must be positive."),
        (ReserveStock c, _) when ReservationOf(state, c.OrderId) is { Status: ReservationStatus.Open } held => held.Quantity == c.Quantity
            ? Decision<StockEvent>.Nothing
            : DomainError.Conflict("stock.reservation-exists", $"Order {c.OrderId} already holds {held.Quantity} of {c.Sku} here."),
        (ReserveStock c, _) when ReservationOf(state, c.OrderId) is { } closed =>
            DomainError.Conflict("stock.reservation-closed", $"Order {c.OrderId}'s reservation of {c.Sku} was already {closed.Status.ToString().ToLowerInvariant()}."),
        (ReserveStock c, _) when c.Quantity > state.Available => new DomainError(
            "stock.insufficient",
            $"Only {state.Available} of {c.Sku} available in {c.WarehouseId}, {c.Quantity} requested.",
            [new LineFault(c.Sku, c.Quantity, state.Available, "insufficient-stock")]),
        (ReserveStock c, _) => new StockReserved(c.WarehouseId, c.Sku, c.OrderId, c.Quantity, c.OccurredAt),

        (ReleaseReservation c, _) when ReservationOf(state, c.OrderId) is null => NoReservation(c.OrderId, c),
        (ReleaseReservation c, _) when ReservationOf(state, c.OrderId) is { Status: ReservationStatus.Open } open =>
            new StockReservationReleased(c.WarehouseId, c.Sku, c.OrderId, open.Quantity, c.Reason, c.OccurredAt),
        (ReleaseReservation c, _) when ReservationOf(state, c.OrderId) is { Status: ReservationStatus.Released } => Decision<StockEvent>.Nothing,
        (ReleaseReservation c, _) => DomainError.Conflict("stock.reservation-committed", $"Order {c.OrderId}'s units of {c.Sku} already left the warehouse."),

        (ReleaseReservedUnits c, _) when c.Quantity <= 0 => DomainError.Invalid("stock.quantity-invalid", "Released quantity must be positive."),
        (ReleaseReservedUnits c, _) when ReservationOf(state, c.OrderId) is null => NoReservation(c.OrderId, c),
        (ReleaseReservedUnits c, _) when ReservationOf(state, c.OrderId) is { Status: ReservationStatus.Open } open => c.Quantity.CompareTo(open.Quantity) switch
        {
            < 0 => new StockReservationReduced(c.WarehouseId, c.Sku, c.OrderId, c.Quantity, open.Quantity - c.Quantity, c.Reason, c.OccurredAt),
            0 => new StockReservationReleased(c.WarehouseId, c.Sku, c.OrderId, open.Quantity, c.Reason, c.OccurredAt),
            _ => DomainError.Conflict("stock.release-exceeds-reservation", $"Order {c.OrderId} holds {open.Quantity} of {c.Sku} here; {c.Quantity} cannot be released."),
        },
        (ReleaseReservedUnits c, _) when ReservationOf(state, c.OrderId) is { Status: ReservationStatus.Released } => Decision<StockEvent>.Nothing,
        (ReleaseReservedUnits c, _) => DomainError.Conflict("stock.reservation-committed", $"Order {c.OrderId}'s units of {c.Sku} already left the warehouse."),

        (CommitReservation c, _) when ReservationOf(state, c.OrderId) is null => NoReservation(c.OrderId, c),
        (CommitReservation c, _) when ReservationOf(state, c.OrderId) is { Status: ReservationStatus.Open } open =>
            new StockReservationCommitted(c.WarehouseId, c.Sku, c.OrderId, open.Quantity, c.ShipmentId, c.OccurredAt),
        (CommitReservation c, _) when ReservationOf(state, c.OrderId) is { Status: ReservationStatus.Committed } => Decision<StockEvent>.Nothing,
        (CommitReservation c, _) => DomainError.Conflict("stock.reservation-released", $"Order {c.OrderId}'s reservation of {c.Sku} was released; nothing to ship."),

        (RestockUnits c, _) when c.Quantity <= 0 => DomainError.Invalid("stock.quantity-invalid", "Restocked quantity must be positive."),
        (RestockUnits c, _) when state.RestockedFrom.Contains(c.Source) => Decision<StockEvent>.Nothing,
        (RestockUnits c, _) when (long)state.OnHand + c.Quantity > MaxOnHand =>
            DomainError.Conflict("stock.on-hand-limit", $"{c.WarehouseId} holds {state.OnHand} of {c.Sku}; {c.Quantity} more would pass the limit of {MaxOnHand}."),
        (RestockUnits c, _) => new StockRestocked(c.WarehouseId, c.Sku, c.Quantity, c.Source, c.Reason, c.OccurredAt),

        (AdjustStock c, _) when c.CountedOnHand < 0 => DomainError.Invalid("stock.quantity-invalid", "A count cannot be negative."),
        (AdjustStock c, _) when c.CountedOnHand < state.Reserved =>
            DomainError.Conflict("stock.adjust-below-reserved", $"Counted {c.CountedOnHand} but {state.Reserved} are reserved; release or re-allocate first."),
        (AdjustStock c, _) => Adjust(c, state),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown stock command."),
    };

    public static StockState Evolve(StockState state, StockEvent @event) => @event switch
    {
        StockReceived e => state with { OnHand = state.OnHand + e.Quantity },
        StockReserved e => state with
        {
            Reserved = state.Reserved + e.Quantity,
            Reservations = state.Reservations.SetItem(e.OrderId, new Reservation(e.Quantity, ReservationStatus.Open, e.OccurredAt)),
        },
        StockReservationReleased e => state with
        {
            Reserved = state.Reserved - e.Quantity,
            Reservations = state.Reservations.SetItem(e.OrderId, state.Reservations[e.OrderId] with { Status = ReservationStatus.Released }),
        },
        StockReservationReduced e => state with
        {
            Reserved = state.Reserved - e.Quantity,
            Reservations = state.Reservations.SetItem(e.OrderId, state.Reservations[e.OrderId] with { Quantity = e.Remaining }),
        },
        StockReservationCommitted e => state with
        {
            OnHand = state.OnHand - e.Quantity,
            Reserved = state.Reserved - e.Quantity,
            Reservations = state.Reservations.SetItem(e.OrderId, state.Reservations[e.OrderId] with { Status = ReservationStatus.Committed }),
        },
        StockAdjusted e => state with { OnHand = e.OnHand },
        StockRestocked e => state with { OnHand = state.OnHand + e.Quantity, Restocked = state.Restocked + e.Quantity, RestockedFrom = state.RestockedFrom.Add(e.Source) },
        _ => state,
    };

    /// <summary>The most units one warehouse may hold of one SKU: on hand is an <see cref="int"/> and must never wrap.</summary>
    public const int MaxOnHand = int.MaxValue;

    private static Reservation? ReservationOf(StockState state, string orderId) => state.Reservations.GetValueOrDefault(orderId);

    private static DomainError NoReservation(string orderId, StockCommand c) =>
        DomainError.Conflict("stock.reservation-not-found", $"Order {orderId} holds no reservation of {c.Sku} in {c.WarehouseId}.");

    /// <summary>A count that differs from on hand records the difference; one that does not fit an int can only come of a wrapped history (an older build): refuse, do not wrap again.</summary>
    private static Decision<StockEvent> Adjust(AdjustStock c, StockState state) => ((long)c.CountedOnHand - state.OnHand) switch
    {
        0 => Decision<StockEvent>.Nothing,
        < int.MinValue or > int.MaxValue => DomainError.Conflict("stock.on-hand-limit", $"Counted {c.CountedOnHand} differs from {state.OnHand} on hand by more than a count can record."),
        var difference => new StockAdjusted(c.WarehouseId, c.Sku, (int)difference, c.CountedOnHand, c.Reason, c.OccurredAt),
    };
}
