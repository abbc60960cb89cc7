using System.Security.Claims;
using OrderLedger.Hosting;
using OrderLedger.Metrics;

namespace OrderLedger.Api.Web;

/// <summary>
/// Who the bearer token says the caller is: the web pages' sign-in checks the token with it and offers the stores to
/// choose from — the token's own, or for a token valid for every store (<c>*</c>), the stores the read models know.
/// </summary>
public static class SessionEndpoints
{
    public sealed record Session(string Subject, IReadOnlyList<string> Roles, bool AllStores, IReadOnlyList<string> Stores, DateTimeOffset? ExpiresAt);

    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithUnavailableAs503().MapGet("/session", GetAsync)
            .RequireAuthorization()
            .WithTags("Session")
            .WithSummary("The token's subject, roles and stores (for a '*' token: every store the read models know); 401 for a bad token.")
            .Produces<Session>();
    }

    private static async Task<IResult> GetAsync(ClaimsPrincipal user, ServiceMetricsQueries serviceMetrics, CancellationToken ct)
    {
        var stores = user.Stores();
        var all = stores.Contains(AccessTokens.AllStores);
        var expires = long.TryParse(user.FindFirstValue("exp"), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        return Results.Ok(new Session(
            user.FindFirstValue("sub") ?? "",
            [.. user.FindAll("role").Select(c => c.Value).Order(StringComparer.Ordinal)],
            all,
            all ? await serviceMetrics.ListStoresAsync(ct) : [.. stores.Order(StringComparer.Ordinal)],
            expires));
    }
}
