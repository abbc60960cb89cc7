using OrderLedger.Domain.Stock;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Stock receipts and count corrections (stream <c>stock-{warehouseId}.{sku}</c>). Reservations, releases and commits
/// are not endpoints: placing, cancelling and shipping orders make them.
/// </summary>
public static class StockCommands
{
    public static void MapStockCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<ReceiveStockBody>("/stock/{warehouseId}/{sku}/receipts", "Receive units into a warehouse.", (b, f) =>
        {
            f.ClaimedStoreId = b.StoreId;
            return new ReceiveStock(Warehouse(f), f.Route("sku"), f.Value(b.Quantity), f.OccurredAt);
        });
        api.MapCommand<AdjustStockBody>("/stock/{warehouseId}/{sku}/adjustments", "Correct the on-hand count after a stock take.", (b, f) =>
        {
            f.ClaimedStoreId = b.StoreId;
            return new AdjustStock(Warehouse(f), f.Route("sku"), f.Value(b.CountedOnHand), f.Text(b.Reason), f.OccurredAt);
        });
    }

    private static string Warehouse(CommandInput f)
    {
        var id = f.Route("warehouseId");
        if (id.Contains('.', StringComparison.Ordinal))
        {
            f.Invalid("warehouseId", "Warehouse ids contain no '.'.");
        }

        return id;
    }
}

/// <param name="StoreId">The store whose warehouse this is (optional for tokens valid for every store).</param>
public sealed record ReceiveStockBody(string? StoreId, int? Quantity) : CommandBody;

public sealed record AdjustStockBody(string? StoreId, int? CountedOnHand, string? Reason) : CommandBody;
