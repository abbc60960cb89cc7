using System.Security.Claims;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Roster;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Store isolation for commands: a caller changes only the stores in its token. The store of a command is the one it
/// names (register a store, place an order, start a conversation…) and the store of every existing stream it touches
/// (read from the stream's first event). An aggregate of another store, or one that does not exist, answers 404, so a
/// caller cannot tell the two apart. A stock command acts on a warehouse, which belongs to the store that claimed it in
/// its warehouse policy (<c>warehouse-{id}</c>): the caller must see that store, and a store the body names must be it.
/// A warehouse nobody claimed yet (a policy set before claims existed) falls back to the named store's policy.
/// </summary>
public sealed class CommandOwnership(IEventStore store, CommandHandler handler)
{
    private sealed record Scope(string? ClaimedStoreId, string? PrimaryStream, bool PrimaryMayBeNew, params string[] Related);

    public async Task<IResult?> CheckAsync(object command, string? claimedStoreId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (command is StockCommand stock)
        {
            return await CheckStockAsync(stock, claimedStoreId, user, cancellationToken);
        }

        var scope = ScopeOf(command);
        if (scope.ClaimedStoreId == AccessTokens.AllStores)
        {
            return ApiProblems.Invalid("storeId", $"'{AccessTokens.AllStores}' is not a store id.");
        }

        if (scope.ClaimedStoreId is { } claimed && !user.CanSee(claimed))
        {
            return ApiProblems.NotFound($"Store '{claimed}'");
        }

        if (scope.PrimaryStream is { } primary)
        {
            var owner = await StoreOfAsync(primary, cancellationToken);
            if (owner.Exists ? !user.CanSee(owner.StoreId) : !scope.PrimaryMayBeNew)
            {
                return ApiProblems.NotFound($"'{primary}'");
            }

            if (owner.Exists && scope.ClaimedStoreId is { } named && owner.StoreId != named)
            {
                return ApiProblems.Invalid("storeId", $"'{primary}' belongs to another store.");
            }
        }

        foreach (var related in scope.Related)
        {
            var owner = await StoreOfAsync(related, cancellationToken);
            if (owner.Exists && !user.CanSee(owner.StoreId))
            {
                return ApiProblems.NotFound($"'{related}'");
            }

            if (owner.Exists && scope.ClaimedStoreId is { } named && owner.StoreId != named)
            {
                return ApiProblems.Invalid("storeId", $"'{related}' belongs to another store.");
            }
        }

        return null;
    }

    private static Scope ScopeOf(object command) => command switch
    {
        StoreCommand c => new(c.StoreId, null, true),
        RosterCommand c => new(c.StoreId, null, true),
        PlaceOrder c => new(c.StoreId, StreamIds.Order(c.OrderId), true),
        OrderCommand c => new(null, StreamIds.Order(c.OrderId), false),
        CreateShipment c => new(c.StoreId, StreamIds.Shipment(c.ShipmentId), true, StreamIds.Order(c.OrderId)),
        ShipmentCommand c => new(null, StreamIds.Shipment(c.ShipmentId), false),
        RequestRefund c => new(c.StoreId, StreamIds.Refund(c.RefundId), true, StreamIds.Order(c.OrderId)),
        RefundCommand c => new(null, StreamIds.Refund(c.RefundId), false),
        StartConversation c => new(c.StoreId, StreamIds.Conversation(c.ConversationId), true, c.OrderId is { Length: > 0 } order ? [StreamIds.Order(order)] : []),
        ConversationCommand c => new(null, StreamIds.Conversation(c.ConversationId), false),
        // The work order takes the conversation's store: a conversation of another store is not there for the caller.
        OpenWorkOrder c => new(null, StreamIds.Ticket(c.TicketId), true, StreamIds.Conversation(c.ConversationId)),
        WorkOrderCommand c => new(null, StreamIds.Ticket(c.TicketId), false),
        _ => throw new ArgumentException($"{command.GetType().Name} has no store scope.", nameof(command)),
    };

    private async Task<IResult?> CheckStockAsync(StockCommand command, string? storeId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (storeId == AccessTokens.AllStores)
        {
            return ApiProblems.Invalid("storeId", $"'{AccessTokens.AllStores}' is not a store id.");
        }

        var allStores = user.CanSee(AccessTokens.AllStores);
        if (storeId is null && !allStores)
        {
            // The named store also scopes the command id (EventIds.Of), as an aggregate's store does.
            return ApiProblems.Invalid("storeId", "Name the store whose warehouse this is.");
        }

        var notFound = ApiProblems.NotFound($"Warehouse '{command.WarehouseId}' of store '{storeId}'");
        var owner = await StoreOfAsync(StreamIds.Warehouse(command.WarehouseId), cancellationToken);
        if (owner.Exists)
        {
            return user.CanSee(owner.StoreId) && (storeId is null || storeId == owner.StoreId) ? null : notFound;
        }

        if (storeId is null)
        {
            return null;
        }

        var ofStore = storeId is { Length: > 0 } && user.CanSee(storeId)
            ? (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken: cancellationToken)).State
            : null;
        return ofStore is not null && ofStore.Warehouses.Any(w => w.WarehouseId == command.WarehouseId) ? null : notFound;
    }

    private async Task<(bool Exists, string? StoreId)> StoreOfAsync(string streamId, CancellationToken cancellationToken)
    {
        var first = await store.ReadStreamAsync(streamId, new StreamReadOptions(ReadDirection.Forwards, null, 1), cancellationToken).FirstOrDefaultAsync(cancellationToken);
        return first is null ? (false, null) : (true, EventCodec.DecodeMetadata(first.Metadata)?.StoreId);
    }
}
