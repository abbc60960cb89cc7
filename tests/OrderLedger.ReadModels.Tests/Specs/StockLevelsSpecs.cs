using OrderLedger.Domain;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.ReadModels.Tests.Support.Samples;

namespace OrderLedger.ReadModels.Tests.Specs;

public sealed class StockLevelsSpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    private StockLevelQueries Stock => new(database.DataSource);

    private async Task Given(params (string Stream, object Event)[] events)
    {
        await using var ledger = await Ledger.OpenAsync(database);
        for (var i = 0; i < events.Length; i++)
        {
            await ledger.AppendAsync(events[i].Stream, At(i), events[i].Event);
        }

        await Projector.BuildAndPublishAsync(database.DataSource, new StockLevelsProjection(lowStockThreshold: 5), await ledger.ReadAsync());
    }

    [Fact]
    public async Task Received_reserved_released_and_shipped_units_give_on_hand_reserved_and_available()
    {
        var tea = StreamIds.Stock("W1", "TEA-01");
        await Given(
            (tea, new StockReceived("W1", "TEA-01", 20, At(0))),
            (tea, new StockReserved("W1", "TEA-01", "O1", 3, At(1))),
            (tea, new StockReserved("W1", "TEA-01", "O2", 4, At(2))),
            (tea, new StockReservationReleased("W1", "TEA-01", "O1", 3, ReleaseReason.OrderCancelled, At(3))),
            (tea, new StockReservationCommitted("W1", "TEA-01", "O2", 4, "SH2", At(4))),
            (tea, new StockReserved("W1", "TEA-01", "O3", 2, At(5))));

        var level = await Stock.GetAsync("W1", "TEA-01");

        Assert.NotNull(level);
        Assert.Equal((16, 2, 14, false), (level.OnHand, level.Reserved, level.Available, level.LowStock));
        Assert.Equal((20, 4, 0), (level.Received, level.Shipped, level.Adjusted));
        Assert.Equal(At(5), level.UpdatedAt);
    }

    [Fact]
    public async Task A_count_correction_sets_on_hand_to_the_counted_quantity()
    {
        var mug = StreamIds.Stock("W1", "MUG-02");
        await Given(
            (mug, new StockReceived("W1", "MUG-02", 12, At(0))),
            (mug, new StockReserved("W1", "MUG-02", "O1", 2, At(1))),
            (mug, new StockAdjusted("W1", "MUG-02", -3, 9, "cycle count", At(2))));

        var level = await Stock.GetAsync("W1", "MUG-02");

        Assert.NotNull(level);
        Assert.Equal((9, 2, 7, -3), (level.OnHand, level.Reserved, level.Available, level.Adjusted));
    }

    [Fact]
    public async Task A_sku_is_low_when_available_falls_to_the_threshold()
    {
        var low = StreamIds.Stock("W1", "LOW-01");
        var fine = StreamIds.Stock("W1", "OK-01");
        await Given(
            (low, new StockReceived("W1", "LOW-01", 8, At(0))),
            (low, new StockReserved("W1", "LOW-01", "O1", 3, At(1))),
            (fine, new StockReceived("W1", "OK-01", 6, At(2))));

        var lowOnly = await Stock.ListForWarehousesAsync(["W1"], lowStockOnly: true);

        Assert.Equal(["LOW-01"], lowOnly.Select(s => s.Sku));
        Assert.Equal(5, lowOnly[0].Available);
    }

    [Fact]
    public async Task A_store_sees_the_stock_of_the_warehouses_it_uses_now()
    {
        await Given(
            (StreamIds.Store("SW"), new StoreWarehousesSet("SW", [new WarehouseRegions("WA", ["SH"])], At(0))),
            (StreamIds.Stock("WA", "TEA-01"), new StockReceived("WA", "TEA-01", 5, At(0))),
            (StreamIds.Stock("WB", "TEA-01"), new StockReceived("WB", "TEA-01", 7, At(0))),
            (StreamIds.Stock("WC", "TEA-01"), new StockReceived("WC", "TEA-01", 9, At(0))),
            (StreamIds.Store("SW"), new StoreWarehousesSet("SW", [new WarehouseRegions("WB", ["SH"]), new WarehouseRegions("WC", ["JS"])], At(1))));

        var levels = await Stock.ListForStoresAsync(["SW"]);

        Assert.Equal([("WB", 7), ("WC", 9)], levels.Select(l => (l.WarehouseId, l.OnHand)));
    }
}
