using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

/// <summary>
/// The rules a workflow checks against another aggregate's state before it appends anything: given that aggregate's
/// events, when the check runs for the command, then ok or exactly this refusal.
/// </summary>
public class PreCheckSpecs
{
    private static readonly Spec<StoreCommand, StoreEvent, StoreState> Store = new(StoreDecider.Decider);
    private static readonly Spec<OrderCommand, OrderEvent, OrderState> Order = new(OrderDecider.Decider);
    private static readonly Spec<ShipmentCommand, ShipmentEvent, ShipmentState> Shipment = new(ShipmentDecider.Decider);
    private static readonly Spec<ClaimWarehouse, WarehouseEvent, WarehouseState> Warehouse = new(WarehouseDecider.Decider);
    private static readonly Spec<RefundCommand, RefundEvent, RefundState> Refund = new(RefundDecider.Decider);

    private static readonly StoreRegistered Registered = new("s-1", "Tea House", "Asia/Shanghai", "CNY", T0);
    private static readonly PlaceOrder Place = new("o-1", "s-1", "c-1", "web", "CNY", [Tea, Mug], Shanghai, At(30), T0);

    private static readonly OrderPlaced Placed = new("o-1", "s-1", "c-1", "web", "CNY", [Tea, Mug], 130m, Shanghai, At(30), T0);
    private static readonly OrderAllocated Allocated = new("o-1", [new("TEA-01", "WH-SH", 2), new("MUG-01", "WH-SH", 1)], T0);
    private static readonly OrderPaymentConfirmed Paid = new("o-1", 130m, "CNY", "pay-1", At(5));

    private static readonly ShipmentLine[] Lines = [new("TEA-01", 2, "6901234567892"), new("MUG-01", 1, "6901234567908")];
    private static readonly ShipmentCreated Created = new("sh-1", "o-1", "s-1", "WH-SH", Lines, Shanghai, At(10));
    private static readonly ShipmentPicked Picked = new("sh-1", "picker-1", At(20));
    private static readonly ShipmentPackedAndVerified Packed = new("sh-1", ["6901234567892", "6901234567908", "6901234567892"], 820, "packer-1", At(30));

    private static CreateShipment Create(params ShipmentLine[] lines) => new("sh-1", "o-1", "s-1", "WH-SH", lines.Length > 0 ? lines : Lines, Shanghai, At(10));

    // ---- PlaceOrder against its store --------------------------------------------------------------------

    [Fact]
    public void An_order_is_placed_in_a_registered_store_in_its_currency() =>
        Store.Given(Registered).WhenChecked(store => PlacementChecks.AgainstStore(Place, store)).ThenOk();

    [Fact]
    public void An_order_needs_a_registered_store() =>
        Store.WhenChecked(store => PlacementChecks.AgainstStore(Place, store)).ThenError("store.not-registered");

    [Fact]
    public void An_order_is_in_the_currency_of_its_store()
    {
        var error = Store.Given(Registered).WhenChecked(store => PlacementChecks.AgainstStore(Place with { Currency = "EUR" }, store)).ThenError("order.currency-mismatch");
        Assert.Equal(DomainErrorKind.Invalid, error.Kind);
    }

    // ---- CreateShipment against its order ----------------------------------------------------------------

    [Fact]
    public void A_shipment_of_exactly_what_the_order_allocated_to_the_warehouse_is_ok() =>
        Order.Given(Placed, Allocated).WhenChecked(order => ShipmentChecks.AgainstOrder(Create(), order)).ThenOk();

    [Fact]
    public void A_shipment_needs_a_placed_order() =>
        Order.WhenChecked(order => ShipmentChecks.AgainstOrder(Create(), order)).ThenError("order.not-placed");

    [Fact]
    public void A_cancelled_order_ships_nothing() =>
        Order.Given(Placed, Allocated, new OrderCancelled("o-1", "changed my mind", false, At(3)))
            .WhenChecked(order => ShipmentChecks.AgainstOrder(Create(), order)).ThenError("order.cancelled");

    [Fact]
    public void A_shipment_with_other_quantities_or_missing_lines_names_each_line_at_fault()
    {
        var error = Order.Given(Placed, Allocated)
            .WhenChecked(order => ShipmentChecks.AgainstOrder(Create(new ShipmentLine("TEA-01", 1, "6901234567892")), order))
            .ThenError("shipment.lines-not-allocated");

        Assert.Equal(DomainErrorKind.Invalid, error.Kind);
        Assert.Equal([new LineFault("TEA-01", 1, 2, "not-allocated-here"), new LineFault("MUG-01", 0, 1, "missing-from-shipment")], error.Lines);
    }

    [Fact]
    public void A_shipment_from_a_warehouse_the_order_did_not_allocate_to_is_refused() =>
        Order.Given(Placed, Allocated)
            .WhenChecked(order => ShipmentChecks.AgainstOrder(Create() with { WarehouseId = "WH-BJ" }, order))
            .ThenError("shipment.lines-not-allocated");

    [Fact]
    public void A_warehouse_whose_parcel_was_intercepted_ships_nothing_more_of_the_order() =>
        Order.Given(Placed, new OrderAllocated("o-1", [new("TEA-01", "WH-SH", 2), new("MUG-01", "WH-BJ", 1)], T0), Paid, new OrderShipmentIntercepted("o-1", "sh-0", "WH-SH", At(8)))
            .WhenChecked(order => ShipmentChecks.AgainstOrder(Create(new ShipmentLine("TEA-01", 2, "6901234567892")), order))
            .ThenError("order.warehouse-intercepted");

    // ---- HandOverToCarrier against its order -------------------------------------------------------------

