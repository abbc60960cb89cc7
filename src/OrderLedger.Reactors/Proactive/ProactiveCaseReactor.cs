using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Reactors.Proactive;

/// <summary>
/// The proactive-case reactor (docs/reactors.md, "Proactive cases"): when one of its timers fires
/// (<see cref="TimerKinds.PaidNotShipped"/>, <see cref="TimerKinds.NoTrackingScan"/>, <see cref="TimerKinds.UnreservableLine"/>),
/// it loads the order (and parcel) and the store from their streams, asks <see cref="ProactiveCases"/>
/// whether the facts at the due time still call for a case, and sends the <see cref="StartConversation"/> that opens it
/// through <see cref="CommandService"/>. Decisions are made on the streams, not on the timer rows: an order handed over
/// or cancelled, a parcel delivered or scanned again by then opens nothing.
/// </summary>
public sealed class ProactiveCaseReactor(CommandService commands)
{
    /// <summary>No command: the facts at the due time call for no case.</summary>
    public static CommandOutcome NothingToOpen { get; } = new([], null);

    /// <summary>
    /// The case the timer calls for at <paramref name="at"/>, or null. Loaded once per firing; the dispatcher dates the
    /// command at the timer's due time.
    /// </summary>
    public async Task<StartConversation?> CaseAsync(DueTimer timer, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (timer.Kind == TimerKinds.NoTrackingScan)
        {
            var shipment = await LoadAsync(ShipmentDecider.Decider, StreamIds.Shipment(timer.Subject), cancellationToken);
            return shipment.Status == ShipmentStatus.None
                ? null
                : ProactiveCases.NoTrackingScan(
                    shipment, await LoadAsync(OrderDecider.Decider, StreamIds.Order(shipment.OrderId), cancellationToken), await StoreAsync(shipment.StoreId, cancellationToken), at);
        }

        var order = await LoadAsync(OrderDecider.Decider, StreamIds.Order(timer.Subject), cancellationToken);
        if (order.Status == OrderStatus.None)
        {
            return null;
        }

        var store = await StoreAsync(order.StoreId, cancellationToken);
        return timer.Kind switch
        {
            TimerKinds.PaidNotShipped => ProactiveCases.PaidNotShipped(order, store, at),
            TimerKinds.UnreservableLine => ProactiveCases.UnreservableLine(order, store, at),
            _ => throw new InvalidOperationException($"Timer kind '{timer.Kind}' is no proactive case."),
        };
    }

    private async Task<StoreState> StoreAsync(string storeId, CancellationToken cancellationToken) =>
        await LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken);

    private async Task<TState> LoadAsync<TCommand, TEvent, TState>(Decider<TCommand, TEvent, TState> decider, string streamId, CancellationToken cancellationToken)
        where TEvent : class =>
        (await commands.Handler.LoadAsync(decider, streamId, cancellationToken: cancellationToken)).State;
}
