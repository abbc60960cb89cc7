using OrderLedger.Domain.Allocation;
using OrderLedger.Domain.Orders;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class AllocationSpecs
{
    private static readonly IAllocationPolicy Policy = SingleWarehouseThenSplitByLine.Instance;

    private static WarehouseAvailability Warehouse(string id, string region, int tea, int mug) =>
        new(id, [region], new Dictionary<string, int> { ["TEA-01"] = tea, ["MUG-01"] = mug });

    private static AllocationResult Allocate(string region, params WarehouseAvailability[] warehouses) =>
        Policy.Allocate(new AllocationRequest([Tea, Mug], region, warehouses));

    [Fact]
    public void One_warehouse_that_can_fill_every_line_ships_the_whole_order() =>
        Assert.Equal(
            [new LineAllocation("TEA-01", "WH-BJ", 2), new LineAllocation("MUG-01", "WH-BJ", 1)],
            Allocate("SH", Warehouse("WH-SH", "SH", 1, 5), Warehouse("WH-BJ", "BJ", 5, 5)).Allocations);

    [Fact]
    public void Among_warehouses_that_can_fill_everything_the_one_serving_the_shipping_region_wins() =>
        Assert.Equal(
            [new LineAllocation("TEA-01", "WH-SH", 2), new LineAllocation("MUG-01", "WH-SH", 1)],
            Allocate("SH", Warehouse("WH-BJ", "BJ", 5, 5), Warehouse("WH-SH", "SH", 5, 5)).Allocations);

    [Fact]
    public void Otherwise_the_store_order_of_warehouses_decides() =>
        Assert.Equal("WH-BJ", Allocate("GD", Warehouse("WH-BJ", "BJ", 5, 5), Warehouse("WH-SH", "SH", 5, 5)).Allocations[0].WarehouseId);

    [Fact]
    public void When_no_warehouse_can_fill_everything_the_order_is_split_by_line() =>
        Assert.Equal(
            [new LineAllocation("TEA-01", "WH-SH", 2), new LineAllocation("MUG-01", "WH-BJ", 1)],
            Allocate("SH", Warehouse("WH-BJ", "BJ", 5, 1) with { Available = new Dictionary<string, int> { ["TEA-01"] = 1, ["MUG-01"] = 1 } }, Warehouse("WH-SH", "SH", 2, 0)).Allocations);

    [Fact]
    public void A_line_no_warehouse_can_fill_alone_is_at_fault()
    {
        var result = Allocate("SH", Warehouse("WH-BJ", "BJ", 1, 1), Warehouse("WH-SH", "SH", 1, 0));
        Assert.False(result.IsComplete);
        Assert.Empty(result.Allocations);
        Assert.Equal(new LineFault("TEA-01", 2, 1, "insufficient-stock"), Assert.Single(result.Faults));
    }

    [Fact]
    public void No_warehouse_at_all_faults_every_line() =>
        Assert.Equal(2, Allocate("SH").Faults.Count);
}
