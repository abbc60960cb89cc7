using System.Collections.Immutable;

namespace OrderLedger.Domain.Shipments;

// ---- Commands ----------------------------------------------------------------------------------------------

public abstract record ShipmentCommand(string ShipmentId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <summary>A parcel from one warehouse for (part of) an order. Each line's barcode is what the packer must scan.</summary>
public sealed record CreateShipment(
    string ShipmentId,
    string OrderId,
    string StoreId,
    string WarehouseId,
    IReadOnlyList<ShipmentLine> Lines,
    PostalAddress ShippingAddress,
    DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

public sealed record RecordPicked(string ShipmentId, string PickerId, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

/// <summary>The packer scanned one barcode per unit and weighed the parcel.</summary>
public sealed record PackAndVerify(string ShipmentId, IReadOnlyList<string> ScannedBarcodes, int WeightGrams, string PackerId, DateTimeOffset OccurredAt)
    : ShipmentCommand(ShipmentId);

public sealed record HandOverToCarrier(string ShipmentId, string Carrier, string TrackingNumber, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

public sealed record RecordTrackingScan(string ShipmentId, string Location, string Status, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

public sealed record MarkDelivered(string ShipmentId, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

public sealed record ReportShipmentException(string ShipmentId, ShipmentExceptionKind Kind, string Note, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

/// <summary>Stop the parcel before it leaves the warehouse (e.g. the order was cancelled or the address is wrong).</summary>
public sealed record InterceptShipment(string ShipmentId, string Reason, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

public sealed record ReturnToSender(string ShipmentId, string Reason, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

/// <summary>The parcel the buyer refused (returned to sender) is back at the warehouse it left from.</summary>
public sealed record ReceiveReturnedShipment(string ShipmentId, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

/// <summary>Takes units out of a parcel still in the warehouse (they were refunded); a packed parcel must be packed again.</summary>
public sealed record AmendShipment(string ShipmentId, IReadOnlyList<ShipmentUnits> Removed, string Reason, DateTimeOffset OccurredAt) : ShipmentCommand(ShipmentId);

public sealed record ShipmentUnits(string Sku, int Quantity);

public sealed record ShipmentLine(string Sku, int Quantity, string Barcode);

public enum ShipmentExceptionKind
{
    Delayed,
    AddressError,
    Lost,
    Damaged,
}

// ---- Events ------------------------------------------------------------------------------------------------

/// <summary>
/// A fact on a parcel's stream, <c>shipment-{ShipmentId}</c>. Every event of the family carries the id; each event's
/// positional parameter overrides the abstract property, which keeps the JSON as it was (docs/domain.md, "event ids").
/// </summary>
public abstract record ShipmentEvent
{
    public abstract string ShipmentId { get; init; }
}

public sealed record ShipmentCreated(
    string ShipmentId,
    string OrderId,
    string StoreId,
    string WarehouseId,
    IReadOnlyList<ShipmentLine> Lines,
    PostalAddress ShippingAddress,
    DateTimeOffset OccurredAt) : ShipmentEvent, IStoreScoped;

public sealed record ShipmentPicked(string ShipmentId, string PickerId, DateTimeOffset OccurredAt) : ShipmentEvent;

public sealed record ShipmentPackedAndVerified(string ShipmentId, IReadOnlyList<string> ScannedBarcodes, int WeightGrams, string PackerId, DateTimeOffset OccurredAt) : ShipmentEvent;

public sealed record ShipmentHandedToCarrier(string ShipmentId, string OrderId, string Carrier, string TrackingNumber, DateTimeOffset OccurredAt) : ShipmentEvent;

public sealed record ShipmentTrackingScanned(string ShipmentId, string Location, string Status, DateTimeOffset OccurredAt) : ShipmentEvent;

public sealed record ShipmentDelivered(string ShipmentId, string OrderId, DateTimeOffset OccurredAt) : ShipmentEvent;

public sealed record ShipmentExceptionReported(string ShipmentId, ShipmentExceptionKind Kind, string Note, DateTimeOffset OccurredAt) : ShipmentEvent;

public sealed record ShipmentIntercepted(string ShipmentId, string OrderId, string Reason, DateTimeOffset OccurredAt) : ShipmentEvent;

/// <param name="Lines">What the parcel carries after the amendment.</param>
public sealed record ShipmentAmended(string ShipmentId, string OrderId, IReadOnlyList<ShipmentUnits> Removed, IReadOnlyList<ShipmentLine> Lines, string Reason, DateTimeOffset OccurredAt) : ShipmentEvent;

public sealed record ShipmentReturnedToSender(string ShipmentId, string OrderId, string Reason, DateTimeOffset OccurredAt) : ShipmentEvent;

/// <summary>A refused parcel arrived back at <paramref name="WarehouseId"/> with <paramref name="Lines"/> (restocked and refunded by the workflow).</summary>
public sealed record ShipmentBackAtWarehouse(string ShipmentId, string OrderId, string WarehouseId, IReadOnlyList<ShipmentLine> Lines, DateTimeOffset OccurredAt) : ShipmentEvent;

// ---- State -------------------------------------------------------------------------------------------------

public enum ShipmentStatus
{
    None,
    Created,
    Picked,
    Packed,
    HandedToCarrier,
    Delivered,
    Intercepted,
    ReturnedToSender,
    BackAtWarehouse,
}

public sealed record ShipmentState(
    ShipmentStatus Status,
    string ShipmentId,
    string OrderId,
    string StoreId,
    string WarehouseId,
    ImmutableList<ShipmentLine> Lines,
    int? WeightGrams,
    string? Carrier,
    string? TrackingNumber,
    ImmutableList<ShipmentExceptionKind> Exceptions) : IStoreScoped
{
    public static ShipmentState Initial { get; } = new(ShipmentStatus.None, "", "", "", "", [], null, null, null, []);

    /// <summary>The parcel's last movement with the carrier: the hand-over, then each tracking scan.</summary>
    public DateTimeOffset? LastMovementAt { get; init; }

    public bool HandedOver => Status is ShipmentStatus.HandedToCarrier or ShipmentStatus.Delivered or ShipmentStatus.ReturnedToSender or ShipmentStatus.BackAtWarehouse;
}

// ---- Decider -----------------------------------------------------------------------------------------------

/// <summary>A parcel's journey (stream <c>shipment-{shipmentId}</c>): pick, pack and verify, hand-over, tracking, delivery, exceptions.</summary>
public static class ShipmentDecider
{
    public static Decider<ShipmentCommand, ShipmentEvent, ShipmentState> Decider { get; } = new(Decide, Evolve, ShipmentState.Initial);

    public static Decision<ShipmentEvent> Decide(ShipmentCommand command, ShipmentState state) => (command, state.Status) switch
    {
        (CreateShipment c, ShipmentStatus.None) => Create(c),
        (CreateShipment c, _) when c.OrderId == state.OrderId && c.WarehouseId == state.WarehouseId => Decision<ShipmentEvent>.Nothing,
        (CreateShipment c, _) => DomainError.Conflict("shipment.already-exists", $"Shipment {c.ShipmentId} already exists for order {state.OrderId}."),
        (_, ShipmentStatus.None) => DomainError.Conflict("shipment.not-found", $"Shipment {command.ShipmentId} was not created."),

        (RecordPicked c, ShipmentStatus.Created) => new ShipmentPicked(c.ShipmentId, c.PickerId, c.OccurredAt),
        (RecordPicked, ShipmentStatus.Picked) => Decision<ShipmentEvent>.Nothing,
        (RecordPicked, _) => WrongStep(command, state, "picked"),

        (PackAndVerify c, ShipmentStatus.Picked) => Pack(c, state),
        (PackAndVerify c, ShipmentStatus.Packed) when c.ScannedBarcodes.Count == state.Lines.Sum(l => l.Quantity) && c.WeightGrams == state.WeightGrams =>
            Decision<ShipmentEvent>.Nothing,
        (PackAndVerify, ShipmentStatus.Created) => DomainError.Conflict("shipment.not-picked", "The shipment is packed after it is picked."),
        (PackAndVerify, _) => WrongStep(command, state, "packed"),

        (HandOverToCarrier c, ShipmentStatus.Packed) => string.IsNullOrWhiteSpace(c.Carrier) || string.IsNullOrWhiteSpace(c.TrackingNumber)
            ? DomainError.Invalid("shipment.tracking-required", "A hand-over names the carrier and the tracking number.")
            : new ShipmentHandedToCarrier(c.ShipmentId, state.OrderId, c.Carrier, c.TrackingNumber, c.OccurredAt),
        (HandOverToCarrier c, ShipmentStatus.HandedToCarrier) when c.TrackingNumber == state.TrackingNumber => Decision<ShipmentEvent>.Nothing,
        (HandOverToCarrier, ShipmentStatus.Created or ShipmentStatus.Picked) =>
            DomainError.Conflict("shipment.not-verified", "Only a packed and verified shipment is handed to the carrier."),
        (HandOverToCarrier, _) => WrongStep(command, state, "handed to the carrier"),

        (RecordTrackingScan c, ShipmentStatus.HandedToCarrier) => new ShipmentTrackingScanned(c.ShipmentId, c.Location, c.Status, c.OccurredAt),
        (RecordTrackingScan, _) => WrongStep(command, state, "scanned in transit"),

        (MarkDelivered c, ShipmentStatus.HandedToCarrier) => new ShipmentDelivered(c.ShipmentId, state.OrderId, c.OccurredAt),
        (MarkDelivered, ShipmentStatus.Delivered) => Decision<ShipmentEvent>.Nothing,
        (MarkDelivered, _) => WrongStep(command, state, "delivered"),

        (ReportShipmentException c, ShipmentStatus.Delivered) when c.Kind != ShipmentExceptionKind.Damaged =>
            DomainError.Conflict("shipment.delivered", "After delivery only damage can be reported."),
        (ReportShipmentException, ShipmentStatus.Intercepted or ShipmentStatus.ReturnedToSender or ShipmentStatus.BackAtWarehouse) => WrongStep(command, state, "reported"),
        (ReportShipmentException c, _) => new ShipmentExceptionReported(c.ShipmentId, c.Kind, c.Note, c.OccurredAt),

        (InterceptShipment c, ShipmentStatus.Created or ShipmentStatus.Picked or ShipmentStatus.Packed) =>
            new ShipmentIntercepted(c.ShipmentId, state.OrderId, c.Reason, c.OccurredAt),
        (InterceptShipment, ShipmentStatus.Intercepted) => Decision<ShipmentEvent>.Nothing,
        (InterceptShipment, _) => DomainError.Conflict("shipment.intercept-after-handover", "A shipment can be intercepted only before it is handed to the carrier."),

        (AmendShipment c, ShipmentStatus.Created or ShipmentStatus.Picked or ShipmentStatus.Packed) => Amend(c, state),
        (AmendShipment, _) => DomainError.Conflict("shipment.amend-after-handover", "Units are taken out of a parcel only before it is handed to the carrier."),

        (ReturnToSender c, ShipmentStatus.HandedToCarrier) => new ShipmentReturnedToSender(c.ShipmentId, state.OrderId, c.Reason, c.OccurredAt),
        (ReturnToSender, ShipmentStatus.ReturnedToSender) => Decision<ShipmentEvent>.Nothing,
        (ReturnToSender, ShipmentStatus.BackAtWarehouse) => Decision<ShipmentEvent>.Nothing,
        (ReturnToSender, _) => WrongStep(command, state, "returned to sender"),

        (ReceiveReturnedShipment c, ShipmentStatus.ReturnedToSender) => new ShipmentBackAtWarehouse(c.ShipmentId, state.OrderId, state.WarehouseId, state.Lines, c.OccurredAt),
        (ReceiveReturnedShipment, ShipmentStatus.BackAtWarehouse) => Decision<ShipmentEvent>.Nothing,
        (ReceiveReturnedShipment, _) => WrongStep(command, state, "received back at the warehouse (only a parcel returned to sender is)"),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown shipment command."),
    };

    public static ShipmentState Evolve(ShipmentState state, ShipmentEvent @event) => @event switch
    {
        ShipmentCreated e => state with { Status = ShipmentStatus.Created, ShipmentId = e.ShipmentId, OrderId = e.OrderId, StoreId = e.StoreId, WarehouseId = e.WarehouseId, Lines = [.. e.Lines] },
        ShipmentPicked => state with { Status = ShipmentStatus.Picked },
        ShipmentPackedAndVerified e => state with { Status = ShipmentStatus.Packed, WeightGrams = e.WeightGrams },
        ShipmentHandedToCarrier e => state with { Status = ShipmentStatus.HandedToCarrier, Carrier = e.Carrier, TrackingNumber = e.TrackingNumber, LastMovementAt = e.OccurredAt },
        ShipmentTrackingScanned e => state with { LastMovementAt = e.OccurredAt },
        ShipmentDelivered => state with { Status = ShipmentStatus.Delivered },
        ShipmentExceptionReported e => state with { Exceptions = state.Exceptions.Add(e.Kind) },
        ShipmentIntercepted => state with { Status = ShipmentStatus.Intercepted },
        ShipmentReturnedToSender => state with { Status = ShipmentStatus.ReturnedToSender },
        ShipmentBackAtWarehouse => state with { Status = ShipmentStatus.BackAtWarehouse },
        ShipmentAmended e => state with { Lines = [.. e.Lines], Status = state.Status == ShipmentStatus.Packed ? ShipmentStatus.Picked : state.Status, WeightGrams = null },
        _ => state,
    };

    private static Decision<ShipmentEvent> Create(CreateShipment c)
    {
        if (c.Lines.Count == 0 || c.Lines.Any(l => l.Quantity <= 0 || string.IsNullOrWhiteSpace(l.Barcode)))
        {
            return DomainError.Invalid("shipment.lines-invalid", "A shipment has lines with positive quantities and a barcode each.");
        }

        return new ShipmentCreated(c.ShipmentId, c.OrderId, c.StoreId, c.WarehouseId, c.Lines, c.ShippingAddress, c.OccurredAt);
    }

    /// <summary>Every unit scanned exactly once: the scanned barcodes, as a multiset, equal the lines' barcodes times quantities.</summary>
    private static Decision<ShipmentEvent> Pack(PackAndVerify c, ShipmentState state)
    {
        if (c.WeightGrams <= 0)
        {
            return DomainError.Invalid("shipment.weight-invalid", "The packed parcel's weight must be recorded in grams.");
        }

        var scanned = c.ScannedBarcodes.GroupBy(b => b, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var faults = new List<LineFault>();
        foreach (var line in state.Lines)
        {
            var count = scanned.GetValueOrDefault(line.Barcode);
            if (count != line.Quantity)
            {
                faults.Add(new LineFault(line.Sku, line.Quantity, count, count < line.Quantity ? "missing-units" : "extra-units"));
            }
        }

        foreach (var unknown in scanned.Keys.Where(b => state.Lines.All(l => l.Barcode != b)))
        {
            faults.Add(new LineFault(unknown, 0, scanned[unknown], "not-on-shipment"));
        }

        return faults.Count > 0
            ? new DomainError("shipment.scan-mismatch", "The scanned items do not match the shipment lines.", faults)
            : new ShipmentPackedAndVerified(c.ShipmentId, c.ScannedBarcodes, c.WeightGrams, c.PackerId, c.OccurredAt);
    }

    /// <summary>What the parcel still carries once <paramref name="removed"/> is taken out; null when some units are not on it.</summary>
    public static IReadOnlyList<ShipmentLine>? LinesAfter(ShipmentState state, IReadOnlyList<ShipmentUnits> removed)
    {
        var taken = removed.GroupBy(r => r.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity), StringComparer.Ordinal);
        if (removed.Any(r => r.Quantity <= 0) || taken.Any(t => state.Lines.FirstOrDefault(l => l.Sku == t.Key) is not { } line || line.Quantity < t.Value))
        {
            return null;
        }

        return [.. state.Lines.Select(l => l with { Quantity = l.Quantity - taken.GetValueOrDefault(l.Sku) }).Where(l => l.Quantity > 0)];
    }

    private static Decision<ShipmentEvent> Amend(AmendShipment c, ShipmentState state) => LinesAfter(state, c.Removed) switch
    {
        null => DomainError.Invalid("shipment.amendment-invalid", "Only units on the parcel, each a positive quantity, can be taken out of it."),
        { Count: 0 } => DomainError.Conflict("shipment.amendment-empties", "Taking out every unit leaves nothing to ship; intercept the parcel instead."),
        var lines => new ShipmentAmended(c.ShipmentId, state.OrderId, c.Removed, lines, c.Reason, c.OccurredAt),
    };

    private static DomainError WrongStep(ShipmentCommand command, ShipmentState state, string step) =>
        DomainError.Conflict($"shipment.{Kebab(state.Status)}", $"Shipment {command.ShipmentId} is {Kebab(state.Status)}; it cannot be {step} now.");

    private static string Kebab(ShipmentStatus status) => status switch
    {
        ShipmentStatus.HandedToCarrier => "handed-to-carrier",
        ShipmentStatus.ReturnedToSender => "returned-to-sender",
        ShipmentStatus.BackAtWarehouse => "back-at-warehouse",
        _ => status.ToString().ToLowerInvariant(),
    };
}
