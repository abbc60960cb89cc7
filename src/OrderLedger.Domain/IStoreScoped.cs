namespace OrderLedger.Domain;

/// <summary>
/// State of an aggregate that belongs to one store. The command handler copies the store id into every event's
/// metadata (brief §2), so store-level projections need not look it up. Stock is shared by stores and is not scoped.
/// </summary>
public interface IStoreScoped
{
    string StoreId { get; }
}