    [Fact]
    public void A_packed_shipment_of_a_paid_order_goes_to_the_carrier() =>
        Order.Given(Placed, Allocated, Paid).WhenChecked(order => ShipmentChecks.HandOverAgainstOrder(Shipment.Given(Created, Picked, Packed).State, order)).ThenOk();

    [Fact]
    public void A_packed_shipment_of_an_unpaid_order_stays() =>
        Order.Given(Placed, Allocated).WhenChecked(order => ShipmentChecks.HandOverAgainstOrder(Shipment.Given(Created, Picked, Packed).State, order)).ThenError("order.not-paid");

    [Fact]
    public void A_packed_shipment_of_a_cancelled_order_is_intercepted_instead() =>
        Order.Given(Placed, Allocated, new OrderCancelled("o-1", "changed my mind", false, At(3)))
            .WhenChecked(order => ShipmentChecks.HandOverAgainstOrder(Shipment.Given(Created, Picked, Packed).State, order)).ThenError("order.cancelled");

    [Fact]
    public void A_shipment_not_yet_packed_is_left_to_the_shipment_rules() =>
        Order.Given(Placed, Allocated).WhenChecked(order => ShipmentChecks.HandOverAgainstOrder(Shipment.Given(Created, Picked).State, order)).ThenOk();

    // ---- SetWarehouses against the warehouses' owners ----------------------------------------------------

    [Fact]
    public void A_store_claims_warehouses_that_are_free_or_its_own() =>
        Warehouse.Given(new WarehouseClaimed("WH-SH", "s-1", T0))
            .WhenChecked(own => WarehouseDecider.CheckOwners(SetWarehouses("WH-SH", "WH-BJ"), [own, WarehouseState.Initial])).ThenOk();

    [Fact]
    public void A_warehouse_of_another_store_is_taken() =>
        Warehouse.Given(new WarehouseClaimed("WH-BJ", "s-2", T0))
            .WhenChecked(other => WarehouseDecider.CheckOwners(SetWarehouses("WH-SH", "WH-BJ"), [WarehouseState.Initial, other])).ThenError(WarehouseDecider.TakenRule);

    private static SetWarehouses SetWarehouses(params string[] warehouses) =>
        new("s-1", [.. warehouses.Select(w => new WarehouseRegions(w, ["SH"]))], T0);

    // ---- An auto-refund against its order (RefundScope) --------------------------------------------------

    private static RefundState Requested(params RefundLine[] lines) =>
        Refund.Given(new RefundRequested("r-1", "o-1", "s-1", "c-1", RefundKind.RefundOnly, lines, lines.Sum(l => l.Amount), "changed my mind", At(6))).State;

    [Fact]
    public void A_refund_of_every_unit_covers_the_whole_order() =>
        Assert.True(RefundScope.CoversWholeOrder(Requested(new("TEA-01", 2, 100m), new("MUG-01", 1, 30m)), Order.Given(Placed, Allocated, Paid).State));

    [Fact]
    public void A_refund_of_all_the_money_of_every_line_covers_the_whole_order() =>
        Assert.True(RefundScope.CoversWholeOrder(Requested(new("TEA-01", 0, 100m), new("MUG-01", 0, 30m)), Order.Given(Placed, Allocated, Paid).State));

    [Fact]
    public void A_small_refund_only_amount_does_not_cover_the_order() =>
        Assert.False(RefundScope.CoversWholeOrder(Requested(new RefundLine("TEA-01", 0, 1m)), Order.Given(Placed, Allocated, Paid).State));

    [Fact]
    public void A_refund_of_one_line_does_not_cover_the_other_goods() =>
        Assert.False(RefundScope.CoversWholeOrder(Requested(new RefundLine("TEA-01", 2, 100m)), Order.Given(Placed, Allocated, Paid).State));

    // ---- A refused parcel's refund against its order (RefundScope.RefusedParcelLines) ---------------------

    private static ShipmentState RefusedParcel => Shipment.Given(Created).State;

    [Fact]
    public void A_refused_parcel_gives_back_its_lines_at_their_price() =>
        Assert.Equal([new RefundLine("TEA-01", 2, 100m), new RefundLine("MUG-01", 1, 30m)], RefundScope.RefusedParcelLines(Order.Given(Placed, Allocated, Paid).State, RefusedParcel));

    [Fact]
    public void A_refused_parcel_gives_back_only_what_earlier_refunds_left() =>
        Assert.Equal(
            [new RefundLine("TEA-01", 1, 50m), new RefundLine("MUG-01", 1, 30m)],
            RefundScope.RefusedParcelLines(Order.Given(Placed, Allocated, Paid, new OrderRefundClaimed("o-1", "r-1", [new RefundLine("TEA-01", 1, 50m)], 50m, At(7))).State, RefusedParcel));

    [Fact]
    public void A_refused_parcel_counts_not_its_own_refund_so_a_repeat_gives_the_same_lines() =>
        Assert.Equal(
            [new RefundLine("TEA-01", 2, 100m), new RefundLine("MUG-01", 1, 30m)],
            RefundScope.RefusedParcelLines(
                Order.Given(Placed, Allocated, Paid, new OrderRefundClaimed("o-1", "refused-sh-1", [new RefundLine("TEA-01", 2, 100m), new RefundLine("MUG-01", 1, 30m)], 130m, At(7))).State,
                RefusedParcel));

    [Fact]
    public void A_refused_parcel_of_lines_refunded_in_full_owes_nothing() =>
        Assert.Empty(RefundScope.RefusedParcelLines(
            Order.Given(Placed, Allocated, Paid, new OrderRefundClaimed("o-1", "r-1", [new RefundLine("TEA-01", 2, 100m), new RefundLine("MUG-01", 1, 30m)], 130m, At(7))).State,
            RefusedParcel));
}
