using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Roster;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application;

/// <summary>
/// Where each command goes: command type (or family) → the streams it writes → the decider or workflow that handles it.
/// <see cref="CommandService"/> dispatches through it; a command takes the row of its own type, else of the nearest
/// base record that has one. A test checks that every command type of the domain finds exactly one row, and
/// docs/domain.md shows <see cref="Describe"/>.
/// </summary>
public static class CommandTable
{
    /// <param name="Streams">The streams written, in order (<c>…</c>: the stream named in full on another row).</param>
    /// <param name="Handler">The decider or workflow, and what it does beyond the decider.</param>
    public sealed record Row(Type Command, string Streams, string Handler, Func<CommandService, object, CommandContext, CancellationToken, Task<CommandOutcome>> Run);

    public static IReadOnlyList<Row> Rows { get; } =
    [
        Workflow<SetWarehouses>("warehouse-{warehouseId} then store-{storeId}", "WarehousePolicy (each warehouse belongs to one store)", (s, c, x, t) => s.Warehouses.SetAsync(c, x, t)),
        StepOnly<ClaimReturnTracking>("store-{storeId}", nameof(RecordReturnShipped), "StoreDecider"),
        Workflow<ScanReturn>("store-… then refund-…", "RefundWorkflow (find the refund by its return tracking number, then ReceiveReturn)", (s, c, x, t) => s.Refunds.ScanAsync(c, x, t)),
        Decide<StoreCommand, StoreEvent, StoreState>("store-{storeId}", nameof(StoreDecider), StoreDecider.Decider, c => StreamIds.Store(c.StoreId)),
        StepOnly<ClaimWarehouse>("warehouse-{warehouseId}", nameof(SetWarehouses), "WarehouseDecider"),
        StepOnly<RestockUnits>("stock-{warehouseId}.{sku}", $"{nameof(ReceiveReturnedShipment)} and {nameof(InspectReturn)}", nameof(StockDecider)),
        Decide<StockCommand, StockEvent, StockState>("stock-{warehouseId}.{sku}", nameof(StockDecider), StockDecider.Decider, c => StreamIds.Stock(c.WarehouseId, c.Sku)),
        Workflow<PlaceOrder>("stock-… then order-{orderId}", "OrderPlacement (reserve, record, or reject and release)", (s, c, x, t) => s.Placement.PlaceAsync(c, x, t)),
        Workflow<CancelOrder>("order-… then stock-…", "OrderPlacement.CancelAsync (OrderDecider, then release the open reservations)", (s, c, x, t) => s.Placement.CancelAsync(c, x, t)),
        Workflow<TimeOutPayment>("order-… then stock-…", "OrderPlacement.CancelAsync (same as CancelOrder)", (s, c, x, t) => s.Placement.CancelAsync(c, x, t)),
        Decide<OrderCommand, OrderEvent, OrderState>("order-{orderId}", nameof(OrderDecider), OrderDecider.Decider, c => StreamIds.Order(c.OrderId)),
        Workflow<CreateShipment>("shipment-{shipmentId}", "ShipmentWorkflow (ShipmentChecks.AgainstOrder, then ShipmentDecider)", (s, c, x, t) => s.Shipments.CreateAsync(c, x, t)),
        Workflow<HandOverToCarrier>("shipment-… then stock-… then order-…", "ShipmentWorkflow (commit reservations, record on the order)", (s, c, x, t) => s.Shipments.HandOverAsync(c, x, t)),
        Workflow<InterceptShipment>("shipment-… then order-… then stock-…", "ShipmentWorkflow (record on the order, cancelled when no parcel is left; release the parcel's reservations)",
            (s, c, x, t) => s.Shipments.InterceptAsync(c, x, t)),
        Workflow<AmendShipment>("shipment-… then order-… then stock-…", "ShipmentWorkflow (the order's allocation shrinks, the units taken out are released; taking out all intercepts instead)",
            (s, c, x, t) => s.Shipments.AmendAsync(c, x, t)),
        Workflow<ReceiveReturnedShipment>("shipment-… then order-… then stock-… then refund-…", "ShipmentWorkflow (record on the order, restock, refund by rule unless the store turned it off)",
            (s, c, x, t) => s.Shipments.ReceiveBackAsync(c, x, t)),
        Decide<ShipmentCommand, ShipmentEvent, ShipmentState>("shipment-{shipmentId}", nameof(ShipmentDecider), ShipmentDecider.Decider, c => StreamIds.Shipment(c.ShipmentId)),
        Workflow<RequestRefund>("order-… then refund-…", "RefundWorkflow (claim against what was paid, auto-approval)", (s, c, x, t) => s.Refunds.RequestAsync(c, x, t)),
        Workflow<ApproveRefund>("refund-…", "RefundWorkflow (return addresses from the store, categories from the order)", (s, c, x, t) => s.Refunds.ApproveAsync(c, x, t)),
        Workflow<RejectRefund>("refund-… then order-…", "RefundWorkflow (release the refund's claim)", (s, c, x, t) => s.Refunds.RejectAsync(c, x, t)),
        Workflow<RecordReturnShipped>("store-… then refund-…", "RefundWorkflow (claim the tracking number on the store: one refund per number)", (s, c, x, t) => s.Refunds.RecordReturnShippedAsync(c, x, t)),
        Workflow<InspectReturn>("refund-… then stock-… then refund-…", "RefundWorkflow (a passed return is restocked, and paid when the store pays passed returns)", (s, c, x, t) => s.Refunds.InspectAsync(c, x, t)),
        StepOnly<RefundRefusedDelivery>("refund-{refundId}", nameof(ReceiveReturnedShipment), nameof(RefundDecider)),
        Decide<RefundCommand, RefundEvent, RefundState>("refund-{refundId}", nameof(RefundDecider), RefundDecider.Decider, c => StreamIds.Refund(c.RefundId)),
        Decide<ConversationCommand, ConversationEvent, ConversationState>(
            "conversation-{conversationId}", nameof(ConversationDecider), ConversationDecider.Decider, c => StreamIds.Conversation(c.ConversationId)),
        Decide<RosterCommand, RosterEvent, RosterState>("roster-{storeId}", nameof(RosterDecider), RosterDecider.Decider, c => StreamIds.Roster(c.StoreId)),
        StepOnly<RecordWorkOrderOpened>("conversation-{conversationId}", nameof(OpenWorkOrder), nameof(ConversationWorkOrdersDecider)),
        StepOnly<RecordWorkOrderClosed>("conversation-{conversationId}", nameof(CloseWorkOrder), nameof(ConversationWorkOrdersDecider)),
        Workflow<OpenWorkOrder>("ticket-{ticketId} then conversation-…", "WorkOrderWorkflow (store from the conversation, owner and director from its department)",
            (s, c, x, t) => s.WorkOrders.OpenAsync(c, x, t)),
        Workflow<EscalateWorkOrder>("ticket-…", "WorkOrderWorkflow (to the department's director as the store names it now)", (s, c, x, t) => s.WorkOrders.EscalateAsync(c, x, t)),
        Workflow<CloseWorkOrder>("ticket-… then conversation-…", "WorkOrderWorkflow (the resolution goes back to the conversation)", (s, c, x, t) => s.WorkOrders.CloseAsync(c, x, t)),
        Decide<WorkOrderCommand, TicketEvent, WorkOrderState>("ticket-{ticketId}", nameof(WorkOrderDecider), WorkOrderDecider.Decider, c => StreamIds.Ticket(c.TicketId)),
        Decide<AlertCommand, AlertEvent, AlertsState>("alerts-{storeId}", nameof(AlertsDecider), AlertsDecider.Decider, c => StreamIds.Alerts(c.StoreId)),
    ];

