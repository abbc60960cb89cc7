using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Application.Refunds;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.Shipments;

/// <summary>
/// The shipment commands that read or write other streams. Creating a shipment checks its lines against the order's allocation for that warehouse;
/// handing it to the carrier commits the order's reservations in that warehouse (the units leave the stock) and
/// records the hand-over on the order (which then can no longer be cancelled, and refunds lose auto-approval).
/// Intercepting it records the interception on the order (cancelled when no parcel is left to ship) and releases the
/// order's reservations of the parcel's lines, so the units are available again. A refused parcel back at its
/// warehouse is recorded on its order, restocked, and refunded by rule.
/// </summary>
public sealed class ShipmentWorkflow(CommandHandler handler, OrderPlacement placement, RefundWorkflow refunds)
{
    /// <summary>
    /// A parcel the buyer refused is back at its warehouse: recorded on the shipment (<c>shipment-back-at-warehouse</c>)
    /// and on its order (<c>order-shipment-returned</c>); its units go back on hand (<c>stock-restocked</c>); and, unless
    /// the store turned the rule off (<see cref="StoreState.RefundRefusedDeliveries"/>), its lines are refunded by rule
    /// on <c>refund-refused-{shipmentId}</c>: claimed, requested and approved, paid. Every step is decided before the
    /// first append; a repeat completes the steps that died half-way.
    /// </summary>
    public async Task<CommandOutcome> ReceiveBackAsync(ReceiveReturnedShipment command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Shipment(command.ShipmentId);
        var loaded = await handler.LoadAsync(ShipmentDecider.Decider, stream, context.CommandId, cancellationToken);
        var shipment = loaded.State;
        if (shipment.Status is not (ShipmentStatus.ReturnedToSender or ShipmentStatus.BackAtWarehouse))
        {
            return CommandOutcome.From(await handler.HandleAsync(ShipmentDecider.Decider, stream, command, context, cancellationToken));
        }

        var order = (await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(shipment.OrderId), cancellationToken: cancellationToken)).State;
        var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(shipment.StoreId), cancellationToken: cancellationToken)).State;
        var returned = new RecordShipmentReturned(shipment.OrderId, shipment.ShipmentId, shipment.WarehouseId, command.OccurredAt);
        var restocks = shipment.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal)
            .Select(g => new RestockUnits(shipment.WarehouseId, g.Key, g.Sum(l => l.Quantity), shipment.ShipmentId, RestockReason.RefusedDelivery, command.OccurredAt))
            .ToList();
        var refund = RefusedDeliveryRefund(store, order, shipment, command);
        if (loaded.EventsOfCommand.Count == 0 && shipment.Status == ShipmentStatus.ReturnedToSender
            && await CheckReceiveBackAsync(command, returned, restocks, refund, context, cancellationToken) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var back = await handler.HandleAsync(ShipmentDecider.Decider, stream, command, context, cancellationToken);
        if (!back.IsSuccess || back.State.Status != ShipmentStatus.BackAtWarehouse)
        {
            return CommandOutcome.From(back);
        }

        var changes = new List<StreamChange> { back.Change };
        var recorded = await handler.HandleAsync(OrderDecider.Decider, StreamIds.Order(shipment.OrderId), returned, context.Step("order"), cancellationToken);
        changes.Add(recorded.Change);
        if (!recorded.IsSuccess)
        {
            return new CommandOutcome(changes, recorded.Error);
        }

        foreach (var restock in restocks)
        {
            var restocked = await handler.HandleAsync(
                StockDecider.Decider, StreamIds.Stock(restock.WarehouseId, restock.Sku), restock, RefundWorkflow.RestockStep(context, restock), cancellationToken);
            changes.Add(restocked.Change);
            if (!restocked.IsSuccess)
            {
                return new CommandOutcome(changes, restocked.Error);
            }
        }

        if (refund is null)
        {
            return new CommandOutcome(changes, null);
        }

        var refunded = await refunds.RefundByRuleAsync(refund, context.Step("refund"), cancellationToken);
        return new CommandOutcome([.. changes, .. refunded.Changes], refunded.Error);
    }

    /// <summary>The refund by rule a refused parcel is owed: null when the store turned the rule off or nothing of its lines is left unrefunded.</summary>
    private static RefundRefusedDelivery? RefusedDeliveryRefund(StoreState store, OrderState order, ShipmentState shipment, ReceiveReturnedShipment command) =>
        store.RefundRefusedDeliveries && RefundScope.RefusedParcelLines(order, shipment) is { Count: > 0 } lines
            ? new RefundRefusedDelivery(
                RefundScope.RefusedParcelRefundId(shipment.ShipmentId), order.OrderId, order.StoreId, order.CustomerId, shipment.ShipmentId, lines, command.OccurredAt)
            : null;

    private async Task<DomainError?> CheckReceiveBackAsync(
        ReceiveReturnedShipment command, RecordShipmentReturned returned, IReadOnlyList<RestockUnits> restocks, RefundRefusedDelivery? refund,
        CommandContext context, CancellationToken cancellationToken)
    {
        if ((await handler.CheckAsync(ShipmentDecider.Decider, StreamIds.Shipment(command.ShipmentId), command, context, cancellationToken)
             ?? await handler.CheckAsync(OrderDecider.Decider, StreamIds.Order(returned.OrderId), returned, context.Step("order"), cancellationToken)) is { } refused)
        {
            return refused;
        }

        foreach (var restock in restocks)
        {
            if (await handler.CheckAsync(
                    StockDecider.Decider, StreamIds.Stock(restock.WarehouseId, restock.Sku), restock, RefundWorkflow.RestockStep(context, restock), cancellationToken) is { } refusedRestock)
            {
                return refusedRestock;
            }
        }

        return refund is null ? null : await refunds.CheckRefundByRuleAsync(refund, context.Step("refund"), cancellationToken);
    }

    /// <summary>Creates the shipment once its lines are checked against the order (<see cref="ShipmentChecks.AgainstOrder"/>).</summary>
    public async Task<CommandOutcome> CreateAsync(CreateShipment command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var order = (await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(command.OrderId), cancellationToken: cancellationToken)).State;
        return ShipmentChecks.AgainstOrder(command, order) is { } invalid
            ? new CommandOutcome([], invalid)
            : CommandOutcome.From(await handler.HandleAsync(ShipmentDecider.Decider, StreamIds.Shipment(command.ShipmentId), command, context, cancellationToken));
    }

    /// <summary>Hands the shipment over, then commits the order's reservations in its warehouse and records the hand-over on the order.</summary>
    public async Task<CommandOutcome> HandOverAsync(HandOverToCarrier command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Shipment(command.ShipmentId);
        var shipment = (await handler.LoadAsync(ShipmentDecider.Decider, stream, cancellationToken: cancellationToken)).State;
        if (shipment.Status is ShipmentStatus.Packed)
        {
            var order = (await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(shipment.OrderId), cancellationToken: cancellationToken)).State;
            if ((ShipmentChecks.HandOverAgainstOrder(shipment, order) ?? await CheckFollowUpsAsync(shipment, command, context, cancellationToken)) is { } refused)
            {
                return new CommandOutcome([], refused);
            }
        }

        var handedOver = await handler.HandleAsync(ShipmentDecider.Decider, stream, command, context, cancellationToken);
        if (!handedOver.IsSuccess || !handedOver.State.HandedOver)
        {
            return CommandOutcome.From(handedOver);
        }

        // Also on a repeat, so a hand-over whose follow-up steps died half-way is completed by retrying it.
        var state = handedOver.State;
        var changes = new List<StreamChange> { handedOver.Change };
        foreach (var line in state.Lines)
        {
            var commit = await handler.HandleAsync(
                StockDecider.Decider, StreamIds.Stock(state.WarehouseId, line.Sku), Commit(state, line.Sku, command), CommitStep(context, state, line.Sku), cancellationToken);
            changes.Add(commit.Change);
            if (!commit.IsSuccess)
            {
                return new CommandOutcome(changes, commit.Error);
            }
        }

        var recorded = await handler.HandleAsync(
            OrderDecider.Decider, StreamIds.Order(state.OrderId), Record(state, command), context.Step("order"), cancellationToken);
        changes.Add(recorded.Change);
        return new CommandOutcome(changes, recorded.Error);
    }

    /// <summary>
    /// Intercepts the shipment, records that on its order (which is cancelled when every parcel is stopped and none
    /// left), then releases the order's open reservations of the parcel's lines in its warehouse. Also on a repeat, so
    /// an interception whose follow-up steps died half-way is completed by retrying it.
    /// </summary>
    public async Task<CommandOutcome> InterceptAsync(InterceptShipment command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Shipment(command.ShipmentId);
        var shipment = (await handler.LoadAsync(ShipmentDecider.Decider, stream, cancellationToken: cancellationToken)).State;
        // The shipment's own rule first, then the order's: either refusal appends nothing anywhere.
        if (shipment.Status is not ShipmentStatus.None
            && (await handler.CheckAsync(ShipmentDecider.Decider, stream, command, context, cancellationToken)
                ?? await handler.CheckAsync(OrderDecider.Decider, StreamIds.Order(shipment.OrderId), RecordInterception(shipment, command), context.Step("order"), cancellationToken))
            is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var intercepted = await handler.HandleAsync(ShipmentDecider.Decider, stream, command, context, cancellationToken);
        if (!intercepted.IsSuccess || intercepted.State.Status != ShipmentStatus.Intercepted)
        {
            return CommandOutcome.From(intercepted);
        }

        var state = intercepted.State;
        var recorded = await handler.HandleAsync(
            OrderDecider.Decider, StreamIds.Order(state.OrderId), RecordInterception(state, command), context.Step("order"), cancellationToken);
        if (!recorded.IsSuccess)
        {
            return new CommandOutcome([intercepted.Change, recorded.Change], recorded.Error);
        }

        var open = new List<string>();
        foreach (var stockStream in state.Lines.Select(l => StreamIds.Stock(state.WarehouseId, l.Sku)).Distinct(StringComparer.Ordinal))
        {
            var stock = await handler.LoadAsync(StockDecider.Decider, stockStream, cancellationToken: cancellationToken);
            if (stock.State.Reservations.GetValueOrDefault(state.OrderId) is { Status: ReservationStatus.Open })
            {
                open.Add(stockStream);
            }
        }

        var released = await placement.ReleaseAsync(state.OrderId, open, ReleaseReason.ShipmentIntercepted, command.OccurredAt, context, cancellationToken);
        return new CommandOutcome([intercepted.Change, recorded.Change, .. released], null);
    }

    /// <summary>
    /// Takes refunded units out of a parcel still in the warehouse, then releases those units of the order's
    /// reservation. Taking out everything intercepts the parcel instead (<see cref="InterceptAsync"/>).
    /// </summary>
    public async Task<CommandOutcome> AmendAsync(AmendShipment command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Shipment(command.ShipmentId);
        var loaded = await handler.LoadAsync(ShipmentDecider.Decider, stream, context.CommandId, cancellationToken);
        var shipment = loaded.State;
        // A repeat of an amendment already recorded goes straight to its releases (each idempotent by its step id),
        // so one whose releases died half-way is completed by retrying it.
        var repeat = loaded.EventsOfCommand.Count > 0;
        if (!repeat && shipment.Status is not ShipmentStatus.None)
        {
            if (ShipmentDecider.LinesAfter(shipment, command.Removed) is { Count: 0 })
            {
                return await InterceptAsync(new InterceptShipment(command.ShipmentId, command.Reason, command.OccurredAt), context, cancellationToken);
            }

            if (await CheckAsync(shipment, command, context, cancellationToken) is { } refused)
            {
                return new CommandOutcome([], refused);
            }
        }

        var amended = await handler.HandleAsync(ShipmentDecider.Decider, stream, command, context, cancellationToken);
        if (!amended.IsSuccess || amended.State.Status == ShipmentStatus.None)
        {
            return CommandOutcome.From(amended);
        }

        var changes = new List<StreamChange> { amended.Change };
        var recorded = await handler.HandleAsync(
            OrderDecider.Decider, StreamIds.Order(amended.State.OrderId), RecordAmendment(amended.State, command), context.Step("order"), cancellationToken);
        changes.Add(recorded.Change);
        if (!recorded.IsSuccess)
        {
            return new CommandOutcome(changes, recorded.Error);
        }

        foreach (var (stockStream, release) in Releases(amended.State, command))
        {
            var released = await handler.HandleAsync(StockDecider.Decider, stockStream, release, ReleaseStep(context, release), cancellationToken);
            changes.Add(released.Change);
            if (!released.IsSuccess)
            {
                return new CommandOutcome(changes, released.Error);
            }
        }

        return new CommandOutcome(changes, null);
    }

    /// <summary>The amendment's own rule, then each release of reserved units: any refusal appends nothing anywhere.</summary>
    private async Task<DomainError?> CheckAsync(ShipmentState shipment, AmendShipment command, CommandContext context, CancellationToken cancellationToken)
    {
        if ((await handler.CheckAsync(ShipmentDecider.Decider, StreamIds.Shipment(command.ShipmentId), command, context, cancellationToken)
             ?? await handler.CheckAsync(OrderDecider.Decider, StreamIds.Order(shipment.OrderId), RecordAmendment(shipment, command), context.Step("order"), cancellationToken)) is { } refused)
        {
            return refused;
        }

        foreach (var (stockStream, release) in Releases(shipment, command))
        {
            if (await handler.CheckAsync(StockDecider.Decider, stockStream, release, ReleaseStep(context, release), cancellationToken) is { } refusedRelease)
            {
                return refusedRelease;
            }
        }

        return null;
    }

    private static IEnumerable<(string Stream, ReleaseReservedUnits Release)> Releases(ShipmentState shipment, AmendShipment command) =>
        command.Removed.GroupBy(r => r.Sku, StringComparer.Ordinal).Select(g => (
            StreamIds.Stock(shipment.WarehouseId, g.Key),
            new ReleaseReservedUnits(shipment.WarehouseId, g.Key, shipment.OrderId, g.Sum(r => r.Quantity), ReleaseReason.RefundedBeforeShipping, command.OccurredAt)));

    private static RecordShipmentAmended RecordAmendment(ShipmentState shipment, AmendShipment command) =>
        new(shipment.OrderId, shipment.ShipmentId, shipment.WarehouseId,
            [.. command.Removed.GroupBy(r => r.Sku, StringComparer.Ordinal).Select(g => new LineAllocation(g.Key, shipment.WarehouseId, g.Sum(r => r.Quantity)))],
            command.OccurredAt);

    private static CommandContext ReleaseStep(CommandContext context, ReleaseReservedUnits release) =>
        context.Step($"release/{release.WarehouseId}.{release.Sku}");

    private static RecordShipmentIntercepted RecordInterception(ShipmentState shipment, InterceptShipment command) =>
        new(shipment.OrderId, shipment.ShipmentId, shipment.WarehouseId, command.OccurredAt);

    /// <summary>
    /// The hand-over's later steps (commit each line's reservation, record the hand-over on the order), decided before
    /// the hand-over is written, so that a refusal there appends nothing anywhere.
    /// </summary>
    private async Task<DomainError?> CheckFollowUpsAsync(ShipmentState shipment, HandOverToCarrier command, CommandContext context, CancellationToken cancellationToken)
    {
        foreach (var line in shipment.Lines)
        {
            if (await handler.CheckAsync(
                    StockDecider.Decider, StreamIds.Stock(shipment.WarehouseId, line.Sku), Commit(shipment, line.Sku, command), CommitStep(context, shipment, line.Sku), cancellationToken) is { } refused)
            {
                return refused;
            }
        }

        return await handler.CheckAsync(OrderDecider.Decider, StreamIds.Order(shipment.OrderId), Record(shipment, command), context.Step("order"), cancellationToken);
    }

    private static CommitReservation Commit(ShipmentState shipment, string sku, HandOverToCarrier command) =>
        new(shipment.WarehouseId, sku, shipment.OrderId, shipment.ShipmentId, command.OccurredAt);

    private static CommandContext CommitStep(CommandContext context, ShipmentState shipment, string sku) =>
        context.Step($"commit/{shipment.WarehouseId}.{sku}");

    private static RecordShipmentHandedOver Record(ShipmentState shipment, HandOverToCarrier command) =>
        new(shipment.OrderId, shipment.ShipmentId, shipment.WarehouseId, command.OccurredAt);
}
