using OrderLedger.Application.Orders;
using OrderLedger.Application.Stock;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using OrderLedger.Testing;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// Placement writes reservations first and the order last. These tests kill the process between those appends and
/// show that no reservation leaks: the recovery path releases reservations whose order never got placed.
/// </summary>
public class RecoveryTests(Ledger ledger) : IClassFixture<Ledger>
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");
    private static readonly TimeSpan Timeout = new CommandHandling.CommandHandlerOptions().ReservationTimeout;

    private async Task<(string StoreId, string Warehouse, string First, string Second, PlaceOrder Order)> SetUpAsync()
    {
        var app = ledger.App();
        var warehouse = Id("WH");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        var (first, second) = ("A-" + Id("SKU"), "B-" + Id("SKU"));
        await app.ReceiveAsync(warehouse, first, 10);
        await app.ReceiveAsync(warehouse, second, 10);
        var order = new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY", [new OrderLine(first, 2, 10m), new OrderLine(second, 3, 10m)], Shanghai, T0.AddMinutes(30), T0);
        return (storeId, warehouse, first, second, order);
    }

    private App CrashingAfterStockAppends(int count) =>
        ledger.App(new CrashingStore(ledger.Store, s => s.StartsWith("stock-", StringComparison.Ordinal), count));

    [Fact]
    public async Task A_placement_that_dies_between_reservations_leaks_nothing_once_recovery_runs()
    {
        var (_, warehouse, first, second, order) = await SetUpAsync();
        var app = ledger.App();

        await Assert.ThrowsAsync<SimulatedCrashException>(() => CrashingAfterStockAppends(1).Commands.ExecuteAsync(order, Ctx(T0)));

        // The process died holding one reservation; no order was recorded.
        Assert.Equal((10, 2, 8), PlacementTests.Levels(await app.StockAsync(warehouse, first)));
        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(warehouse, second)));
        Assert.Equal(OrderStatus.None, (await app.OrderAsync(order.OrderId)).Status);

        // Before the reservation timeout, recovery leaves it alone (the placement may still be running).
        ledger.Clock.Set(T0 + Timeout - TimeSpan.FromSeconds(1));
        var early = await app.Recovery.RunAsync();
        Assert.DoesNotContain(early.Released, r => r.OrderId == order.OrderId);
        Assert.Equal(2, (await app.StockAsync(warehouse, first)).Reserved);

        // After it, the order is recorded as abandoned and the reservation released.
        ledger.Clock.Set(T0 + Timeout);
        await ledger.VisibleInAllAsync(StreamIds.Stock(warehouse, first));
        var report = await app.Recovery.RunAsync();
        Assert.Equal([new ReleasedReservation(StreamIds.Stock(warehouse, first), order.OrderId, 2, ReleaseReason.Orphaned)], report.Released.Where(r => r.OrderId == order.OrderId));
        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(warehouse, first)));
        var abandoned = Assert.IsType<OrderRejected>(Assert.Single(await ledger.EventsAsync(StreamIds.Order(order.OrderId))));
        Assert.Equal(RejectionReason.PlacementAbandoned, abandoned.Reason);

        // A late retry of the placement cannot resurrect it, and a second recovery pass finds nothing more to do.
        Assert.Equal("order.rejected", (await app.Commands.ExecuteAsync(order, Ctx(T0))).Error?.Rule);
        Assert.Equal(0, (await app.StockAsync(warehouse, first)).Reserved);
        Assert.Equal(0, (await app.StockAsync(warehouse, second)).Reserved);
        Assert.DoesNotContain((await app.Recovery.RunAsync()).Released, r => r.OrderId == order.OrderId);
    }

    [Fact]
    public async Task A_placement_that_dies_before_recording_the_order_completes_when_the_command_is_retried()
    {
        var (_, warehouse, first, second, order) = await SetUpAsync();
        var app = ledger.App();
        var context = Ctx(T0, commandId: "place-" + order.OrderId);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => CrashingAfterStockAppends(2).Commands.ExecuteAsync(order, context));
        Assert.Equal(OrderStatus.None, (await app.OrderAsync(order.OrderId)).Status);

        var retry = await app.Commands.ExecuteAsync(order, context);

        Assert.Null(retry.Error);
        Assert.Equal(OrderStatus.AwaitingPayment, (await app.OrderAsync(order.OrderId)).Status);
        // Reserved exactly once per stock item despite the two attempts.
        Assert.Single((await ledger.EventsAsync(StreamIds.Stock(warehouse, first))).OfType<StockReserved>());
        Assert.Single((await ledger.EventsAsync(StreamIds.Stock(warehouse, second))).OfType<StockReserved>());
        Assert.Equal(2, (await app.StockAsync(warehouse, first)).Reserved);
        Assert.Equal(3, (await app.StockAsync(warehouse, second)).Reserved);

        // Recovery keeps the reservations of a placed order, however old they are.
        ledger.Clock.Set(T0 + Timeout + TimeSpan.FromHours(1));
        await ledger.VisibleInAllAsync(StreamIds.Stock(warehouse, first), StreamIds.Stock(warehouse, second));
        Assert.DoesNotContain((await app.Recovery.RunAsync()).Released, r => r.OrderId == order.OrderId);
        Assert.Equal(2, (await app.StockAsync(warehouse, first)).Reserved);
    }

    [Fact]
    public async Task Recovery_racing_a_slow_placement_wins_cleanly_and_the_placement_undoes_its_reservations()
    {
        var (_, warehouse, first, second, order) = await SetUpAsync();
        var app = ledger.App();
        ledger.Clock.Set(T0 + Timeout + TimeSpan.FromMinutes(1));

        // Just before the placement records the order, the recovery pass runs and gives up on it.
        var slow = ledger.App(new InterferingStore(ledger.Store, s => s == StreamIds.Order(order.OrderId), async (_, _) =>
        {
            await ledger.VisibleInAllAsync(StreamIds.Stock(warehouse, first), StreamIds.Stock(warehouse, second));
            await app.Recovery.RunAsync();
        }));
        var outcome = await slow.Commands.ExecuteAsync(order, Ctx(T0));

        Assert.Equal("order.rejected", outcome.Error?.Rule);
        Assert.Equal(OrderStatus.Rejected, (await app.OrderAsync(order.OrderId)).Status);
        Assert.DoesNotContain(await ledger.EventsAsync(StreamIds.Order(order.OrderId)), e => e is OrderPlaced);
        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(warehouse, first)));
        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(warehouse, second)));
    }

    [Fact]
    public async Task A_cancellation_that_dies_before_releasing_stock_is_completed_by_recovery()
    {
        var (_, warehouse, first, second, order) = await SetUpAsync();
        var app = ledger.App();
        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);

        var crashing = ledger.App(new CrashingStore(ledger.Store, s => s == StreamIds.Order(order.OrderId), 1));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.Commands.ExecuteAsync(new CancelOrder(order.OrderId, "customer", T0.AddMinutes(1)), Ctx(T0.AddMinutes(1))));
        Assert.Equal(2, (await app.StockAsync(warehouse, first)).Reserved);

        ledger.Clock.Set(T0 + Timeout + TimeSpan.FromMinutes(2));
        await ledger.VisibleInAllAsync(StreamIds.Stock(warehouse, first), StreamIds.Stock(warehouse, second));
        await app.Recovery.RunAsync();

        Assert.Equal(0, (await app.StockAsync(warehouse, first)).Reserved);
        Assert.Equal(0, (await app.StockAsync(warehouse, second)).Reserved);
        Assert.Contains(await ledger.EventsAsync(StreamIds.Stock(warehouse, first)), e => e is StockReservationReleased { Reason: ReleaseReason.OrderCancelled });
    }

    [Fact]
    public async Task Recovery_actions_carry_the_system_actor_and_keep_each_stream_chained()
    {
        var (_, warehouse, first, _, order) = await SetUpAsync();
        var app = ledger.App();
        await Assert.ThrowsAsync<SimulatedCrashException>(() => CrashingAfterStockAppends(1).Commands.ExecuteAsync(order, Ctx(T0)));
        ledger.Clock.Set(T0 + Timeout + TimeSpan.FromMinutes(3));
        await ledger.VisibleInAllAsync(StreamIds.Stock(warehouse, first));

        await app.Recovery.RunAsync();

        var stock = await ledger.ReadAsync(StreamIds.Stock(warehouse, first));
        Assert.Null(EventStore.Audit.HashChain.FindFirstBreak(stock));
        Assert.Equal(ReservationRecovery.Actor, EventCodec.DecodeMetadata(stock[^1].Metadata)!.Actor);
        Assert.Equal(ReservationRecovery.Actor, EventCodec.DecodeMetadata((await ledger.ReadAsync(StreamIds.Order(order.OrderId)))[0].Metadata)!.Actor);
    }

    [Fact]
    public async Task The_recovery_service_releases_orphans_in_the_background()
    {
        var (_, warehouse, first, _, order) = await SetUpAsync();
        var app = ledger.App();
        await Assert.ThrowsAsync<SimulatedCrashException>(() => CrashingAfterStockAppends(1).Commands.ExecuteAsync(order, Ctx(T0)));
        ledger.Clock.Set(T0 + Timeout + TimeSpan.FromMinutes(4));
        var options = new CommandHandling.CommandHandlerOptions { RecoveryInterval = TimeSpan.FromMilliseconds(50) };
        using var service = new ReservationRecoveryService(app.Recovery, options, TimeProvider.System, NullLogger<ReservationRecoveryService>.Instance);

        await service.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.Get(() => app.StockAsync(warehouse, first), s => s.Reserved == 0, because: "the service released the orphan");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(OrderStatus.Rejected, (await app.OrderAsync(order.OrderId)).Status);
    }
}
