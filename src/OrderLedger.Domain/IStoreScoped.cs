namespace OrderLedger.Domain;

/// <summary>
/// Belongs to one store. On an aggregate's state, the command handler copies the store id into every event's metadata
/// (brief §2), so store-level projections need not look it up. On an event, the event itself names its store: every store
/// and warehouse event, and the event that starts an order, parcel, refund or conversation. Stock is shared by stores
/// and is not scoped.
/// </summary>
public interface IStoreScoped
{
    string StoreId { get; }
}
