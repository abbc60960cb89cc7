using OrderLedger.Api.Security;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Api.Projections;

/// <summary>Projection status for operators and the data team, blue/green rebuilds with their progress, and retries of parked events (all-stores tokens only).</summary>
public static class ProjectionEndpoints
{
    public static void MapProjectionEndpoints(this IEndpointRouteBuilder app)
    {
        // Projections span every store, so their status and administration are for all-stores tokens only: a store's
        // operator would otherwise see other stores' positions and errors, or restart everyone's read models.
        var projections = app.MapGroup("/api/projections").RequireAuthorization(Policies.ProjectionAdmin);
        projections.MapGet("/", async (IProjectionAdmin admin, CancellationToken ct) => Results.Ok(await admin.GetStatusAsync(ct)));
        projections.MapGet("/{name}", async (string name, IProjectionAdmin admin, CancellationToken ct) =>
                await admin.GetStatusAsync(name, ct) is { } status ? Results.Ok(status) : UnknownProjection(name, admin));
        projections.MapPost("/{name}/rebuild", async (string name, IProjectionAdmin admin, CancellationToken ct) =>
                admin.Names.Contains(name)
                    ? Results.Accepted($"/api/projections/{name}/rebuild", await admin.RequestRebuildAsync(name, ct))
                    : UnknownProjection(name, admin));
        projections.MapPost("/{name}/retry", async (string name, IProjectionAdmin admin, CancellationToken ct) =>
                admin.Names.Contains(name) ? Results.Ok(await admin.RetryParkedAsync(name, ct)) : UnknownProjection(name, admin));
        projections.MapGet("/{name}/rebuild", async (string name, IProjectionAdmin admin, CancellationToken ct) =>
                await admin.GetRebuildProgressAsync(name, ct) is { } progress
                    ? Results.Ok(progress)
                    : admin.Names.Contains(name)
                        ? ApiProblems.NoRebuild(name)
                        : UnknownProjection(name, admin));
    }

    private static IResult UnknownProjection(string name, IProjectionAdmin admin) => ApiProblems.UnknownProjection(name, admin.Names);
}
