using System.Security.Claims;
using Npgsql;
using OrderLedger.Api.Queries;
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

    private static async Task<IResult> GetAsync(ClaimsPrincipal user, ReadModelDatabase readModels, CancellationToken ct)
    {
        var stores = user.Stores();
        var all = stores.Contains(AccessTokens.AllStores);
        var expires = long.TryParse(user.FindFirstValue("exp"), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        return Results.Ok(new Session(
            user.FindFirstValue("sub") ?? "",
            [.. user.FindAll("role").Select(c => c.Value).Order(StringComparer.Ordinal)],
            all,
            all ? await KnownStoresAsync(readModels.DataSource, ct) : [.. stores.Order(StringComparer.Ordinal)],
            expires));
    }

    /// <summary>The registered stores, from the service-metrics read model (empty while it is not built yet).</summary>
    private static async Task<IReadOnlyList<string>> KnownStoresAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT DISTINCT store_id FROM rm.{ServiceMetricsProjection.StoresTable} ORDER BY store_id", connection);
        var stores = new List<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stores.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The metric views appear with the projection's first build.
        }

        return stores;
    }
}
