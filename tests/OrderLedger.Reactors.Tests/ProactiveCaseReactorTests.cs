using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Roster;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;
using OrderLedger.ReadModels;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// The proactive-case reactor through the commands, the timers projection and the real dispatcher: an order paid and
/// not shipped within the store's promise, a parcel without a scan, an order line that cannot be reserved each open one
/// case for the customer, dated at the due time; what is settled by then opens nothing.
/// </summary>
public sealed class ProactiveCaseReactorTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset PaidAt = T0.AddMinutes(2);

    private static async Task<PlaceOrder> PaidAsync(ReactorHost host, string store, string sku)
    {
        var order = Order(store, sku);
        await host.Do(order, T0);
        await host.Do(new ConfirmPayment(order.OrderId, 50m, "CNY", "pay-1", PaidAt), PaidAt);
        return order;
    }

    private static async Task<(PlaceOrder Order, string Warehouse, string Sku)> PaidInNewStoreAsync(ReactorHost host)
    {
        var (store, warehouse, sku) = await host.StoreWithStockAsync();
        return (await PaidAsync(host, store, sku), warehouse, sku);
    }

    private static async Task<string> HandedOverAsync(ReactorHost host, PlaceOrder order, string warehouse, string sku, DateTimeOffset at)
    {
        var shipmentId = Id("sh-");
        await host.Do(new CreateShipment(shipmentId, order.OrderId, order.StoreId, warehouse, [new ShipmentLine(sku, 2, "BC-" + sku)], Shanghai, at), at);
        await host.Do(new RecordPicked(shipmentId, "picker-1", at), at);
        await host.Do(new PackAndVerify(shipmentId, ["BC-" + sku, "BC-" + sku], 400, "packer-1", at), at);
        await host.Do(new HandOverToCarrier(shipmentId, "SF", "SF-" + shipmentId, at), at);
        return shipmentId;
    }

    private static async Task<ConversationStarted> StartedAsync(ReactorHost host, string conversationId)
    {
        await host.EventuallyHasAsync($"conversation-{conversationId}", "conversation-started");
        var started = (await host.EventsAsync($"conversation-{conversationId}")).Single();
        Assert.Equal(started.Metadata!.OccurredAt, ((ConversationStarted)started.Event).OccurredAt);
        return (ConversationStarted)started.Event;
    }

    [Fact]
    public async Task A_paid_order_not_handed_over_within_the_store_s_promise_opens_one_case_dated_at_the_promise()
    {
        await using var host = await StartAsync(database, new ManualClock(T0));
        var (store, _, sku) = await host.StoreWithStockAsync();
        await host.Do(new SetProactiveCasePolicy(store, 24, 48, true, T0.AddDays(-1)), T0.AddDays(-1));
        var order = await PaidAsync(host, store, sku);
        var due = PaidAt.AddHours(24);
        await host.WaitForTimerDueAsync(TimerKinds.PaidNotShipped, order.OrderId, due);

        host.Clock.Set(due.AddTicks(-1));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.DispatchedAsync(order.OrderId));

        host.Clock.Set(due.AddHours(3));
        var caseId = ProactiveCases.ConversationId(ProactiveReason.PaidNotShipped, order.OrderId);
        var started = await StartedAsync(host, caseId);
        Assert.Equal(
            (store, "c-1", order.OrderId, ConversationMode.Human, ProactiveReason.PaidNotShipped, due),
            (started.StoreId, started.CustomerId, started.OrderId, started.Mode, started.ProactiveReason, started.OccurredAt));

        // A duplicate firing (another host, a retry) starts the same conversation and records nothing more.
        var again = await host.Commands.ExecuteAsync(
            new StartConversation(caseId, store, "c-1", ProactiveCases.Channel, order.OrderId, false, [], due.AddHours(1)) { ProactiveReason = ProactiveReason.PaidNotShipped },
            Ctx(due.AddHours(1), "another-firing"));
        Assert.Null(again.Error);
        Assert.Single(await host.EventsAsync($"conversation-{caseId}"));
    }

    [Fact]
    public async Task An_order_handed_over_or_cancelled_in_time_opens_nothing()
    {
        await using var host = await StartAsync(database, new ManualClock(T0));
        var (store, warehouse, sku) = await host.StoreWithStockAsync();
        var shipped = await PaidAsync(host, store, sku);
        var cancelled = await PaidAsync(host, store, sku);
        await host.WaitForTimerAsync(TimerKinds.PaidNotShipped, shipped.OrderId);
        await host.WaitForTimerAsync(TimerKinds.PaidNotShipped, cancelled.OrderId);

        await HandedOverAsync(host, shipped, warehouse, sku, T0.AddHours(5));
        await host.Do(new CancelOrder(cancelled.OrderId, "customer asked", T0.AddHours(5)), T0.AddHours(5));
        await host.WaitForNoTimerAsync(TimerKinds.PaidNotShipped, shipped.OrderId);
        await host.WaitForNoTimerAsync(TimerKinds.PaidNotShipped, cancelled.OrderId);

        host.Clock.Set(PaidAt.AddDays(3));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.TypesAsync($"conversation-{ProactiveCases.ConversationId(ProactiveReason.PaidNotShipped, shipped.OrderId)}"));
        Assert.Empty(await host.TypesAsync($"conversation-{ProactiveCases.ConversationId(ProactiveReason.PaidNotShipped, cancelled.OrderId)}"));
    }

    [Fact]
    public async Task A_parcel_without_a_scan_opens_a_case_and_each_scan_restarts_the_hours()
    {
        await using var host = await StartAsync(database, new ManualClock(T0));
        var (order, warehouse, sku) = await PaidInNewStoreAsync(host);
        var handedOverAt = T0.AddHours(5);
        var shipmentId = await HandedOverAsync(host, order, warehouse, sku, handedOverAt);
        var scannedAt = handedOverAt.AddHours(40);
        await host.Do(new RecordTrackingScan(shipmentId, "Shanghai hub", "in-transit", scannedAt), scannedAt);
        var due = scannedAt.AddHours(ProactiveCasePolicy.Default.NoScanHours);
        await host.WaitForTimerDueAsync(TimerKinds.NoTrackingScan, shipmentId, due);

        host.Clock.Set(due.AddTicks(-1));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.DispatchedAsync(shipmentId));

        host.Clock.Set(due);
        var started = await StartedAsync(host, ProactiveCases.ConversationId(ProactiveReason.NoTrackingScan, shipmentId));
        Assert.Equal((order.OrderId, ProactiveReason.NoTrackingScan, due), (started.OrderId, started.ProactiveReason, started.OccurredAt));
    }

    [Fact]
    public async Task A_delivered_parcel_opens_nothing()
    {
        await using var host = await StartAsync(database, new ManualClock(T0));
        var (order, warehouse, sku) = await PaidInNewStoreAsync(host);
        var shipmentId = await HandedOverAsync(host, order, warehouse, sku, T0.AddHours(5));
        await host.WaitForTimerAsync(TimerKinds.NoTrackingScan, shipmentId);

        await host.Do(new MarkDelivered(shipmentId, T0.AddHours(30)), T0.AddHours(30));
        await host.WaitForNoTimerAsync(TimerKinds.NoTrackingScan, shipmentId);
        host.Clock.Set(T0.AddDays(5));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.TypesAsync($"conversation-{ProactiveCases.ConversationId(ProactiveReason.NoTrackingScan, shipmentId)}"));
    }

    [Fact]
    public async Task An_order_rejected_for_a_line_that_cannot_be_reserved_opens_a_case_unless_the_store_turned_it_off()
    {
        await using var host = await StartAsync(database, new ManualClock(T0));
        var (store, _, sku) = await host.StoreWithStockAsync();
        var tooMany = Order(store, sku, quantity: 11);
        Assert.Equal("order.out-of-stock", (await host.Commands.ExecuteAsync(tooMany, Ctx(T0))).Error?.Rule);

        var started = await StartedAsync(host, ProactiveCases.ConversationId(ProactiveReason.UnreservableLine, tooMany.OrderId));
        Assert.Equal((ConversationMode.Human, ProactiveReason.UnreservableLine, T0), (started.Mode, started.ProactiveReason, started.OccurredAt));

        var (quiet, _, quietSku) = await host.StoreWithStockAsync();
        await host.Do(new SetProactiveCasePolicy(quiet, 48, 48, false, T0.AddDays(-1)), T0.AddDays(-1));
        var refused = Order(quiet, quietSku, quantity: 11);
        Assert.Equal("order.out-of-stock", (await host.Commands.ExecuteAsync(refused, Ctx(T0))).Error?.Rule);
        await Eventually.Get(() => host.DispatchedAsync(refused.OrderId), d => d.Count == 1, because: "the unreservable-line timer fired");
        Assert.Equal("not needed", (await host.DispatchedAsync(refused.OrderId)).Single().Outcome);
        Assert.Empty(await host.TypesAsync($"conversation-{ProactiveCases.ConversationId(ProactiveReason.UnreservableLine, refused.OrderId)}"));
    }

    [Fact]
    public async Task A_case_is_routed_to_the_agent_on_shift_and_the_read_models_show_why_it_was_opened()
    {
        await using var host = await StartWithAssignmentAsync(database, new ManualClock(T0));
        var (store, _, sku) = await host.StoreWithStockAsync();
        await host.Do(new StartShift(store, "ann", "ann", T0.AddMinutes(-5)), T0.AddMinutes(-5), new Actor(ActorKind.Agent, "ann"));
        var tooMany = Order(store, sku, quantity: 11);
        Assert.Equal("order.out-of-stock", (await host.Commands.ExecuteAsync(tooMany, Ctx(T0))).Error?.Rule);
        var caseId = ProactiveCases.ConversationId(ProactiveReason.UnreservableLine, tooMany.OrderId);

        await host.EventuallyHasAsync($"conversation-{caseId}", "conversation-agent-assigned");
        var conversations = new ConversationQueries(database.DataSource);
        var summary = await Eventually.Get(() => conversations.GetAsync(caseId), c => c?.AssignedAgent == "ann", because: "the case in the conversations read model");
        var timeline = new CustomerTimelineQueries(database.DataSource);
        var entries = await Eventually.Get(
            () => timeline.GetPageAsync([store], "c-1", pageSize: 500),
            page => page.Entries.Any(e => e.StreamId == $"conversation-{caseId}" && e.Type == "conversation-started"),
            because: "the case on the customer's timeline");

        Assert.Equal(("unreservable-line", "human", (DateTimeOffset?)null), (summary!.ProactiveReason, summary.Mode, summary.WaitingSince));
        Assert.Equal(
            $"Service case opened by the system (unreservable line) about order {tooMany.OrderId}",
            entries.Entries.Single(e => e.StreamId == $"conversation-{caseId}" && e.Type == "conversation-started").Summary);
    }
}
