using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Application.Refunds;
using OrderLedger.Application.Shipments;
using OrderLedger.Application.Stores;
using OrderLedger.Application.WorkOrders;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application;

/// <summary>
/// The one entry point for commands (API, CLI, reactors, seeding): each goes where its row of <see cref="CommandTable"/>
/// says. Every command carries a <see cref="CommandContext"/> (commandId, actor, business time); repeating a commandId
/// returns the original outcome and appends nothing, unless it comes with another command or payload
/// (<c>command.id-reused</c>). The command is fingerprinted as given, here, before any step enriches it.
/// </summary>
public sealed class CommandService(CommandHandler handler, OrderPlacement placement, ShipmentWorkflow shipments, RefundWorkflow refunds, WarehousePolicy warehouses, WorkOrderWorkflow workOrders)
{
    public CommandHandler Handler => handler;

    public OrderPlacement Placement => placement;

    public ShipmentWorkflow Shipments => shipments;

    public RefundWorkflow Refunds => refunds;

    public WarehousePolicy Warehouses => warehouses;

    public WorkOrderWorkflow WorkOrders => workOrders;

    public Task<CommandOutcome> ExecuteAsync(StoreCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        Dispatch(command, context, cancellationToken);

    public Task<CommandOutcome> ExecuteAsync(StockCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        Dispatch(command, context, cancellationToken);

    public Task<CommandOutcome> ExecuteAsync(OrderCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        Dispatch(command, context, cancellationToken);

    public Task<CommandOutcome> ExecuteAsync(ShipmentCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        Dispatch(command, context, cancellationToken);

    public Task<CommandOutcome> ExecuteAsync(RefundCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        Dispatch(command, context, cancellationToken);

    public Task<CommandOutcome> ExecuteAsync(ConversationCommand command, CommandContext context, CancellationToken cancellationToken = default) =>
        Dispatch(command, context, cancellationToken);

    /// <summary>Dispatches any domain command by its row of <see cref="CommandTable"/>.</summary>
    public Task<CommandOutcome> ExecuteAsync(object command, CommandContext context, CancellationToken cancellationToken = default) =>
        Dispatch(command, context, cancellationToken);

    private Task<CommandOutcome> Dispatch(object command, CommandContext context, CancellationToken cancellationToken) =>
        CommandTable.For(command.GetType()) is { } row
            ? row.Run(this, command, context.WithFingerprintOf(command), cancellationToken)
            : throw new ArgumentException($"{command.GetType().Name} is not a domain command.", nameof(command));
}
