using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Allocation;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.Orders;

/// <summary>
/// Placing an order: choose warehouses with the allocation policy, reserve every line in its <c>stock-…</c> stream,
/// then record the order with its allocation. If a line cannot be reserved, the reservations already made are
/// released and the order is recorded as rejected with the lines at fault (so a retry gets the same answer).
/// <para>
/// Crash safety: reservations are written before the order. If the process dies in between, the order stream stays
/// empty and <see cref="Stock.ReservationRecovery"/> later records the order as abandoned (only possible while the
/// stream is still empty, so it cannot race a late placement) and releases its reservations. A retry of the same
/// command before that finds its reservations (same derived commandIds) and completes the placement.
/// </para>
/// </summary>
public sealed class OrderPlacement(CommandHandler handler, IAllocationPolicy allocationPolicy)
{
    public async Task<CommandOutcome> PlaceAsync(PlaceOrder command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var orderStream = StreamIds.Order(command.OrderId);
        context = context.WithFingerprintOf(command);
        var order = await handler.LoadAsync(OrderDecider.Decider, orderStream, context.CommandId, cancellationToken);
        if (CommandFingerprints.Reused(context, order.OriginalCommand) is { } reused)
        {
            return new CommandOutcome([], reused);
        }

        if (order.State.Status == OrderStatus.Rejected)
        {
            // The original outcome of this placement (or the recovery path gave up on it): rejected, nothing more to do.
            var change = new StreamChange(orderStream, order.EventsOfCommand, order.Revision, order.EventsOfCommand.Count > 0);
            return new CommandOutcome([change], order.State.RejectedFor == RejectionReason.OutOfStock
                ? OutOfStock(command.OrderId, order.State.RejectionFaults ?? [])
                : DomainError.Conflict("order.rejected", $"Order {command.OrderId} was abandoned half-way and rejected; place a new order."));
        }

        if (order.State.IsPlaced)
        {
            return new CommandOutcome([new StreamChange(orderStream, order.EventsOfCommand, order.Revision, order.EventsOfCommand.Count > 0)], null);
        }

        if ((OrderDecider.ValidatePlacement(command) ?? handler.RefusedTime(OrderDecider.Decider, order, command.OccurredAt)) is { } invalid)
        {
            return new CommandOutcome([], invalid);
        }

        var store = await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(command.StoreId), cancellationToken: cancellationToken);
        // Reservations come first, so a command id already used on another stream is refused before them.
        if ((PlacementChecks.AgainstStore(command, store.State) ?? await handler.CheckIdUnusedElsewhereAsync(orderStream, context, command.StoreId, cancellationToken)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        command = command with { PaymentDueAt = command.PaymentDueAt ?? command.OccurredAt.Add(store.State.PaymentWindow) };

        // What each warehouse can give this order. Units this order already holds (from an earlier attempt that died) count as available to it.
        var stock = new Dictionary<string, StockState>(StringComparer.Ordinal);
        foreach (var warehouse in store.State.Warehouses)
        {
            foreach (var line in command.Lines)
            {
                var loaded = await handler.LoadAsync(StockDecider.Decider, StreamIds.Stock(warehouse.WarehouseId, line.Sku), cancellationToken: cancellationToken);
                stock[StreamIds.Stock(warehouse.WarehouseId, line.Sku)] = loaded.State;
            }
        }

        var request = new AllocationRequest(
            command.Lines,
            command.ShippingAddress.Region,
            [.. store.State.Warehouses.Select(w => new WarehouseAvailability(
                w.WarehouseId,
                w.Regions,
                command.Lines.ToDictionary(l => l.Sku, l => AvailableTo(stock[StreamIds.Stock(w.WarehouseId, l.Sku)], command.OrderId), StringComparer.Ordinal)))]);
        var plan = allocationPolicy.Allocate(request);
        if (plan.IsComplete && OrderDecider.Decide(command with { Allocation = plan.Allocations }, OrderState.Initial).Error is { } badPlan)
        {
            // The policy's allocation does not cover the order exactly: refuse before reserving anything.
            return new CommandOutcome([], badPlan);
        }

        var changes = new List<StreamChange>();
        var reserved = new List<(string WarehouseId, string Sku)>();
        var faults = new List<LineFault>(plan.Faults);
        if (plan.IsComplete)
        {
            var byStream = plan.Allocations
                .GroupBy(a => (a.WarehouseId, a.Sku))
                .Select(g => (g.Key.WarehouseId, g.Key.Sku, Quantity: g.Sum(a => a.Quantity)))
                .OrderBy(x => x.WarehouseId, StringComparer.Ordinal).ThenBy(x => x.Sku, StringComparer.Ordinal);
            foreach (var (warehouseId, sku, quantity) in byStream)
            {
                var stream = StreamIds.Stock(warehouseId, sku);
                var result = await handler.HandleAsync(
                    StockDecider.Decider,
                    stream,
                    new ReserveStock(warehouseId, sku, command.OrderId, quantity, command.OccurredAt),
                    context.Step($"reserve/{warehouseId}.{sku}"),
                    cancellationToken);
                changes.Add(result.Change);
                if (!result.IsSuccess)
                {
                    faults.AddRange(result.Error!.Lines ?? [new LineFault(sku, quantity, 0, result.Error.Rule)]);
                    break;
                }

                if (result.State.Reservations.GetValueOrDefault(command.OrderId) is not { Status: ReservationStatus.Open } held || held.Quantity != quantity)
                {
                    faults.Add(new LineFault(sku, quantity, 0, "reservation-mismatch"));
                    break;
                }

                reserved.Add((warehouseId, sku));
            }
        }

        if (faults.Count == 0)
        {
            var placed = await handler.HandleAsync(OrderDecider.Decider, orderStream, command with { Allocation = plan.Allocations }, context, cancellationToken);
            changes.Add(placed.Change);
            if (placed.IsSuccess)
            {
                // Reservations held from an earlier, differently allocated attempt are not part of this order.
                changes.AddRange(await ReleaseAsync(
                    command.OrderId, stock.Where(s => s.Value.Reservations.GetValueOrDefault(command.OrderId) is { Status: ReservationStatus.Open }).Select(s => s.Key)
                        .Except(plan.Allocations.Select(a => StreamIds.Stock(a.WarehouseId, a.Sku))),
                    ReleaseReason.Orphaned, command.OccurredAt, context, cancellationToken));
                return new CommandOutcome(changes, null);
            }

            // The recovery path gave up on this order while we were reserving: undo and report.
            changes.AddRange(await ReleaseAsync(command.OrderId, AllHeld(stock, reserved, command.OrderId), ReleaseReason.OrderRejected, command.OccurredAt, context, cancellationToken));
            return new CommandOutcome(changes, placed.Error);
        }

        changes.AddRange(await ReleaseAsync(command.OrderId, AllHeld(stock, reserved, command.OrderId), ReleaseReason.OrderRejected, command.OccurredAt, context, cancellationToken));
        var rejected = await handler.HandleAsync(
            OrderDecider.Decider,
            orderStream,
            new RejectOrder(command.OrderId, command.StoreId, command.CustomerId, RejectionReason.OutOfStock, faults, command.OccurredAt),
            context,
            cancellationToken);
        changes.Add(rejected.Change);
        return new CommandOutcome(changes, OutOfStock(command.OrderId, faults));
    }

    /// <summary>
    /// A cancellation (<see cref="CancelOrder"/>, <see cref="TimeOutPayment"/>): recorded on the order, then the order's
    /// open reservations are released. Also on a repeat: a cancellation whose releases died half-way is completed by
    /// retrying it.
    /// </summary>
    public async Task<CommandOutcome> CancelAsync(OrderCommand command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var result = await handler.HandleAsync(OrderDecider.Decider, StreamIds.Order(command.OrderId), command, context, cancellationToken);
        if (!result.IsSuccess || result.State.Status != OrderStatus.Cancelled)
        {
            return CommandOutcome.From(result);
        }

        var open = new List<string>();
        foreach (var stream in result.State.Allocation.Select(a => StreamIds.Stock(a.WarehouseId, a.Sku)).Distinct(StringComparer.Ordinal))
        {
            var stock = await handler.LoadAsync(StockDecider.Decider, stream, cancellationToken: cancellationToken);
            if (stock.State.Reservations.GetValueOrDefault(command.OrderId) is { Status: ReservationStatus.Open })
            {
                open.Add(stream);
            }
        }

        var released = await ReleaseAsync(command.OrderId, open, ReleaseReason.OrderCancelled, command.OccurredAt, context, cancellationToken);
        return new CommandOutcome([result.Change, .. released], null);
    }

    public static DomainError OutOfStock(string orderId, IReadOnlyList<LineFault> faults) =>
        new("order.out-of-stock", $"Order {orderId} was rejected: some lines cannot be reserved.", faults);

    /// <summary>Releases this order's reservation in each stream (each release is its own idempotent sub-command).</summary>
    internal async Task<IReadOnlyList<StreamChange>> ReleaseAsync(
        string orderId, IEnumerable<string> stockStreams, ReleaseReason reason, DateTimeOffset at, CommandContext context, CancellationToken cancellationToken)
    {
        var changes = new List<StreamChange>();
        foreach (var stream in stockStreams.Distinct(StringComparer.Ordinal).ToList())
        {
            var (warehouseId, sku) = StockStream.Parse(stream);
            var result = await handler.HandleAsync(
                StockDecider.Decider, stream, new ReleaseReservation(warehouseId, sku, orderId, reason, at), context.Step($"release/{warehouseId}.{sku}"), cancellationToken);
            changes.Add(result.Change);
        }

        return changes;
    }

    private static int AvailableTo(StockState state, string orderId) =>
        state.Available + (state.Reservations.GetValueOrDefault(orderId) is { Status: ReservationStatus.Open } own ? own.Quantity : 0);

    private static IEnumerable<string> AllHeld(Dictionary<string, StockState> before, List<(string WarehouseId, string Sku)> reserved, string orderId) =>
        reserved.Select(r => StreamIds.Stock(r.WarehouseId, r.Sku))
            .Concat(before.Where(s => s.Value.Reservations.GetValueOrDefault(orderId) is { Status: ReservationStatus.Open }).Select(s => s.Key));
}

/// <summary>Stock stream ids are <c>stock-{warehouseId}.{sku}</c>; warehouse ids contain no '.'.</summary>
public static class StockStream
{
    public static (string WarehouseId, string Sku) Parse(string streamId)
    {
        const string prefix = "stock-";
        var dot = streamId.IndexOf('.', StringComparison.Ordinal);
        if (!streamId.StartsWith(prefix, StringComparison.Ordinal) || dot < 0)
        {
            throw new ArgumentException($"'{streamId}' is not a stock stream id.", nameof(streamId));
        }

        return (streamId[prefix.Length..dot], streamId[(dot + 1)..]);
    }
}
