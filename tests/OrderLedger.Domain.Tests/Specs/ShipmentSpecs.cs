using OrderLedger.Domain.Shipments;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class ShipmentSpecs
{
    private static readonly Spec<ShipmentCommand, ShipmentEvent, ShipmentState> Shipment = new(ShipmentDecider.Decider);

    private const string TeaCode = "6901234567892";
    private const string MugCode = "6901234567908";
    private static readonly ShipmentLine[] Lines = [new("TEA-01", 2, TeaCode), new("MUG-01", 1, MugCode)];

    private static readonly ShipmentCreated Created = new("sh-1", "o-1", "s-1", "WH-SH", Lines, Shanghai, At(10));
    private static readonly ShipmentPicked Picked = new("sh-1", "picker-1", At(20));
    private static readonly ShipmentPackedAndVerified Packed = new("sh-1", [TeaCode, MugCode, TeaCode], 820, "packer-1", At(30));
    private static readonly ShipmentHandedToCarrier HandedOver = new("sh-1", "o-1", "SF", "SF123", At(40));

    // ---- CreateShipment ----------------------------------------------------------------------------------

    [Fact]
    public void A_shipment_is_created_for_an_order_from_one_warehouse() =>
        Shipment.When(new CreateShipment("sh-1", "o-1", "s-1", "WH-SH", Lines, Shanghai, At(10))).Then(Created);

    [Fact]
    public void Creating_the_same_shipment_again_changes_nothing() =>
        Shipment.Given(Created).When(new CreateShipment("sh-1", "o-1", "s-1", "WH-SH", Lines, Shanghai, At(11))).ThenNothing();

    [Fact]
    public void A_shipment_id_belongs_to_one_order() =>
        Shipment.Given(Created).When(new CreateShipment("sh-1", "o-2", "s-1", "WH-SH", Lines, Shanghai, At(11))).ThenError("shipment.already-exists");

    [Fact]
    public void Shipment_lines_have_quantities_and_barcodes() =>
        Shipment.When(new CreateShipment("sh-1", "o-1", "s-1", "WH-SH", [new("TEA-01", 1, "")], Shanghai, At(10))).ThenError("shipment.lines-invalid");

    [Fact]
    public void Nothing_happens_to_a_shipment_never_created() =>
        Shipment.When(new RecordPicked("sh-1", "picker-1", At(20))).ThenError("shipment.not-found");

    // ---- RecordPicked ------------------------------------------------------------------------------------

    [Fact]
    public void Picking_is_recorded() =>
        Shipment.Given(Created).When(new RecordPicked("sh-1", "picker-1", At(20))).Then(Picked);

    [Fact]
    public void Picking_twice_changes_nothing() =>
        Shipment.Given(Created, Picked).When(new RecordPicked("sh-1", "picker-1", At(21))).ThenNothing();

    // ---- PackAndVerify -----------------------------------------------------------------------------------

    [Fact]
    public void Packing_is_verified_when_every_unit_is_scanned_and_the_weight_recorded() =>
        Shipment.Given(Created, Picked).When(new PackAndVerify("sh-1", [TeaCode, MugCode, TeaCode], 820, "packer-1", At(30))).Then(Packed);

    [Fact]
    public void A_missing_unit_fails_verification_with_the_line_at_fault()
    {
        var error = Shipment.Given(Created, Picked).When(new PackAndVerify("sh-1", [TeaCode, MugCode], 820, "packer-1", At(30)))
            .ThenError("shipment.scan-mismatch");
        Assert.Equal(new LineFault("TEA-01", 2, 1, "missing-units"), Assert.Single(error.Lines!));
    }

    [Fact]
    public void A_wrong_item_fails_verification()
    {
        var error = Shipment.Given(Created, Picked).When(new PackAndVerify("sh-1", [TeaCode, TeaCode, "0000000000000"], 820, "packer-1", At(30)))
            .ThenError("shipment.scan-mismatch");
        Assert.Equal(
            [new LineFault("MUG-01", 1, 0, "missing-units"), new LineFault("0000000000000", 0, 1, "not-on-shipment")],
            error.Lines!);
    }

    [Fact]
    public void An_extra_unit_fails_verification() =>
        Shipment.Given(Created, Picked).When(new PackAndVerify("sh-1", [TeaCode, TeaCode, TeaCode, MugCode], 820, "packer-1", At(30)))
            .ThenError("shipment.scan-mismatch");

    [Fact]
    public void The_weight_must_be_recorded() =>
        Shipment.Given(Created, Picked).When(new PackAndVerify("sh-1", [TeaCode, MugCode, TeaCode], 0, "packer-1", At(30))).ThenError("shipment.weight-invalid");

    [Fact]
    public void Packing_comes_after_picking() =>
        Shipment.Given(Created).When(new PackAndVerify("sh-1", [TeaCode, MugCode, TeaCode], 820, "packer-1", At(30))).ThenError("shipment.not-picked");

    [Fact]
    public void Packing_the_same_parcel_again_changes_nothing() =>
        Shipment.Given(Created, Picked, Packed).When(new PackAndVerify("sh-1", [TeaCode, MugCode, TeaCode], 820, "packer-1", At(31))).ThenNothing();

    // ---- HandOverToCarrier -------------------------------------------------------------------------------

    [Fact]
    public void A_verified_parcel_is_handed_to_the_carrier_with_its_tracking_number() =>
        Shipment.Given(Created, Picked, Packed).When(new HandOverToCarrier("sh-1", "SF", "SF123", At(40))).Then(HandedOver);

    [Fact]
    public void An_unverified_parcel_is_not_handed_over() =>
        Shipment.Given(Created, Picked).When(new HandOverToCarrier("sh-1", "SF", "SF123", At(40))).ThenError("shipment.not-verified");

    [Fact]
    public void A_hand_over_needs_a_tracking_number() =>
        Shipment.Given(Created, Picked, Packed).When(new HandOverToCarrier("sh-1", "SF", "", At(40))).ThenError("shipment.tracking-required");

    [Fact]
    public void Handing_over_twice_changes_nothing() =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new HandOverToCarrier("sh-1", "SF", "SF123", At(41))).ThenNothing();

    [Fact]
    public void An_intercepted_parcel_is_not_handed_over() =>
        Shipment.Given(Created, Picked, Packed, new ShipmentIntercepted("sh-1", "o-1", "cancelled", At(35)))
            .When(new HandOverToCarrier("sh-1", "SF", "SF123", At(40))).ThenError("shipment.intercepted");

    // ---- RecordTrackingScan ------------------------------------------------------------------------------

    [Fact]
    public void Tracking_scans_are_recorded_in_transit() =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new RecordTrackingScan("sh-1", "Shanghai hub", "in-transit", At(100)))
            .Then(new ShipmentTrackingScanned("sh-1", "Shanghai hub", "in-transit", At(100)));

    [Fact]
    public void No_tracking_scan_before_the_hand_over() =>
        Shipment.Given(Created, Picked, Packed).When(new RecordTrackingScan("sh-1", "Shanghai hub", "in-transit", At(100))).ThenError("shipment.packed");

    // ---- MarkDelivered -----------------------------------------------------------------------------------

    [Fact]
    public void A_parcel_in_transit_is_delivered() =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new MarkDelivered("sh-1", At(600))).Then(new ShipmentDelivered("sh-1", "o-1", At(600)));

    [Fact]
    public void Delivering_twice_changes_nothing() =>
        Shipment.Given(Created, Picked, Packed, HandedOver, new ShipmentDelivered("sh-1", "o-1", At(600))).When(new MarkDelivered("sh-1", At(601))).ThenNothing();

    [Fact]
    public void A_parcel_still_in_the_warehouse_is_not_delivered() =>
        Shipment.Given(Created, Picked, Packed).When(new MarkDelivered("sh-1", At(600))).ThenError("shipment.packed");

    // ---- ReportShipmentException -------------------------------------------------------------------------

    [Theory]
    [InlineData(ShipmentExceptionKind.Delayed)]
    [InlineData(ShipmentExceptionKind.AddressError)]
    [InlineData(ShipmentExceptionKind.Lost)]
    [InlineData(ShipmentExceptionKind.Damaged)]
    public void Logistics_exceptions_are_recorded(ShipmentExceptionKind kind) =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new ReportShipmentException("sh-1", kind, "note", At(200)))
            .Then(new ShipmentExceptionReported("sh-1", kind, "note", At(200)));

    [Fact]
    public void After_delivery_only_damage_is_reported() =>
        Shipment.Given(Created, Picked, Packed, HandedOver, new ShipmentDelivered("sh-1", "o-1", At(600)))
            .When(new ReportShipmentException("sh-1", ShipmentExceptionKind.Lost, "?", At(700))).ThenError("shipment.delivered");

    [Fact]
    public void Damage_found_on_delivery_is_recorded() =>
        Shipment.Given(Created, Picked, Packed, HandedOver, new ShipmentDelivered("sh-1", "o-1", At(600)))
            .When(new ReportShipmentException("sh-1", ShipmentExceptionKind.Damaged, "crushed", At(700)))
            .Then(new ShipmentExceptionReported("sh-1", ShipmentExceptionKind.Damaged, "crushed", At(700)));

    // ---- InterceptShipment -------------------------------------------------------------------------------

    [Fact]
    public void A_parcel_is_intercepted_before_the_hand_over() =>
        Shipment.Given(Created, Picked, Packed).When(new InterceptShipment("sh-1", "order cancelled", At(35)))
            .Then(new ShipmentIntercepted("sh-1", "o-1", "order cancelled", At(35)));

    [Fact]
    public void A_parcel_with_the_carrier_cannot_be_intercepted() =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new InterceptShipment("sh-1", "order cancelled", At(45)))
            .ThenError("shipment.intercept-after-handover");

    [Fact]
    public void Intercepting_twice_changes_nothing() =>
        Shipment.Given(Created, new ShipmentIntercepted("sh-1", "o-1", "x", At(15))).When(new InterceptShipment("sh-1", "y", At(16))).ThenNothing();

    // ---- ReturnToSender ----------------------------------------------------------------------------------

    [Fact]
    public void A_parcel_in_transit_can_be_returned_to_sender() =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new ReturnToSender("sh-1", "refused", At(300)))
            .Then(new ShipmentReturnedToSender("sh-1", "o-1", "refused", At(300)));

    [Fact]
    public void A_delivered_parcel_is_not_returned_to_sender() =>
        Shipment.Given(Created, Picked, Packed, HandedOver, new ShipmentDelivered("sh-1", "o-1", At(600)))
            .When(new ReturnToSender("sh-1", "refused", At(700))).ThenError("shipment.delivered");

    // ---- AmendShipment -----------------------------------------------------------------------------------

    [Fact]
    public void Refunded_units_are_taken_out_of_a_packed_parcel_which_must_be_packed_again()
    {
        var amended = new ShipmentAmended("sh-1", "o-1", [new ShipmentUnits("TEA-01", 1)], [new("TEA-01", 1, TeaCode), new("MUG-01", 1, MugCode)], "refund r-1", At(35));
        Shipment.Given(Created, Picked, Packed).When(new AmendShipment("sh-1", [new ShipmentUnits("TEA-01", 1)], "refund r-1", At(35))).Then(amended);
        Assert.Equal(ShipmentStatus.Picked, Shipment.Given(Created, Picked, Packed, amended).State.Status);
    }

    [Fact]
    public void A_line_taken_out_in_full_leaves_the_parcel() =>
        Shipment.Given(Created).When(new AmendShipment("sh-1", [new ShipmentUnits("MUG-01", 1)], "refund r-1", At(15)))
            .Then(new ShipmentAmended("sh-1", "o-1", [new ShipmentUnits("MUG-01", 1)], [new("TEA-01", 2, TeaCode)], "refund r-1", At(15)));

    [Fact]
    public void Taking_out_every_unit_is_an_interception_instead() =>
        Shipment.Given(Created).When(new AmendShipment("sh-1", [new ShipmentUnits("TEA-01", 2), new ShipmentUnits("MUG-01", 1)], "refund r-1", At(15)))
            .ThenError("shipment.amendment-empties");

    [Fact]
    public void Only_units_on_the_parcel_are_taken_out() =>
        Shipment.Given(Created).When(new AmendShipment("sh-1", [new ShipmentUnits("TEA-01", 3)], "refund r-1", At(15))).ThenError("shipment.amendment-invalid");

    [Fact]
    public void A_parcel_with_the_carrier_is_not_amended() =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new AmendShipment("sh-1", [new ShipmentUnits("TEA-01", 1)], "refund r-1", At(45)))
            .ThenError("shipment.amend-after-handover");

    // ---- ReceiveReturnedShipment -------------------------------------------------------------------------

    private static readonly ShipmentReturnedToSender Refused = new("sh-1", "o-1", "buyer refused", At(60));

    [Fact]
    public void A_refused_parcel_back_at_its_warehouse_is_recorded_with_its_lines() =>
        Shipment.Given(Created, Picked, Packed, HandedOver, Refused).When(new ReceiveReturnedShipment("sh-1", At(90)))
            .Then(new ShipmentBackAtWarehouse("sh-1", "o-1", "WH-SH", Lines, At(90)));

    [Fact]
    public void Receiving_a_refused_parcel_twice_changes_nothing() =>
        Shipment.Given(Created, Picked, Packed, HandedOver, Refused, new ShipmentBackAtWarehouse("sh-1", "o-1", "WH-SH", Lines, At(90)))
            .When(new ReceiveReturnedShipment("sh-1", At(95))).ThenNothing();

    [Fact]
    public void Only_a_parcel_returned_to_sender_comes_back_to_the_warehouse() =>
        Shipment.Given(Created, Picked, Packed, HandedOver).When(new ReceiveReturnedShipment("sh-1", At(90))).ThenError("shipment.handed-to-carrier");

    [Fact]
    public void A_parcel_back_at_the_warehouse_is_not_returned_to_sender_again() =>
        Shipment.Given(Created, Picked, Packed, HandedOver, Refused, new ShipmentBackAtWarehouse("sh-1", "o-1", "WH-SH", Lines, At(90)))
            .When(new ReturnToSender("sh-1", "again", At(95))).ThenNothing();
}
