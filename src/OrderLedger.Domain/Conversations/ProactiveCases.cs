using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Domain.Conversations;

/// <summary>
/// Service cases the system opens before the customer complains (docs/domain.md, "Proactive cases"): whether the facts,
/// as the streams have them when the proactive-case timer fires, still call for the case, and the
/// <see cref="StartConversation"/> that opens it. Null: nothing to open (the order shipped, was cancelled, the parcel
/// moved, the store turned the rule off). Pure: the reactor loads the states and sends the command.
/// </summary>
public static class ProactiveCases
{
    /// <summary>The channel of a case the system opened: no bot answers it, so it starts in human mode.</summary>
    public const string Channel = "proactive";

    /// <summary>
    /// One case per reason and order (or parcel), whatever fires it how often: a replayed or duplicate timer starts the
    /// same conversation, which records nothing the second time.
    /// </summary>
    public static string ConversationId(ProactiveReason reason, string subject) => $"proactive.{Name(reason)}.{subject}";

    /// <summary>The reason's name in ids and read models: <c>paid-not-shipped</c>, <c>no-tracking-scan</c>, <c>unreservable-line</c>.</summary>
    public static string Name(ProactiveReason reason) => reason switch
    {
        ProactiveReason.PaidNotShipped => "paid-not-shipped",
        ProactiveReason.NoTrackingScan => "no-tracking-scan",
        ProactiveReason.UnreservableLine => "unreservable-line",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown proactive reason."),
    };

    /// <summary>Paid, no parcel handed to the carrier, and the store's shipping promise (hours from the payment) passed at <paramref name="at"/>.</summary>
    public static StartConversation? PaidNotShipped(OrderState order, StoreState store, DateTimeOffset at) =>
        order is { Status: OrderStatus.Paid, PaidAt: { } paidAt, AnyHandedOver: false }
        && paidAt.AddHours(store.ProactiveCases.ShipWithinHours) <= at
            ? Open(ProactiveReason.PaidNotShipped, order.OrderId, order, at)
            : null;

    /// <summary>With the carrier (not delivered, not sent back), and no movement for the store's hours at <paramref name="at"/>.</summary>
    public static StartConversation? NoTrackingScan(ShipmentState shipment, OrderState order, StoreState store, DateTimeOffset at) =>
        shipment is { Status: ShipmentStatus.HandedToCarrier, LastMovementAt: { } moved }
        && moved.AddHours(store.ProactiveCases.NoScanHours) <= at
        && order.IsPlaced
            ? Open(ProactiveReason.NoTrackingScan, shipment.ShipmentId, order, at)
            : null;

    /// <summary>Rejected because a line could not be reserved, in a store that opens cases for it.</summary>
    public static StartConversation? UnreservableLine(OrderState order, StoreState store, DateTimeOffset at) =>
        order is { Status: OrderStatus.Rejected, RejectedFor: RejectionReason.OutOfStock } && store.ProactiveCases.OnUnreservableLine
            ? Open(ProactiveReason.UnreservableLine, order.OrderId, order, at)
            : null;

    /// <summary>
    /// Started for the order's customer, about the order, in human mode (unassigned: the assignment reactor routes it),
    /// marked with its reason. No other contact is looked up: a case the system opens is no repeat contact.
    /// </summary>
    private static StartConversation Open(ProactiveReason reason, string subject, OrderState order, DateTimeOffset at) =>
        new(ConversationId(reason, subject), order.StoreId, order.CustomerId, Channel, order.OrderId, BotEnabled: false, [], at)
        {
            ProactiveReason = reason,
        };
}
