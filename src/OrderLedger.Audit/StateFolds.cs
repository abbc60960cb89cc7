using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;

namespace OrderLedger.Audit;

/// <summary>The decider's own evolve function for a stream's category, so a replay shows exactly the state the domain sees.</summary>
public sealed record StateFold(object Initial, Func<object, object, object> Evolve)
{
    public static StateFold? ForStream(string streamId) => StreamCategory.Of(streamId) switch
    {
        "store" => Of(StoreDecider.Decider.Initial, StoreDecider.Decider.Evolve),
        "order" => Of(OrderDecider.Decider.Initial, OrderDecider.Decider.Evolve),
        "stock" => Of(StockDecider.Decider.Initial, StockDecider.Decider.Evolve),
        "shipment" => Of(ShipmentDecider.Decider.Initial, ShipmentDecider.Decider.Evolve),
        "refund" => Of(RefundDecider.Decider.Initial, RefundDecider.Decider.Evolve),
        "conversation" => Of(ConversationDecider.Decider.Initial, ConversationDecider.Decider.Evolve),
        _ => null,
    };

    private static StateFold Of<TState, TEvent>(TState initial, Func<TState, TEvent, TState> evolve)
        where TState : notnull
        where TEvent : class =>
        new(initial, (state, e) => e is TEvent typed ? evolve((TState)state, typed)! : state);
}
