using OrderLedger.EventStore;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Api.Hosting;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers. Readiness: its dependencies answer too.
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        // Which event store this host runs on (EventStore:Provider), so a probe or a person sees it at a glance.
        var storeName = EventStoreConfiguration.Provider(app.ServiceProvider.GetRequiredService<IConfiguration>());
        app.MapGet("/health/ready", async (IEventStore store, IProjectionAdmin projections, CancellationToken cancellationToken) =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                var head = await store.ReadHeadPositionAsync(timeout.Token);
                var faulted = (await projections.GetStatusAsync(timeout.Token)).Where(p => p.State == ProjectionState.Faulted).Select(p => p.Name).ToList();
                return faulted.Count == 0
                    ? Results.Ok(new { status = "ready", store = storeName, eventStore = "reachable", postgres = "reachable", head = head?.ToString() })
                    : Results.Problem(title: "Not ready", detail: $"Projections faulted: {string.Join(", ", faulted)}.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Results.Problem(title: "Not ready", detail: $"Event store or PostgreSQL unreachable: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }
}
