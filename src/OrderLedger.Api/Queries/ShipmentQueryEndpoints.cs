using System.Security.Claims;
using OrderLedger.Api.Validation;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>Shipment tracking (read model <c>shipments</c>): one parcel, open exceptions, stuck parcels.</summary>
public static class ShipmentQueryEndpoints
{
    public static void MapShipmentQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/shipments/{shipmentId}", async (string shipmentId, ClaimsPrincipal user, ShipmentQueries shipments, CancellationToken ct) =>
                user.Visible(await shipments.GetAsync(shipmentId, ct), s => s.StoreId, $"Shipment '{shipmentId}'"))
            .WithSummary("A parcel's tracking: status, latest scan, open exceptions.").WithTags("Shipments").Produces<ShipmentSummary>().ProducesProblem(404);
        api.MapGet("/stores/{storeId}/shipments/exceptions", async (string storeId, ClaimsPrincipal user, ShipmentQueries shipments, CancellationToken ct, int limit = 100) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await shipments.ListWithOpenExceptionsAsync(stores, limit, ct)))
            .WithSummary("Parcels with open exceptions, most recent first.").WithTags("Shipments").Produces<List<ShipmentSummary>>().ProducesProblem(404);
        api.MapGet("/stores/{storeId}/shipments/stuck", async (
                string storeId, ClaimsPrincipal user, ShipmentQueries shipments, TimeProvider clock, CancellationToken ct, int hours = 48, int limit = 100) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : hours is < 1 or > QueryRanges.MaxStuckHours ? ApiProblems.Invalid("hours", $"Between 1 and {QueryRanges.MaxStuckHours}.")
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await shipments.ListStuckAsync(stores, clock.GetUtcNow(), TimeSpan.FromHours(hours), limit, ct)))
            .WithSummary("Parcels with the carrier and no scan for more than `hours` (default 48), longest silence first.")
            .WithTags("Shipments").Produces<List<StuckShipment>>().ProducesProblem(404);
    }
}
