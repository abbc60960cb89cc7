using System.Security.Claims;
using OrderLedger.EventStore;
using OrderLedger.Hosting;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Api.Hosting;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> answer anyone with the status alone. Sent with a valid bearer token (any
/// role), the same requests also carry the details: head position, each projection's state and lag, and why the host is
/// not ready; the error text of a failed check or a faulted projection only for an all-stores token, since it may name
/// another store's stream (docs/api.md, "Health").
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddReadiness(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(HealthOptions.From(configuration));

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers. Readiness: its dependencies answer and the read models are nearly current.
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        // Which event store this host runs on (EventStore:Provider), so a probe or a person sees it at a glance.
        var storeName = EventStoreConfiguration.Provider(app.ServiceProvider.GetRequiredService<IConfiguration>());
        var versions = app.ServiceProvider.GetServices<IProjection>().ToDictionary(p => p.Name, p => p.Version, StringComparer.Ordinal);
        app.MapGet("/health/ready", async (HttpContext http, IEventStore store, IProjectionAdmin projections, HealthOptions options, CancellationToken cancellationToken) =>
        {
            var user = http.User;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(CheckTimeout);
                var head = await store.ReadHeadPositionAsync(timeout.Token);
                var statuses = await projections.GetStatusAsync(timeout.Token);
                var assessed = Readiness.Assess(statuses, options, versions);
                var ready = assessed.All(p => p.Ready);
                var status = ready ? "ready" : "not-ready";
                return Answer(ready, IsSignedIn(user)
                    ? new
                    {
                        status,
                        store = storeName,
                        head = head?.ToString(),
                        maxLagEvents = options.MaxReadyLagEvents,
                        maxLagSeconds = options.MaxReadyLagSeconds,
                        projections = assessed.Select(p => new
                        {
                            p.Name,
                            p.State,
                            p.LagEvents,
                            p.LagSeconds,
                            p.Ready,
                            p.Reason,
                            error = SeesErrors(user) ? Describe(statuses.First(s => s.Name == p.Name).LastError) : null,
                        }),
                    }
                    : new { status });
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Answer(false, IsSignedIn(user)
                    ? new { status = "not-ready", reason = "event store or PostgreSQL unreachable", error = SeesErrors(user) ? ex.Message : null }
                    : new { status = "not-ready" });
            }
        });
    }

    private static IResult Answer(bool ready, object body) =>
        Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);

    private static bool IsSignedIn(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true;

    private static bool SeesErrors(ClaimsPrincipal user) => user.Stores().Contains(AccessTokens.AllStores);

    private static string? Describe(ProjectionError? error) =>
        error is null ? null : $"{error.Message} (event {error.EventType} at {error.Position} in {error.StreamId})";
}
