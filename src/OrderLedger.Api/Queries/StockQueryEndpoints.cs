using System.Security.Claims;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>Stock levels (read model <c>stock_levels</c>) in the warehouses a store uses.</summary>
public static class StockQueryEndpoints
{
    public static void MapStockQueries(this IEndpointRouteBuilder api) =>
        api.MapGet("/stores/{storeId}/stock", async (
                string storeId, ClaimsPrincipal user, StockLevelQueries stock, CancellationToken ct, bool lowStockOnly = false, int limit = 200) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await stock.ListForStoresAsync(stores, lowStockOnly, limit, ct)))
            .WithSummary("On hand, reserved and available per warehouse and SKU; lowStockOnly=true for the low ones.")
            .WithTags("Stock").Produces<List<StockLevel>>().ProducesProblem(404);
}
