using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Application.Refunds;
using OrderLedger.Application.Shipments;
using OrderLedger.Application.Stores;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application;

/// <summary>
/// The one entry point for commands (API, CLI, reactors, seeding). Reads as a table:
/// command → stream → decider, plus the few commands whose effects span streams.
/// <code>
/// SetWarehouses         warehouse-{id} then store-{storeId}  WarehousePolicy (each warehouse belongs to one store)
/// other StoreCommand    store-{storeId}                      StoreDecider
/// StockCommand          stock-{warehouseId}.{sku}            StockDecider
/// PlaceOrder            stock-… then order-{orderId}         OrderPlacement (reserve, record, or reject and release)
/// CancelOrder           order-… then stock-…                 OrderDecider, then release the order's open reservations
/// TimeOutPayment        order-… then stock-…                 same as CancelOrder
/// other OrderCommand    order-{orderId}                      OrderDecider
/// CreateShipment        shipment-{shipmentId}                ShipmentDecider, lines checked against the order's allocation
/// HandOverToCarrier     shipment-… then stock-… then order-… ShipmentWorkflow (commit reservations, record on the order)
/// other ShipmentCommand shipment-{shipmentId}                ShipmentDecider
/// RequestRefund         order-… then refund-{refundId}       RefundWorkflow (claim against what was paid, auto-approval)
/// ApproveRefund         refund-…                             return-address policy from the store, categories from the order
/// RejectRefund          refund-… then order-…                release the refund's claim
/// other RefundCommand   refund-{refundId}                    RefundDecider
/// ConversationCommand   conversation-{conversationId}        ConversationDecider
/// </code>
/// Every command carries a <see cref="CommandContext"/> (commandId, actor, business time); repeating a commandId
/// returns the original outcome and appends nothing, unless it comes with another command or payload
/// (<c>command.id-reused</c>). Each entry point fingerprints the command as given, before any step enriches it.
/// </summary>
public sealed class CommandService
{
    private readonly CommandHandler _handler;
    private readonly ShipmentWorkflow _shipments;
    private readonly RefundWorkflow _refunds;
    private readonly WarehousePolicy _warehouses;

    public CommandService(CommandHandler handler, OrderPlacement placement)
    {
        _handler = handler;
        Placement = placement;
        _shipments = new ShipmentWorkflow(handler);
        _refunds = new RefundWorkflow(handler);
        _warehouses = new WarehousePolicy(handler);
    }

    public OrderPlacement Placement { get; }

    public async Task<CommandOutcome> ExecuteAsync(StoreCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        command is SetWarehouses warehouses
            ? await _warehouses.SetAsync(warehouses, context.WithFingerprintOf(command), cancellationToken)
            : CommandOutcome.From(await _handler.HandleAsync(StoreDecider.Decider, StreamIds.Store(command.StoreId), command, context, cancellationToken));

    public async Task<CommandOutcome> ExecuteAsync(StockCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        CommandOutcome.From(await _handler.HandleAsync(StockDecider.Decider, StreamIds.Stock(command.WarehouseId, command.Sku), command, context, cancellationToken));

    public async Task<CommandOutcome> ExecuteAsync(OrderCommand command, CommandContext context, CancellationToken cancellationToken = default)
    {
        context = context.WithFingerprintOf(command);
        switch (command)
        {
            case PlaceOrder place:
                return await Placement.PlaceAsync(place, context, cancellationToken);
            case CancelOrder or TimeOutPayment:
                var result = await _handler.HandleAsync(OrderDecider.Decider, StreamIds.Order(command.OrderId), command, context, cancellationToken);
                if (!result.IsSuccess || result.State.Status != OrderStatus.Cancelled)
                {
                    return CommandOutcome.From(result);
                }

                // Also on a repeat: a cancellation whose releases died half-way is completed by retrying it.
                var open = await OpenReservationsAsync(result.State, cancellationToken);
                var released = await Placement.ReleaseAsync(
                    command.OrderId, open, ReleaseReason.OrderCancelled, command.OccurredAt, context, cancellationToken);
                return new CommandOutcome([result.Change, .. released], null);
            default:
                return CommandOutcome.From(await _handler.HandleAsync(OrderDecider.Decider, StreamIds.Order(command.OrderId), command, context, cancellationToken));
        }
    }

    public Task<CommandOutcome> ExecuteAsync(ShipmentCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        _shipments.ExecuteAsync(command, context.WithFingerprintOf(command), cancellationToken);

    public Task<CommandOutcome> ExecuteAsync(RefundCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        _refunds.ExecuteAsync(command, context.WithFingerprintOf(command), cancellationToken);

    public async Task<CommandOutcome> ExecuteAsync(ConversationCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        CommandOutcome.From(await _handler.HandleAsync(ConversationDecider.Decider, StreamIds.Conversation(command.ConversationId), command, context, cancellationToken));

    /// <summary>Dispatches any domain command by its aggregate.</summary>
    public Task<CommandOutcome> ExecuteAsync(object command, CommandContext context, CancellationToken cancellationToken = default) => command switch
    {
        StoreCommand c => ExecuteAsync(c, context, cancellationToken),
        StockCommand c => ExecuteAsync(c, context, cancellationToken),
        OrderCommand c => ExecuteAsync(c, context, cancellationToken),
        ShipmentCommand c => ExecuteAsync(c, context, cancellationToken),
        RefundCommand c => ExecuteAsync(c, context, cancellationToken),
        ConversationCommand c => ExecuteAsync(c, context, cancellationToken),
        _ => throw new ArgumentException($"{command.GetType().Name} is not a domain command.", nameof(command)),
    };

    private async Task<IReadOnlyList<string>> OpenReservationsAsync(OrderState order, CancellationToken cancellationToken)
    {
        var open = new List<string>();
        foreach (var stream in order.Allocation.Select(a => StreamIds.Stock(a.WarehouseId, a.Sku)).Distinct(StringComparer.Ordinal))
        {
            var stock = await _handler.LoadAsync(StockDecider.Decider, stream, cancellationToken: cancellationToken);
            if (stock.State.Reservations.GetValueOrDefault(order.OrderId) is { Status: ReservationStatus.Open })
            {
                open.Add(stream);
            }
        }

        return open;
    }
}
