using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Inbox;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Roster;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Domain;

/// <summary>
/// Every domain event and its stable type name. Convention: kebab-case <c>{stream category}-{fact in the past tense}</c>,
/// so a type-prefix filter such as <c>order-</c> selects one aggregate's events. Type names are the public contract:
/// a breaking change to an event gets a new name plus an upcaster registered here for the old one.
/// </summary>
public static class DomainEventTypes
{
    private static readonly EventTypeRegistry Names = CreateRegistry();

    /// <summary>
    /// The type names of these events, from the registry: an event record names itself, a family's base record (e.g.
    /// <see cref="RefundEvent"/>) every event of the family. How a projection declares what it handles.
    /// </summary>
    public static IReadOnlySet<string> NamesOf(params Type[] eventTypes) => Names.NamesOf(eventTypes);

    /// <inheritdoc cref="NamesOf(Type[])"/>
    public static IReadOnlySet<string> NamesOf<TEvent>() => Names.NamesOf(typeof(TEvent));

    /// <summary>A registry that knows every domain event; projections, the API and the CLI use it to encode and decode.</summary>
    public static EventTypeRegistry CreateRegistry() => new EventTypeRegistry()
        // store-…
        .Register("store-registered", DomainJsonContext.Default.StoreRegistered)
        .Register("store-auto-refund-window-set", DomainJsonContext.Default.StoreAutoRefundWindowSet)
        .Register("store-auto-refund-basis-set", DomainJsonContext.Default.StoreAutoRefundBasisSet)
        .Register("store-service-hours-set", DomainJsonContext.Default.StoreServiceHoursSet)
        .Register("store-sla-targets-set", DomainJsonContext.Default.StoreSlaTargetsSet)
        .Register("store-bot-hand-off-set", DomainJsonContext.Default.StoreBotHandOffSet)
        .Register("store-proactive-case-policy-set", DomainJsonContext.Default.StoreProactiveCasePolicySet)
        .Register("store-return-address-set", DomainJsonContext.Default.StoreReturnAddressSet)
        .Register("store-warehouses-set", DomainJsonContext.Default.StoreWarehousesSet)
        .Register("store-return-policy-set", DomainJsonContext.Default.StoreReturnPolicySet)
        .Register("store-return-tracking-claimed", DomainJsonContext.Default.StoreReturnTrackingClaimed)
        .Register("store-vip-rule-set", DomainJsonContext.Default.StoreVipRuleSet)
        .Register("store-customer-member-level-set", DomainJsonContext.Default.StoreCustomerMemberLevelSet)
        .Register("store-priority-sla-targets-set", DomainJsonContext.Default.StorePrioritySlaTargetsSet)
        .Register("store-department-set", DomainJsonContext.Default.StoreDepartmentSet)
        // warehouse-…
        .Register("warehouse-claimed", DomainJsonContext.Default.WarehouseClaimed)
        // stock-…
        .Register("stock-received", DomainJsonContext.Default.StockReceived)
        .Register("stock-reserved", DomainJsonContext.Default.StockReserved)
        .Register("stock-reservation-released", DomainJsonContext.Default.StockReservationReleased)
        .Register("stock-reservation-reduced", DomainJsonContext.Default.StockReservationReduced)
        .Register("stock-reservation-committed", DomainJsonContext.Default.StockReservationCommitted)
        .Register("stock-adjusted", DomainJsonContext.Default.StockAdjusted)
        .Register("stock-restocked", DomainJsonContext.Default.StockRestocked)
        // order-…
        .Register("order-placed", DomainJsonContext.Default.OrderPlaced)
        .Register("order-allocated", DomainJsonContext.Default.OrderAllocated)
        .Register("order-attributed", DomainJsonContext.Default.OrderAttributed)
        .Register("order-rejected", DomainJsonContext.Default.OrderRejected)
        .Register("order-payment-confirmed", DomainJsonContext.Default.OrderPaymentConfirmed)
        .Register("order-payment-failed", DomainJsonContext.Default.OrderPaymentFailed)
        .Register("order-payment-timed-out", DomainJsonContext.Default.OrderPaymentTimedOut)
        .Register("order-cancelled", DomainJsonContext.Default.OrderCancelled)
        .Register("order-shipment-handed-over", DomainJsonContext.Default.OrderShipmentHandedOver)
        .Register("order-shipment-intercepted", DomainJsonContext.Default.OrderShipmentIntercepted)
        .Register("order-completed", DomainJsonContext.Default.OrderCompleted)
        .Register("order-refund-claimed", DomainJsonContext.Default.OrderRefundClaimed)
        .Register("order-refund-claim-released", DomainJsonContext.Default.OrderRefundClaimReleased)
        .Register("order-shipment-amended", DomainJsonContext.Default.OrderShipmentAmended)
        .Register("order-shipment-returned", DomainJsonContext.Default.OrderShipmentReturned)
        // shipment-…
        .Register("shipment-created", DomainJsonContext.Default.ShipmentCreated)
        .Register("shipment-picked", DomainJsonContext.Default.ShipmentPicked)
        .Register("shipment-packed-and-verified", DomainJsonContext.Default.ShipmentPackedAndVerified)
        .Register("shipment-handed-to-carrier", DomainJsonContext.Default.ShipmentHandedToCarrier)
        .Register("shipment-tracking-scanned", DomainJsonContext.Default.ShipmentTrackingScanned)
        .Register("shipment-delivered", DomainJsonContext.Default.ShipmentDelivered)
        .Register("shipment-exception-reported", DomainJsonContext.Default.ShipmentExceptionReported)
        .Register("shipment-intercepted", DomainJsonContext.Default.ShipmentIntercepted)
        .Register("shipment-amended", DomainJsonContext.Default.ShipmentAmended)
        .Register("shipment-returned-to-sender", DomainJsonContext.Default.ShipmentReturnedToSender)
        .Register("shipment-back-at-warehouse", DomainJsonContext.Default.ShipmentBackAtWarehouse)
        // refund-…
        .Register("refund-requested", DomainJsonContext.Default.RefundRequested)
        .Register("refund-approved", DomainJsonContext.Default.RefundApproved)
        .Register("refund-rejected", DomainJsonContext.Default.RefundRejected)
        .Register("refund-return-address-assigned", DomainJsonContext.Default.RefundReturnAddressAssigned)
        .Register("refund-return-shipped", DomainJsonContext.Default.RefundReturnShipped)
        .Register("refund-return-received", DomainJsonContext.Default.RefundReturnReceived)
        .Register("refund-return-inspected", DomainJsonContext.Default.RefundReturnInspected)
        .Register("refund-paid", DomainJsonContext.Default.RefundPaid)
        .Register("refund-dispute-opened", DomainJsonContext.Default.RefundDisputeOpened)
        .Register("refund-dispute-judged", DomainJsonContext.Default.RefundDisputeJudged)
        // conversation-…
        .Register("conversation-started", DomainJsonContext.Default.ConversationStarted)
        .Register("conversation-priority-set", DomainJsonContext.Default.ConversationPrioritySet)
        .Register("conversation-customer-message-received", DomainJsonContext.Default.CustomerMessageReceived)
        .Register("conversation-bot-replied", DomainJsonContext.Default.BotReplied)
        .Register("conversation-handed-off", DomainJsonContext.Default.ConversationHandedOff)
        .Register("conversation-agent-assigned", DomainJsonContext.Default.AgentAssigned)
        .Register("conversation-agent-replied", DomainJsonContext.Default.AgentReplied)
        .Register("conversation-escalated", DomainJsonContext.Default.ConversationEscalated)
        .Register("conversation-escalation-deadline-missed", DomainJsonContext.Default.EscalationDeadlineMissed)
        .Register("conversation-escalation-resolution-written", DomainJsonContext.Default.EscalationResolutionWritten)
        .Register("conversation-resolved", DomainJsonContext.Default.ConversationResolved)
        .Register("conversation-reopened", DomainJsonContext.Default.ConversationReopened)
        .Register("conversation-satisfaction-rated", DomainJsonContext.Default.SatisfactionRated)
        .Register("conversation-nps-survey-sent", DomainJsonContext.Default.NpsSurveySent)
        .Register("conversation-nps-answered", DomainJsonContext.Default.NpsAnswered)
        .Register("conversation-escalation-team-assigned", DomainJsonContext.Default.EscalationTeamAssigned)
        .Register("conversation-classified", DomainJsonContext.Default.ConversationClassified)
        // roster-… (a store's agents: shifts, capacities, ranks, buyer bindings)
        .Register("roster-shift-started", DomainJsonContext.Default.ShiftStarted)
        .Register("roster-shift-ended", DomainJsonContext.Default.ShiftEnded)
        .Register("roster-agent-capacity-set", DomainJsonContext.Default.AgentCapacitySet)
        .Register("roster-agent-rank-set", DomainJsonContext.Default.AgentRankSet)
        .Register("roster-buyer-binding-set", DomainJsonContext.Default.BuyerBindingSet)
        .Register("roster-buyer-bound", DomainJsonContext.Default.BuyerBound)
        .Register("conversation-work-order-opened", DomainJsonContext.Default.ConversationWorkOrderOpened)
        .Register("conversation-work-order-closed", DomainJsonContext.Default.ConversationWorkOrderClosed)
        // ticket-… (work orders)
        .Register("ticket-opened", DomainJsonContext.Default.WorkOrderOpened)
        .Register("ticket-plan-submitted", DomainJsonContext.Default.WorkOrderPlanSubmitted)
        .Register("ticket-escalated", DomainJsonContext.Default.WorkOrderEscalated)
        .Register("ticket-resolved", DomainJsonContext.Default.WorkOrderResolved)
        .Register("ticket-reopened", DomainJsonContext.Default.WorkOrderReopened)
        .Register("ticket-closed", DomainJsonContext.Default.WorkOrderClosed)
        // alerts-…
        .Register("alert-raised", DomainJsonContext.Default.AlertRaised)
        .Register("alert-recovered", DomainJsonContext.Default.AlertRecovered)
        // inbox-… (channel connectors, docs/connectors.md)
        .Register("inbox-notification-received", DomainJsonContext.Default.InboxNotificationReceived);
}
