namespace OrderLedger.Domain.Stores;

/// <summary>
/// A warehouse belongs to one store (stream <c>warehouse-{warehouseId}</c>): the first store to name it in its warehouse
/// policy claims it, and only that store's callers may change its stock. Without an owner, an agent of one store could
/// list another store's warehouse as its own and then correct that store's stock counts.
/// </summary>
public sealed record ClaimWarehouse(string WarehouseId, string StoreId, DateTimeOffset OccurredAt) : IDomainCommand;

/// <summary>
/// A fact on a warehouse's ownership stream, <c>warehouse-{WarehouseId}</c>, naming the store that owns it. Every event of the family carries the id; each event's
/// positional parameter overrides the abstract property, which keeps the JSON as it was (docs/domain.md, "event ids").
/// </summary>
public abstract record WarehouseEvent : IStoreScoped
{
    public abstract string WarehouseId { get; init; }
    public abstract string StoreId { get; init; }
}

public sealed record WarehouseClaimed(string WarehouseId, string StoreId, DateTimeOffset OccurredAt) : WarehouseEvent;

public sealed record WarehouseState(string WarehouseId, string StoreId) : IStoreScoped
{
    public static WarehouseState Initial { get; } = new("", "");

    public bool IsClaimed => StoreId.Length > 0;
}

public static class WarehouseDecider
{
    public const string TakenRule = "store.warehouse-taken";

    public static Decider<ClaimWarehouse, WarehouseEvent, WarehouseState> Decider { get; } = new(Decide, Evolve, WarehouseState.Initial);

    public static Decision<WarehouseEvent> Decide(ClaimWarehouse command, WarehouseState state) => state switch
    {
        { IsClaimed: false } => new WarehouseClaimed(command.WarehouseId, command.StoreId, command.OccurredAt),
        _ when state.StoreId == command.StoreId => Decision<WarehouseEvent>.Nothing,
        // The owner is not named: the caller may not see that store.
        _ => Taken(command.WarehouseId),
    };

    public static WarehouseState Evolve(WarehouseState state, WarehouseEvent @event) => @event switch
    {
        WarehouseClaimed e when !state.IsClaimed => new WarehouseState(e.WarehouseId, e.StoreId),
        _ => state,
    };

    /// <summary>
    /// Null when the store may claim every warehouse its policy names: none belongs to another store. The owners are
    /// other aggregates' states (<c>warehouse-{id}</c>), loaded by the warehouse policy before it appends anything.
    /// </summary>
    public static DomainError? CheckOwners(SetWarehouses command, IEnumerable<WarehouseState> owners) =>
        owners.FirstOrDefault(owner => owner.IsClaimed && owner.StoreId != command.StoreId) is { } taken ? Taken(taken.WarehouseId) : null;

    public static DomainError Taken(string warehouseId) =>
        DomainError.Conflict(TakenRule, $"Warehouse {warehouseId} belongs to another store; a warehouse ships for one store only.");
}