    private static readonly Dictionary<Type, Row> ByType = Rows.ToDictionary(r => r.Command);

    /// <summary>The row of <paramref name="commandType"/>: its own, else its nearest base record's; null for a type that is no command.</summary>
    public static Row? For(Type commandType)
    {
        for (var type = commandType; type is not null; type = type.BaseType)
        {
            if (ByType.TryGetValue(type, out var row))
            {
                return row;
            }
        }

        return null;
    }

    /// <summary>The table as text, one row a line (docs/domain.md shows it).</summary>
    public static string Describe()
    {
        var commandWidth = Rows.Max(r => Name(r).Length);
        var streamsWidth = Rows.Max(r => r.Streams.Length);
        return string.Join('\n', Rows.Select(r => $"{Name(r).PadRight(commandWidth)}  {r.Streams.PadRight(streamsWidth)}  {r.Handler}")) + "\n";
    }

    /// <summary>"other StoreCommand" when some store commands have rows of their own.</summary>
    private static string Name(Row row) =>
        Rows.Any(r => r != row && row.Command.IsAssignableFrom(r.Command)) ? $"other {row.Command.Name}" : row.Command.Name;

    /// <summary>A command that is a step of another command's workflow only; sent on its own it is refused.</summary>
    private static Row StepOnly<TCommand>(string streams, string of, string decider) =>
        new(typeof(TCommand), streams, $"a step of {of} only ({decider})", (_, command, _, _) =>
            throw new ArgumentException($"{command.GetType().Name} is a step of {of}, not a command of its own.", nameof(command)));

    private static Row Workflow<TCommand>(string streams, string handler, Func<CommandService, TCommand, CommandContext, CancellationToken, Task<CommandOutcome>> run) =>
        new(typeof(TCommand), streams, handler, (service, command, context, cancellationToken) => run(service, (TCommand)command, context, cancellationToken));

    private static Row Decide<TCommand, TEvent, TState>(string streams, string handler, Decider<TCommand, TEvent, TState> decider, Func<TCommand, string> streamOf)
        where TEvent : class =>
        new(typeof(TCommand), streams, handler, async (service, command, context, cancellationToken) =>
            CommandOutcome.From(await service.Handler.HandleAsync(decider, streamOf((TCommand)command), (TCommand)command, context, cancellationToken)));
}
