using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.Stores;

/// <summary>
/// A store's warehouse policy, where each warehouse belongs to one store: the policy claims every warehouse it names
/// (stream <c>warehouse-{id}</c>) before it is recorded, and a warehouse another store claimed is refused with 409
/// <c>store.warehouse-taken</c>. Everything is checked before anything is appended, so a refused policy appends
/// nothing; only a race with another store claiming the same warehouse in between can leave this store's earlier
/// claims behind, and those name warehouses it asked for. A claim is kept when a later policy drops the warehouse.
/// </summary>
public sealed class WarehousePolicy(CommandHandler handler)
{
    public async Task<CommandOutcome> SetAsync(SetWarehouses command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var storeStream = StreamIds.Store(command.StoreId);
        var store = await handler.LoadAsync(StoreDecider.Decider, storeStream, context.CommandId, cancellationToken);
        if (CommandFingerprints.Reused(context, store.OriginalCommand) is { } reused)
        {
            return new CommandOutcome([], reused);
        }

        var firstTime = store.EventsOfCommand.Count == 0;
        if (((firstTime ? StoreDecider.Decide(command, store.State).Error : null)
             ?? await CheckClaimsAsync(command, cancellationToken)
             ?? (firstTime ? await handler.CheckIdUnusedElsewhereAsync(storeStream, context, command.StoreId, cancellationToken) : null)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var changes = new List<StreamChange>();
        foreach (var warehouse in command.Warehouses)
        {
            var claim = await handler.HandleAsync(
                WarehouseDecider.Decider,
                StreamIds.Warehouse(warehouse.WarehouseId),
                new ClaimWarehouse(warehouse.WarehouseId, command.StoreId, command.OccurredAt),
                context.Step($"claim/{warehouse.WarehouseId}"),
                cancellationToken);
            changes.Add(claim.Change);
            if (!claim.IsSuccess)
            {
                return new CommandOutcome(changes, claim.Error);
            }
        }

        var set = await handler.HandleAsync(StoreDecider.Decider, storeStream, command, context, cancellationToken);
        return new CommandOutcome([.. changes, set.Change], set.Error);
    }

    private async Task<DomainError?> CheckClaimsAsync(SetWarehouses command, CancellationToken cancellationToken)
    {
        var owners = new List<WarehouseState>();
        foreach (var warehouse in command.Warehouses)
        {
            owners.Add((await handler.LoadAsync(WarehouseDecider.Decider, StreamIds.Warehouse(warehouse.WarehouseId), cancellationToken: cancellationToken)).State);
        }

        return WarehouseDecider.CheckOwners(command, owners);
    }
}
