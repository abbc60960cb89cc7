using OrderLedger.Domain.Orders;

namespace OrderLedger.Domain.Allocation;

/// <summary>Chooses the warehouses that ship an order's lines. Pure: it sees availability as given, reserves nothing.</summary>
public interface IAllocationPolicy
{
    AllocationResult Allocate(AllocationRequest request);
}

/// <param name="ShippingRegion">The region of the shipping address.</param>
/// <param name="Warehouses">The store's warehouses in the store's order of preference, with what each has available.</param>
public sealed record AllocationRequest(IReadOnlyList<OrderLine> Lines, string ShippingRegion, IReadOnlyList<WarehouseAvailability> Warehouses);

/// <param name="Regions">Shipping regions this warehouse serves first.</param>
/// <param name="Available">Units available per SKU (absent = 0).</param>
public sealed record WarehouseAvailability(string WarehouseId, IReadOnlyList<string> Regions, IReadOnlyDictionary<string, int> Available)
{
    public int AvailableOf(string sku) => Available.TryGetValue(sku, out var n) ? n : 0;

    public bool Serves(string region) => Regions.Contains(region, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Either a complete allocation (no faults) or the lines that no warehouse can fill.</summary>
public sealed record AllocationResult(IReadOnlyList<LineAllocation> Allocations, IReadOnlyList<LineFault> Faults)
{
    public bool IsComplete => Faults.Count == 0;
}

/// <summary>
/// The default policy: one warehouse that can fill every line, preferring one mapped to the shipping region (then
/// the store's order); otherwise split by line: each whole line from one warehouse, again preferring the region.
/// A line is never split across warehouses; a line no single warehouse can fill is at fault.
/// </summary>
public sealed class SingleWarehouseThenSplitByLine : IAllocationPolicy
{
    public static SingleWarehouseThenSplitByLine Instance { get; } = new();

    public AllocationResult Allocate(AllocationRequest request)
    {
        var ranked = request.Warehouses
            .Select((w, index) => (Warehouse: w, Index: index))
            .OrderBy(x => x.Warehouse.Serves(request.ShippingRegion) ? 0 : 1)
            .ThenBy(x => x.Index)
            .Select(x => x.Warehouse)
            .ToList();

        var single = ranked.FirstOrDefault(w => request.Lines.All(l => w.AvailableOf(l.Sku) >= l.Quantity));
        if (single is not null)
        {
            return new AllocationResult([.. request.Lines.Select(l => new LineAllocation(l.Sku, single.WarehouseId, l.Quantity))], []);
        }

        var allocations = new List<LineAllocation>();
        var faults = new List<LineFault>();
        foreach (var line in request.Lines)
        {
            var source = ranked.FirstOrDefault(w => w.AvailableOf(line.Sku) >= line.Quantity);
            if (source is null)
            {
                faults.Add(new LineFault(line.Sku, line.Quantity, ranked.Select(w => w.AvailableOf(line.Sku)).DefaultIfEmpty(0).Max(), "insufficient-stock"));
            }
            else
            {
                allocations.Add(new LineAllocation(line.Sku, source.WarehouseId, line.Quantity));
            }
        }

        return new AllocationResult(faults.Count == 0 ? allocations : [], faults);
    }
}
