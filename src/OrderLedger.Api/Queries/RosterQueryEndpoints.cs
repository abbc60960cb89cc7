using System.Security.Claims;
using OrderLedger.Api.Security;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>The supervisors' roster view (read model <c>roster</c>).</summary>
public static class RosterQueryEndpoints
{
    public static void MapRosterQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stores/{storeId}/roster", async (string storeId, ClaimsPrincipal user, RosterQueries roster, CancellationToken ct) =>
                user.Visible(storeId) is null ? StoreScope.StoreNotFound(storeId) : Results.Ok(await roster.GetRosterAsync(storeId, ct)))
            .RequireAuthorization(Policies.StorePolicies)
            .WithSummary("The store's agents: who is on shift, rank, capacity, open conversations now and the last assignment (supervisors and administrators).")
            .WithTags("Roster").Produces<List<RosterEntry>>().ProducesProblem(404);
    }
}
