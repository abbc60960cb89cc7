using OrderLedger.Domain.Stores;

namespace OrderLedger.Domain.Orders;

/// <summary>
/// What a placement must meet against its store before any stock is reserved. The store's stream is another
/// aggregate, so <see cref="OrderDecider"/> cannot see it; the placement loads it and asks here.
/// </summary>
public static class PlacementChecks
{
    /// <summary>Null when the store takes the order: it is registered and sells in the order's currency.</summary>
    public static DomainError? AgainstStore(PlaceOrder command, StoreState store) => store switch
    {
        { Registered: false } => DomainError.Conflict("store.not-registered", $"Store {command.StoreId} is not registered."),
        _ when store.Currency != command.Currency =>
            DomainError.Invalid("order.currency-mismatch", $"Store {command.StoreId} sells in {store.Currency}, not {command.Currency}."),
        _ => null,
    };
}
