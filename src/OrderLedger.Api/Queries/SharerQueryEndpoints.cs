using System.Security.Claims;
using OrderLedger.Hosting;
using OrderLedger.Metrics;

namespace OrderLedger.Api.Queries;

/// <summary>
/// Sales per sharer (分享员) and promoter (达人) of one store (or <c>*</c> for tokens valid for every store), over
/// store-local days <c>from</c>..<c>to</c> or, without them, the rolling 30 days, as they stood at <c>now</c> (default: the clock).
/// </summary>
public static class SharerQueryEndpoints
{
    public static void MapSharerQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stores/{storeId}/sharers", GetAsync)
            .WithSummary("Orders, paid and refunded amounts per sharer and promoter, per store-local day (docs/metrics.md, \"Sales per sharer\").")
            .WithTags("Metrics").Produces<IReadOnlyList<SharerSales>>().ProducesValidationProblem().ProducesProblem(404);
    }

    private static async Task<IResult> GetAsync(
        string storeId, ClaimsPrincipal user, SharerSalesQueries sharers, TimeProvider clock, CancellationToken ct,
        DateOnly? from = null, DateOnly? to = null, DateTimeOffset? now = null)
    {
        if (!user.CanSee(storeId))
        {
            return StoreScope.StoreNotFound(storeId);
        }

        if (MetricQueryEndpoints.CheckWindow(from, to, now) is { } badWindow)
        {
            return badWindow;
        }

        var store = storeId == AccessTokens.AllStores ? null : storeId;
        return Results.Ok(await sharers.GetAsync(store, MetricQueryEndpoints.WindowOf(from, to), now ?? clock.GetUtcNow(), ct));
    }
}
