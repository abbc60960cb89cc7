using System.Security.Claims;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>Refund status (read model <c>refunds</c>).</summary>
public static class RefundQueryEndpoints
{
    public static void MapRefundQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/refunds/{refundId}", async (string refundId, ClaimsPrincipal user, RefundQueries refunds, CancellationToken ct) =>
                user.Visible(await refunds.GetAsync(refundId, ct), r => r.StoreId, $"Refund '{refundId}'"))
            .WithSummary("A refund's status, approval, return leg and dispute.").WithTags("Refunds").Produces<RefundSummary>().ProducesProblem(404);
        api.MapGet("/stores/{storeId}/refunds", async (string storeId, ClaimsPrincipal user, RefundQueries refunds, CancellationToken ct, string? status = null, int limit = 100) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await refunds.ListForStoresAsync(stores, status, limit, ct)))
            .WithSummary("A store's refunds, newest request first, optionally in one status.").WithTags("Refunds").Produces<List<RefundSummary>>().ProducesProblem(404);
    }
}
