namespace OrderLedger.Domain.Stock;

/// <summary>
/// One SKU in one warehouse. Reserving never takes more than is available, so stock never goes negative
/// whatever the interleaving: concurrent writers are serialised by the stream's expected revision.
/// </summary>
public static class StockDecider
{
    public static Decider<StockCommand, StockEvent, StockState> Decider { get; } = new(Decide, Evolve, StockState.Initial, KeepsTimeOrder: false);

    public static Decision<StockEvent> Decide(StockCommand command, StockState state) => command switch
    {
        ReceiveStock c => Receive(c, state),
        ReserveStock c => Reserve(c, state),
        ReleaseReservation c => Release(c, state),
        CommitReservation c => Commit(c, state),
        AdjustStock c => Adjust(c, state),
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
        StockReservationCommitted e => state with
        {
            OnHand = state.OnHand - e.Quantity,
            Reserved = state.Reserved - e.Quantity,
            Reservations = state.Reservations.SetItem(e.OrderId, state.Reservations[e.OrderId] with { Status = ReservationStatus.Committed }),
        },
        StockAdjusted e => state with { OnHand = e.OnHand },
        _ => state,
    };

    /// <summary>The most units one warehouse may hold of one SKU: on hand is an <see cref="int"/> and must never wrap.</summary>
    public const int MaxOnHand = int.MaxValue;

    private static Decision<StockEvent> Receive(ReceiveStock c, StockState state)
    {
        if (c.Quantity <= 0)
        {
            return DomainError.Invalid("stock.quantity-invalid", "Received quantity must be positive.");
        }

        // In long: the sum itself must not wrap before it is compared.
        if ((long)state.OnHand + c.Quantity > MaxOnHand)
        {
            return DomainError.Conflict("stock.on-hand-limit", $"{c.WarehouseId} holds {state.OnHand} of {c.Sku}; {c.Quantity} more would pass the limit of {MaxOnHand}.");
        }

        return new StockReceived(c.WarehouseId, c.Sku, c.Quantity, c.OccurredAt);
    }

    private static Decision<StockEvent> Reserve(ReserveStock c, StockState state)
    {
        if (c.Quantity <= 0)
        {
            return DomainError.Invalid("stock.quantity-invalid", "Reserved quantity must be positive.");
        }

        if (state.Reservations.TryGetValue(c.OrderId, out var existing))
        {
            return existing switch
            {
                { Status: ReservationStatus.Open } when existing.Quantity == c.Quantity => Decision<StockEvent>.Nothing,
                { Status: ReservationStatus.Open } => DomainError.Conflict("stock.reservation-exists", $"Order {c.OrderId} already holds {existing.Quantity} of {c.Sku} here."),
                _ => DomainError.Conflict("stock.reservation-closed", $"Order {c.OrderId}'s reservation of {c.Sku} was already {existing.Status.ToString().ToLowerInvariant()}."),
            };
        }

        if (c.Quantity > state.Available)
        {
            return new DomainError(
                "stock.insufficient",
                $"Only {state.Available} of {c.Sku} available in {c.WarehouseId}, {c.Quantity} requested.",
                [new LineFault(c.Sku, c.Quantity, state.Available, "insufficient-stock")]);
        }

        return new StockReserved(c.WarehouseId, c.Sku, c.OrderId, c.Quantity, c.OccurredAt);
    }

    private static Decision<StockEvent> Release(ReleaseReservation c, StockState state) =>
        state.Reservations.TryGetValue(c.OrderId, out var r)
            ? r.Status switch
            {
                ReservationStatus.Open => new StockReservationReleased(c.WarehouseId, c.Sku, c.OrderId, r.Quantity, c.Reason, c.OccurredAt),
                ReservationStatus.Released => Decision<StockEvent>.Nothing,
                _ => DomainError.Conflict("stock.reservation-committed", $"Order {c.OrderId}'s units of {c.Sku} already left the warehouse."),
            }
            : DomainError.Conflict("stock.reservation-not-found", $"Order {c.OrderId} holds no reservation of {c.Sku} in {c.WarehouseId}.");

    private static Decision<StockEvent> Commit(CommitReservation c, StockState state) =>
        state.Reservations.TryGetValue(c.OrderId, out var r)
            ? r.Status switch
            {
                ReservationStatus.Open => new StockReservationCommitted(c.WarehouseId, c.Sku, c.OrderId, r.Quantity, c.ShipmentId, c.OccurredAt),
                ReservationStatus.Committed => Decision<StockEvent>.Nothing,
                _ => DomainError.Conflict("stock.reservation-released", $"Order {c.OrderId}'s reservation of {c.Sku} was released; nothing to ship."),
            }
            : DomainError.Conflict("stock.reservation-not-found", $"Order {c.OrderId} holds no reservation of {c.Sku} in {c.WarehouseId}.");

    private static Decision<StockEvent> Adjust(AdjustStock c, StockState state)
    {
        if (c.CountedOnHand < 0)
        {
            return DomainError.Invalid("stock.quantity-invalid", "A count cannot be negative.");
        }

        if (c.CountedOnHand < state.Reserved)
        {
            return DomainError.Conflict("stock.adjust-below-reserved", $"Counted {c.CountedOnHand} but {state.Reserved} are reserved; release or re-allocate first.");
        }

        // A difference that does not fit an int can only come of a wrapped history (an older build): refuse, do not wrap again.
        var difference = (long)c.CountedOnHand - state.OnHand;
        return difference switch
        {
            0 => Decision<StockEvent>.Nothing,
            < int.MinValue or > int.MaxValue => DomainError.Conflict("stock.on-hand-limit", $"Counted {c.CountedOnHand} differs from {state.OnHand} on hand by more than a count can record."),
            _ => new StockAdjusted(c.WarehouseId, c.Sku, (int)difference, c.CountedOnHand, c.Reason, c.OccurredAt),
        };
    }
}
