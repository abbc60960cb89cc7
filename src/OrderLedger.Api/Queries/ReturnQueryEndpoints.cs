using System.Security.Claims;
using OrderLedger.Api.Validation;
using OrderLedger.Application.Refunds;

namespace OrderLedger.Api.Queries;

/// <summary>A return parcel by its tracking number (unique in its store), read from the streams (<see cref="ReturnParcels"/>).</summary>
public static class ReturnQueryEndpoints
{
    public static void MapReturnQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stores/{storeId}/returns/{trackingNumber}", async (string storeId, string trackingNumber, ClaimsPrincipal user, ReturnParcels parcels, CancellationToken ct) =>
            {
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                if (!InputValidator.CheckText("trackingNumber", "trackingNumber", trackingNumber, errors))
                {
                    return ApiProblems.Invalid(errors);
                }

                return user.Visible(storeId) is null ? StoreScope.StoreNotFound(storeId)
                    : await parcels.FindAsync(storeId, trackingNumber, ct) is { } parcel ? Results.Ok(parcel)
                    : ApiProblems.NotFound($"Return parcel '{trackingNumber}' of store '{storeId}'");
            })
            .WithSummary("What a return parcel is: its refund, order, buyer, lines, the address it was sent to and the refund's state.")
            .WithTags("Refunds").Produces<ReturnParcel>().ProducesValidationProblem().ProducesProblem(404);
    }
}
