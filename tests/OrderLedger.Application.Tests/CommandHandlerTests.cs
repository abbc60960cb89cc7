using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Audit;
using OrderLedger.EventStore.Serialization;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

public class CommandHandlerTests(Ledger ledger) : IClassFixture<Ledger>
{
    [Fact]
    public async Task Each_appended_event_chains_its_hash_to_the_previous_one()
    {
        var app = ledger.App();
        var storeId = await app.StoreAsync((Id("WH"), "SH"));
        await app.Commands.ExecuteAsync(new SetServiceHours(storeId, new TimeOnly(9, 0), new TimeOnly(21, 0), "Asia/Shanghai", T0), Ctx(T0));

        var events = await ledger.ReadAsync(StreamIds.Store(storeId));

        Assert.Equal(4, events.Count);
        Assert.Null(HashChain.FindFirstBreak(events));
        var metadata = events.Select(e => EventCodec.DecodeMetadata(e.Metadata)!).ToList();
        Assert.Equal(HashChain.GenesisHash, metadata[0].PrevHash);
        for (var i = 1; i < metadata.Count; i++)
        {
            Assert.Equal(metadata[i - 1].Hash, metadata[i].PrevHash);
        }
    }

    [Fact]
    public async Task A_retried_command_returns_the_original_outcome_and_appends_nothing()
    {
        var app = ledger.App();
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));
        var context = Ctx(T0, commandId: "receive-" + warehouse);

        var first = await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 5, T0), context);
        var retry = await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 5, T0), context);

        Assert.False(first.AlreadyProcessed);
        Assert.True(retry.AlreadyProcessed);
        Assert.Equal(first.Events, retry.Events);
        Assert.Single(await ledger.ReadAsync(StreamIds.Stock(warehouse, sku)));
        Assert.Equal(5, (await app.StockAsync(warehouse, sku)).OnHand);
    }

    [Fact]
    public async Task After_a_concurrency_conflict_the_command_is_decided_again_against_the_new_state()
    {
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));
        var other = ledger.App();
        await other.ReceiveAsync(warehouse, sku, 10);
        var interfered = false;
        var store = new InterferingStore(ledger.Store, s => s == StreamIds.Stock(warehouse, sku), async (_, _) =>
        {
            if (!interfered)
            {
                interfered = true;
                await other.Commands.ExecuteAsync(new ReserveStock(warehouse, sku, "o-other", 8, T0), Ctx(T0));
            }
        });

        var outcome = await ledger.App(store).Commands.ExecuteAsync(new ReserveStock(warehouse, sku, "o-mine", 5, T0), Ctx(T0));

        Assert.Equal("stock.insufficient", outcome.Error?.Rule);
        Assert.Equal(new LineFault(sku, 5, 2, "insufficient-stock"), Assert.Single(outcome.Error!.Lines!));
        Assert.Equal(8, (await other.StockAsync(warehouse, sku)).Reserved);
    }

    [Fact]
    public async Task Retries_are_bounded_and_end_in_a_clear_conflict_error()
    {
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));
        var other = ledger.App();
        var store = new InterferingStore(ledger.Store, s => s == StreamIds.Stock(warehouse, sku), (_, _) => other.ReceiveAsync(warehouse, sku, 1));

        var outcome = await ledger.App(store, options: new CommandHandlerOptions { MaxAttempts = 3 })
            .Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 100, T0), Ctx(T0));

        Assert.Equal(CommandHandler.ConflictRule, outcome.Error?.Rule);
        Assert.Equal(3, store.Interferences);
        Assert.Equal(3, (await other.StockAsync(warehouse, sku)).OnHand);
    }

    [Fact]
    public async Task Parallel_writers_to_one_stream_lose_nothing_and_keep_the_chain_intact()
    {
        var app = ledger.App();
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 1, T0), Ctx(T0))));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(20, (await app.StockAsync(warehouse, sku)).OnHand);
        var events = await ledger.ReadAsync(StreamIds.Stock(warehouse, sku));
        Assert.Equal(20, events.Count);
        Assert.Null(HashChain.FindFirstBreak(events));
    }

    [Fact]
    public async Task Event_metadata_carries_the_store_id_the_command_context_and_the_command_business_time()
    {
        var app = ledger.App();
        var storeId = await app.StoreAsync((Id("WH"), "SH"));
        var conversationId = Id("cv-");
        // The context's time is ignored: business time comes from the command.
        var context = new CommandContext("cmd-" + conversationId, new Actor(ActorKind.Customer, "c-9"), T0, CorrelationId: "corr-1");

        await app.Commands.ExecuteAsync(new Domain.Conversations.StartConversation(conversationId, storeId, "c-9", "web", null, true, [], T0.AddMinutes(5)), context);
        await app.Commands.ExecuteAsync(new Domain.Conversations.ReceiveCustomerMessage(conversationId, "m-1", "hi", T0.AddMinutes(6)), Ctx(T0.AddMinutes(6)));

        var metadata = (await ledger.ReadAsync(StreamIds.Conversation(conversationId))).Select(e => EventCodec.DecodeMetadata(e.Metadata)!).ToList();
        Assert.All(metadata, m => Assert.Equal(storeId, m.StoreId));
        Assert.Equal(("cmd-" + conversationId, "corr-1", "customer:c-9", T0.AddMinutes(5)), (metadata[0].CommandId, metadata[0].CorrelationId, metadata[0].Actor.ToString(), metadata[0].OccurredAt));
    }

    [Fact]
    public async Task A_command_id_reused_for_another_stream_is_refused_clearly()
    {
        var app = ledger.App();
        var context = Ctx(T0, commandId: "reused-" + Id("c"));
        Assert.Null((await app.Commands.ExecuteAsync(new ReceiveStock(Id("WH"), "SKU-1", 1, T0), context)).Error);

        var outcome = await app.Commands.ExecuteAsync(new ReceiveStock(Id("WH"), "SKU-1", 1, T0), context);

        Assert.Equal(CommandHandler.CommandIdReusedRule, outcome.Error?.Rule);
    }

    [Fact]
    public async Task A_command_id_reused_on_the_same_stream_with_another_payload_is_refused_naming_the_original()
    {
        var app = ledger.App();
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));
        var context = Ctx(T0, commandId: "receive-" + warehouse);
        Assert.Null((await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 5, T0), context)).Error);

        var otherQuantity = await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 6, T0), context);
        var otherCommand = await app.Commands.ExecuteAsync(new AdjustStock(warehouse, sku, 0, "count", T0), context);
        var laterRetry = await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 5, T0.AddMinutes(1)), context);

        Assert.Equal(CommandHandler.CommandIdReusedRule, otherQuantity.Error?.Rule);
        Assert.Contains(nameof(ReceiveStock), otherQuantity.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(CommandHandler.CommandIdReusedRule, otherCommand.Error?.Rule);
        Assert.True(laterRetry.AlreadyProcessed, "business time is no part of a command's identity");
        Assert.Single(await ledger.ReadAsync(StreamIds.Stock(warehouse, sku)));
    }

    [Fact]
    public async Task A_multi_stream_command_reused_with_another_payload_appends_nothing_anywhere()
    {
        var app = ledger.App();
        var storeId = await app.StoreAsync((Id("WH"), "SH"));
        var context = Ctx(T0, commandId: "hours-" + storeId);
        var (first, second) = (Id("WH"), Id("WH"));
        Assert.Null((await app.Commands.ExecuteAsync(new SetWarehouses(storeId, [new WarehouseRegions(first, ["SH"])], T0), context)).Error);

        var reused = await app.Commands.ExecuteAsync(new SetWarehouses(storeId, [new WarehouseRegions(second, ["SH"])], T0), context);

        Assert.Equal(CommandHandler.CommandIdReusedRule, reused.Error?.Rule);
        Assert.Empty(await ledger.ReadAsync(StreamIds.Warehouse(second)));
    }

    [Fact]
    public async Task A_warehouse_another_store_claimed_is_refused_and_nothing_is_appended()
    {
        var app = ledger.App();
        var warehouse = Id("WH");
        await app.StoreAsync((warehouse, "SH"));
        var other = await app.StoreAsync((Id("WH"), "SH"));
        var fresh = Id("WH");
        var before = (await ledger.ReadAsync(StreamIds.Store(other))).Count;

        var outcome = await app.Commands.ExecuteAsync(new SetWarehouses(other, [new WarehouseRegions(fresh, ["SH"]), new WarehouseRegions(warehouse, ["BJ"])], T0), Ctx(T0));

        Assert.Equal(WarehouseDecider.TakenRule, outcome.Error?.Rule);
        Assert.Equal(before, (await ledger.ReadAsync(StreamIds.Store(other))).Count);
        Assert.Empty(await ledger.ReadAsync(StreamIds.Warehouse(fresh)));
    }

    [Fact]
    public async Task A_rejected_command_appends_nothing()
    {
        var app = ledger.App();
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));
        await app.ReceiveAsync(warehouse, sku, 1);

        var outcome = await app.Commands.ExecuteAsync(new ReserveStock(warehouse, sku, "o-1", 2, T0), Ctx(T0));

        Assert.True(outcome.Error?.Rule == "stock.insufficient", string.Join("; ", outcome.Changes.Select(c => c.StreamId + ": " + string.Join(", ", c.Events))));
        Assert.Single(await ledger.ReadAsync(StreamIds.Stock(warehouse, sku)));
    }
}
