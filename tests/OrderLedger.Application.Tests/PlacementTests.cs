using OrderLedger.Domain;
using OrderLedger.Domain.Allocation;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

public class PlacementTests(Ledger ledger) : IClassFixture<Ledger>
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    private static PlaceOrder Order(string storeId, OrderLine first, params OrderLine[] more) =>
        new(Id("o-"), storeId, "c-1", "web", "CNY", [first, .. more], Shanghai, T0.AddMinutes(30), T0);

    /// <summary>A store with warehouse A serving SH and warehouse B serving BJ, and two fresh SKUs.</summary>
    private async Task<(App App, string StoreId, string A, string B, string Tea, string Mug)> SetUpAsync(App? app = null)
    {
        app ??= ledger.App();
        var (a, b) = (Id("WHA"), Id("WHB"));
        var storeId = await app.StoreAsync((a, "SH"), (b, "BJ"));
        return (app, storeId, a, b, Id("TEA-"), Id("MUG-"));
    }

    [Fact]
    public async Task Placing_an_order_reserves_every_line_in_one_warehouse_and_records_the_allocation()
    {
        var (app, storeId, a, b, tea, mug) = await SetUpAsync();
        await app.ReceiveAsync(a, tea, 10);
        await app.ReceiveAsync(b, tea, 10);
        await app.ReceiveAsync(b, mug, 5);
        var order = Order(storeId, new OrderLine(tea, 2, 50m), new OrderLine(mug, 1, 30m));

        var outcome = await app.Commands.ExecuteAsync(order, Ctx(T0));

        Assert.Null(outcome.Error);
        await ledger.AssertStreamAsync(
            StreamIds.Order(order.OrderId),
            0,
            new OrderPlaced(order.OrderId, storeId, "c-1", "web", "CNY", order.Lines, 130m, Shanghai, T0.AddMinutes(30), T0),
            new OrderAllocated(order.OrderId, [new(tea, b, 2), new(mug, b, 1)], T0));
        Assert.Equal((10, 2, 8), Levels(await app.StockAsync(b, tea)));
        Assert.Equal((5, 1, 4), Levels(await app.StockAsync(b, mug)));
        Assert.Equal((10, 0, 10), Levels(await app.StockAsync(a, tea)));
    }

    [Fact]
    public async Task The_warehouse_serving_the_shipping_region_is_preferred()
    {
        var (app, storeId, a, b, tea, _) = await SetUpAsync();
        await app.ReceiveAsync(a, tea, 10);
        await app.ReceiveAsync(b, tea, 10);
        var order = Order(storeId, new OrderLine(tea, 3, 50m));

        await app.Commands.ExecuteAsync(order, Ctx(T0));

        Assert.Equal([new LineAllocation(tea, a, 3)], (await app.OrderAsync(order.OrderId)).Allocation);
    }

    [Fact]
    public async Task When_no_warehouse_has_everything_the_order_is_split_by_line()
    {
        var (app, storeId, a, b, tea, mug) = await SetUpAsync();
        await app.ReceiveAsync(a, tea, 10);
        await app.ReceiveAsync(b, mug, 5);
        var order = Order(storeId, new OrderLine(tea, 2, 50m), new OrderLine(mug, 1, 30m));

        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);

        Assert.Equal([new LineAllocation(tea, a, 2), new LineAllocation(mug, b, 1)], (await app.OrderAsync(order.OrderId)).Allocation);
        Assert.Equal(2, (await app.StockAsync(a, tea)).Reserved);
        Assert.Equal(1, (await app.StockAsync(b, mug)).Reserved);
    }

    [Fact]
    public async Task An_order_no_warehouse_can_fill_is_rejected_with_the_lines_at_fault_and_holds_nothing()
    {
        var (app, storeId, a, _, tea, mug) = await SetUpAsync();
        await app.ReceiveAsync(a, tea, 10);
        await app.ReceiveAsync(a, mug, 1);
        var order = Order(storeId, new OrderLine(tea, 2, 50m), new OrderLine(mug, 3, 30m));

        var outcome = await app.Commands.ExecuteAsync(order, Ctx(T0));

        Assert.Equal("order.out-of-stock", outcome.Error?.Rule);
        Assert.Equal([new LineFault(mug, 3, 1, "insufficient-stock")], outcome.Error!.Lines);
        Assert.Equal(OrderStatus.Rejected, (await app.OrderAsync(order.OrderId)).Status);
        Assert.Equal(0, (await app.StockAsync(a, tea)).Reserved);
    }

    /// <summary>An allocation policy that ships everything from one warehouse whatever it holds (to force a failing reservation).</summary>
    private sealed class EverythingFrom(string warehouseId) : IAllocationPolicy
    {
        public AllocationResult Allocate(AllocationRequest request) =>
            new([.. request.Lines.Select(l => new LineAllocation(l.Sku, warehouseId, l.Quantity))], []);
    }

    [Fact]
    public async Task When_a_later_line_cannot_be_reserved_the_reservations_already_made_are_released()
    {
        var (_, storeId, a, _, _, _) = await SetUpAsync();
        var app = ledger.App(policy: new EverythingFrom(a));
        var (first, second) = ("A-" + Id("SKU"), "B-" + Id("SKU"));   // reserved in this order (stock streams are taken in sorted order)
        await app.ReceiveAsync(a, first, 5);
        await app.ReceiveAsync(a, second, 1);
        var order = Order(storeId, new OrderLine(first, 2, 10m), new OrderLine(second, 4, 10m));

        var outcome = await app.Commands.ExecuteAsync(order, Ctx(T0));

        Assert.Equal("order.out-of-stock", outcome.Error?.Rule);
        Assert.Equal([new LineFault(second, 4, 1, "insufficient-stock")], outcome.Error!.Lines);
        await ledger.AssertStreamAsync(
            StreamIds.Stock(a, first),
            1,
            new StockReserved(a, first, order.OrderId, 2, T0),
            new StockReservationReleased(a, first, order.OrderId, 2, ReleaseReason.OrderRejected, T0));
        Assert.Equal((5, 0, 5), Levels(await app.StockAsync(a, first)));
        await ledger.AssertStreamAsync(
            StreamIds.Order(order.OrderId),
            0,
            new OrderRejected(order.OrderId, storeId, "c-1", RejectionReason.OutOfStock, [new LineFault(second, 4, 1, "insufficient-stock")], T0));
    }

    [Fact]
    public async Task A_retried_placement_returns_the_original_outcome_and_appends_nothing()
    {
        var (app, storeId, a, _, tea, _) = await SetUpAsync();
        await app.ReceiveAsync(a, tea, 10);
        var order = Order(storeId, new OrderLine(tea, 2, 50m));
        var context = Ctx(T0, commandId: "place-" + order.OrderId);

        var first = await app.Commands.ExecuteAsync(order, context);
        var head = await ledger.Store.ReadHeadPositionAsync();
        var retry = await app.Commands.ExecuteAsync(order, context);

        Assert.Null(retry.Error);
        Assert.True(retry.AlreadyProcessed);
        Assert.Equal(first.Changes.Single(c => c.StreamId == StreamIds.Order(order.OrderId)).Events.Select(ledger.Describe), retry.Events.Select(ledger.Describe));
        Assert.Equal(head, await ledger.Store.ReadHeadPositionAsync());
        Assert.Equal(2, (await app.StockAsync(a, tea)).Reserved);
    }

    [Fact]
    public async Task A_retried_rejected_placement_gets_the_same_rejection_and_appends_nothing()
    {
        var (app, storeId, a, _, tea, _) = await SetUpAsync();
        await app.ReceiveAsync(a, tea, 1);
        var order = Order(storeId, new OrderLine(tea, 2, 50m));
        var context = Ctx(T0, commandId: "place-" + order.OrderId);

        var first = await app.Commands.ExecuteAsync(order, context);
        await app.ReceiveAsync(a, tea, 10);
        var head = await ledger.Store.ReadHeadPositionAsync();
        var retry = await app.Commands.ExecuteAsync(order, context);

        Assert.Equal("order.out-of-stock", retry.Error?.Rule);
        Assert.Equal(first.Error!.Lines, retry.Error!.Lines);
        Assert.True(retry.AlreadyProcessed);
        Assert.Equal(head, await ledger.Store.ReadHeadPositionAsync());
    }

    [Fact]
    public async Task Invalid_orders_are_refused_before_anything_is_reserved()
    {
        var (app, storeId, a, _, tea, _) = await SetUpAsync();
        await app.ReceiveAsync(a, tea, 10);
        var head = await ledger.Store.ReadHeadPositionAsync();

        var outcome = await app.Commands.ExecuteAsync(Order(storeId, new OrderLine(tea, 2, 50m), new OrderLine(tea, 1, 50m)), Ctx(T0));

        Assert.Equal("order.duplicate-sku", outcome.Error?.Rule);
        Assert.Equal(head, await ledger.Store.ReadHeadPositionAsync());
    }

    [Fact]
    public async Task Orders_of_an_unknown_store_or_in_another_currency_are_refused()
    {
        var (app, storeId, _, _, tea, _) = await SetUpAsync();

        Assert.Equal("store.not-registered", (await app.Commands.ExecuteAsync(Order("nope", new OrderLine(tea, 1, 1m)), Ctx(T0))).Error?.Rule);
        Assert.Equal("order.currency-mismatch", (await app.Commands.ExecuteAsync(Order(storeId, new OrderLine(tea, 1, 1m)) with { Currency = "USD" }, Ctx(T0))).Error?.Rule);
    }

    internal static (int OnHand, int Reserved, int Available) Levels(StockState s) => (s.OnHand, s.Reserved, s.Available);
}
