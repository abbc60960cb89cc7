using OrderLedger.Domain;
using OrderLedger.Domain.Shipments;

namespace OrderLedger.Api.Commands;

/// <summary>Parcels and carrier scans (stream <c>shipment-{shipmentId}</c>; the hand-over also commits stock and records it on the order).</summary>
public static class ShipmentCommands
{
    public static void MapShipmentCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<CreateShipmentBody>("/shipments/{shipmentId}", "Create a parcel for what the order allocated to one warehouse.", (b, f) =>
            new CreateShipment(
                f.Route("shipmentId"), f.Text(b.OrderId), f.Text(b.StoreId), f.Text(b.WarehouseId), f.List(b.Lines), f.Required(b.ShippingAddress), f.OccurredAt));
        api.MapCommand<PickedBody>("/shipments/{shipmentId}/picked", "Record that the parcel's items were picked (picker defaults to the caller).", (b, f) =>
            new RecordPicked(f.Route("shipmentId"), b.PickerId ?? f.Caller, f.OccurredAt));
        api.MapCommand<PackedBody>("/shipments/{shipmentId}/packed", "Record packing: one scanned barcode per unit and the weight.", (b, f) =>
            new PackAndVerify(f.Route("shipmentId"), f.List(b.ScannedBarcodes), f.Value(b.WeightGrams), b.PackerId ?? f.Caller, f.OccurredAt));
        api.MapCommand<HandOverBody>("/shipments/{shipmentId}/handover", "Hand the parcel to the carrier (commits the reserved stock).", (b, f) =>
            new HandOverToCarrier(f.Route("shipmentId"), f.Text(b.Carrier), f.Text(b.TrackingNumber), f.OccurredAt));
        api.MapCommand<ScanBody>("/shipments/{shipmentId}/scans", "Record a carrier tracking scan.", (b, f) =>
            new RecordTrackingScan(f.Route("shipmentId"), f.Text(b.Location), f.Text(b.Status), f.OccurredAt));
        api.MapCommand<EmptyBody>("/shipments/{shipmentId}/delivered", "Record delivery.", (_, f) =>
            new MarkDelivered(f.Route("shipmentId"), f.OccurredAt));
        api.MapCommand<ShipmentExceptionBody>("/shipments/{shipmentId}/exceptions", "Report an exception: delayed, address error, lost or damaged.", (b, f) =>
            new ReportShipmentException(f.Route("shipmentId"), f.Value(b.Kind), b.Note ?? "", f.OccurredAt));
        api.MapCommand<ReasonBody>("/shipments/{shipmentId}/interception", "Stop the parcel before it is handed to the carrier.", (b, f) =>
            new InterceptShipment(f.Route("shipmentId"), f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<ReasonBody>("/shipments/{shipmentId}/return-to-sender", "Record that the carrier returned the parcel.", (b, f) =>
            new ReturnToSender(f.Route("shipmentId"), f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<EmptyBody>("/shipments/{shipmentId}/back-at-warehouse", "Record that the refused parcel is back at its warehouse (restocks it, refunds it by rule).", (_, f) =>
            new ReceiveReturnedShipment(f.Route("shipmentId"), f.OccurredAt));
    }
}

public sealed record CreateShipmentBody(
    string? OrderId, string? StoreId, string? WarehouseId, IReadOnlyList<ShipmentLine?>? Lines, PostalAddress? ShippingAddress) : CommandBody;

public sealed record PickedBody(string? PickerId) : CommandBody;

public sealed record PackedBody(IReadOnlyList<string?>? ScannedBarcodes, int? WeightGrams, string? PackerId) : CommandBody;

public sealed record HandOverBody(string? Carrier, string? TrackingNumber) : CommandBody;

public sealed record ScanBody(string? Location, string? Status) : CommandBody;

public sealed record ShipmentExceptionBody(ShipmentExceptionKind? Kind, string? Note) : CommandBody;
