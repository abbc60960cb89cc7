using System.Security.Claims;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>Order summaries (read model <c>orders</c>) with their parcels and refunds.</summary>
public static class OrderQueryEndpoints
{
    public static void MapOrderQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/orders/{orderId}", async (string orderId, ClaimsPrincipal user, OrderQueries orders, CancellationToken ct) =>
                user.Visible(await orders.GetOrderAsync(orderId, ct), o => o.StoreId, $"Order '{orderId}'"))
            .WithSummary("An order's summary and state.").WithTags("Orders").Produces<OrderSummary>().ProducesProblem(404);
        api.MapGet("/orders/{orderId}/shipments", async (string orderId, ClaimsPrincipal user, OrderQueries orders, ShipmentQueries shipments, CancellationToken ct) =>
                await VisibleOrderAsync(orderId, user, orders, ct) ? Results.Ok(await shipments.ListForOrderAsync(orderId, ct)) : ApiProblems.NotFound($"Order '{orderId}'"))
            .WithSummary("The order's parcels.").WithTags("Orders", "Shipments").Produces<List<ShipmentSummary>>().ProducesProblem(404);
        api.MapGet("/orders/{orderId}/refunds", async (string orderId, ClaimsPrincipal user, OrderQueries orders, RefundQueries refunds, CancellationToken ct) =>
                await VisibleOrderAsync(orderId, user, orders, ct) ? Results.Ok(await refunds.ListForOrderAsync(orderId, ct)) : ApiProblems.NotFound($"Order '{orderId}'"))
            .WithSummary("The order's refunds.").WithTags("Orders", "Refunds").Produces<List<RefundSummary>>().ProducesProblem(404);
        api.MapGet("/stores/{storeId}/orders", async (string storeId, ClaimsPrincipal user, OrderQueries orders, CancellationToken ct, string? status = null, int limit = 50) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await orders.ListForStoresAsync(stores, status, limit, ct)))
            .WithSummary("A store's orders, newest first, optionally in one status.").WithTags("Orders").Produces<List<OrderSummary>>().ProducesProblem(404);
    }

    private static async Task<bool> VisibleOrderAsync(string orderId, ClaimsPrincipal user, OrderQueries orders, CancellationToken ct) =>
        await orders.GetOrderAsync(orderId, ct) is { } order && OrderLedger.Hosting.StoreAccess.CanSee(user, order.StoreId);
}
