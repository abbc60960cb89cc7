using OrderLedger.EventStore;

namespace OrderLedger.Api.Hosting;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers. Readiness: its dependencies answer too.
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/health/ready", async (IEventStore store, CancellationToken cancellationToken) =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                var head = await store.ReadHeadPositionAsync(timeout.Token);
                return Results.Ok(new { status = "ready", eventStore = "reachable", head = head?.ToString() });
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Results.Problem(title: "Not ready", detail: $"Event store unreachable: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }
}
