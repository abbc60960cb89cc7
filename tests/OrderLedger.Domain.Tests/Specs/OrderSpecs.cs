using OrderLedger.Domain.Orders;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class OrderSpecs
{
    private static readonly Spec<OrderCommand, OrderEvent, OrderState> Order = new(OrderDecider.Decider);

    private static readonly LineAllocation[] Allocation = [new("TEA-01", "WH-SH", 2), new("MUG-01", "WH-SH", 1)];

    private static PlaceOrder Place(LineAllocation[]? allocation = null, params OrderLine[] lines) =>
        new PlaceOrder("o-1", "s-1", "c-1", "web", "CNY", lines.Length > 0 ? lines : [Tea, Mug], Shanghai, At(30), T0, allocation ?? Allocation);

    private static readonly OrderPlaced Placed = new("o-1", "s-1", "c-1", "web", "CNY", [Tea, Mug], 130m, Shanghai, At(30), T0);
    private static readonly OrderAllocated Allocated = new("o-1", Allocation, T0);
    private static readonly OrderPaymentConfirmed Paid = new("o-1", 130m, "CNY", "pay-1", At(5));
    private static readonly OrderShipmentHandedOver HandedOver = new("o-1", "sh-1", "WH-SH", At(60));

    // ---- PlaceOrder --------------------------------------------------------------------------------------

    [Fact]
    public void Placing_an_order_records_it_with_its_total_and_allocation() =>
        Order.When(Place()).Then(Placed, Allocated);

    [Fact]
    public void Placing_the_same_order_again_changes_nothing() =>
        Order.Given(Placed, Allocated).When(Place()).ThenNothing();

    [Fact]
    public void A_rejected_order_cannot_be_placed_later() =>
        Order.Given(new OrderRejected("o-1", "s-1", "c-1", RejectionReason.OutOfStock, [], T0)).When(Place()).ThenError("order.rejected");

    [Fact]
    public void An_order_needs_lines() =>
        Order.When(Place() with { Lines = [] }).ThenError("order.lines-required");

    [Fact]
    public void Every_line_orders_at_least_one_unit()
    {
        var error = Order.When(Place(null, Tea with { Quantity = 0 })).ThenError("order.quantity-invalid");
        Assert.Equal("TEA-01", Assert.Single(error.Lines!).Sku);
    }

    [Fact]
    public void Prices_cannot_be_negative() =>
        Order.When(Place(null, Tea with { UnitPrice = -1m })).ThenError("order.price-invalid");

    [Fact]
    public void A_sku_appears_on_one_line_only() =>
        Order.When(Place(null, Tea, Tea)).ThenError("order.duplicate-sku");

    [Fact]
    public void The_currency_is_an_iso_code() =>
        Order.When(Place() with { Currency = "yuan" }).ThenError("order.currency-invalid");

    [Fact]
    public void The_shipping_address_must_be_complete() =>
        Order.When(Place() with { ShippingAddress = Shanghai with { City = "" } }).ThenError("order.address-incomplete");

    [Fact]
    public void Payment_is_due_after_placement() =>
        Order.When(Place() with { PaymentDueAt = T0 }).ThenError("order.payment-due-invalid");

    [Fact]
    public void An_order_placed_through_a_sharer_records_who_brought_it_after_its_allocation() =>
        Order.When(Place() with { Attribution = new OrderAttribution("sharer-openid", "shop", "sph-creator") })
            .Then(Placed, Allocated, new OrderAttributed("o-1", "s-1", "sharer-openid", "shop", "sph-creator", T0));

    [Fact]
    public void A_promoter_alone_is_an_attribution() =>
        Order.When(Place() with { Attribution = new OrderAttribution(null, null, "sph-creator") })
            .Then(Placed, Allocated, new OrderAttributed("o-1", "s-1", null, null, "sph-creator", T0));

    [Fact]
    public void An_attribution_names_a_sharer_or_a_promoter() =>
        Order.When(Place() with { Attribution = new OrderAttribution(null) }).ThenError("order.attribution-empty");

    [Theory]
    [InlineData("sharer\u0000x", null, null)]
    [InlineData("sharer\u0007x", null, null)]
    [InlineData(" ", null, null)]
    [InlineData(null, null, "promoter\nx")]
    [InlineData("s", "type\tx", null)]
    [InlineData(null, "shop", "p")]
    public void Attribution_ids_hold_no_control_characters_and_a_type_needs_a_sharer(string? sharerId, string? sharerType, string? promoterId) =>
        Order.When(Place() with { Attribution = new OrderAttribution(sharerId, sharerType, promoterId) }).ThenError("order.attribution-invalid");

    [Fact]
    public void Attribution_ids_are_at_most_100_characters_and_a_type_32()
    {
        Assert.Null(OrderDecider.Decide(Place() with { Attribution = new OrderAttribution(new string('s', 100), new string('t', 32), new string('p', 100)) }, OrderState.Initial).Error);
        Order.When(Place() with { Attribution = new OrderAttribution(new string('s', 101)) }).ThenError("order.attribution-invalid");
        Order.When(Place() with { Attribution = new OrderAttribution(null, null, new string('p', 101)) }).ThenError("order.attribution-invalid");
        Order.When(Place() with { Attribution = new OrderAttribution("s", new string('t', 33)) }).ThenError("order.attribution-invalid");
    }

    [Fact]
    public void An_order_is_recorded_only_once_its_stock_is_reserved() =>
        Order.When(Place() with { Allocation = null }).ThenError("order.allocation-required");

    [Fact]
    public void The_allocation_must_cover_every_line_exactly()
    {
        var error = Order.When(Place([new("TEA-01", "WH-SH", 2)])).ThenError("order.allocation-mismatch");
        Assert.Equal(new LineFault("MUG-01", 1, 0, "not-allocated"), Assert.Single(error.Lines!));
    }

    [Fact]
    public void A_line_may_be_allocated_from_several_warehouses() =>
        Order.When(Place([new("TEA-01", "WH-SH", 1), new("TEA-01", "WH-BJ", 1), new("MUG-01", "WH-BJ", 1)]))
            .Then(Placed, new OrderAllocated("o-1", [new("TEA-01", "WH-SH", 1), new("TEA-01", "WH-BJ", 1), new("MUG-01", "WH-BJ", 1)], T0));

    // ---- RejectOrder -------------------------------------------------------------------------------------

    [Fact]
    public void An_order_that_could_not_be_reserved_is_recorded_as_rejected_with_the_lines_at_fault() =>
        Order.When(new RejectOrder("o-1", "s-1", "c-1", RejectionReason.OutOfStock, [new("MUG-01", 1, 0, "insufficient-stock")], T0))
            .Then(new OrderRejected("o-1", "s-1", "c-1", RejectionReason.OutOfStock, [new("MUG-01", 1, 0, "insufficient-stock")], T0));

    [Fact]
    public void Rejecting_twice_changes_nothing() =>
        Order.Given(new OrderRejected("o-1", "s-1", "c-1", RejectionReason.OutOfStock, [], T0))
            .When(new RejectOrder("o-1", "s-1", "c-1", RejectionReason.PlacementAbandoned, [], At(20))).ThenNothing();

    [Fact]
    public void A_placed_order_cannot_be_rejected() =>
        Order.Given(Placed, Allocated).When(new RejectOrder("o-1", "s-1", "c-1", RejectionReason.PlacementAbandoned, [], At(20)))
            .ThenError("order.already-placed");

    // ---- ConfirmPayment ----------------------------------------------------------------------------------

    [Fact]
    public void A_payment_of_the_exact_total_confirms_the_order() =>
        Order.Given(Placed, Allocated).When(new ConfirmPayment("o-1", 130m, "CNY", "pay-1", At(5))).Then(Paid);

    [Fact]
    public void A_payment_that_does_not_match_the_total_is_refused() =>
        Order.Given(Placed, Allocated).When(new ConfirmPayment("o-1", 129.99m, "CNY", "pay-1", At(5))).ThenError("payment.amount-mismatch");

    [Fact]
    public void A_payment_in_another_currency_is_refused() =>
        Order.Given(Placed, Allocated).When(new ConfirmPayment("o-1", 130m, "USD", "pay-1", At(5))).ThenError("payment.amount-mismatch");

    [Fact]
    public void The_same_payment_confirmed_twice_changes_nothing() =>
        Order.Given(Placed, Allocated, Paid).When(new ConfirmPayment("o-1", 130m, "CNY", "pay-1", At(6))).ThenNothing();

    [Fact]
    public void A_second_payment_for_a_paid_order_is_refused() =>
        Order.Given(Placed, Allocated, Paid).When(new ConfirmPayment("o-1", 130m, "CNY", "pay-2", At(6))).ThenError("order.already-paid");

    [Fact]
    public void Payment_for_an_order_never_placed_is_refused() =>
        Order.When(new ConfirmPayment("o-1", 130m, "CNY", "pay-1", At(5))).ThenError("order.not-placed");

    [Fact]
    public void Payment_for_a_cancelled_order_is_refused() =>
        Order.Given(Placed, Allocated, new OrderCancelled("o-1", "customer", false, At(1)))
            .When(new ConfirmPayment("o-1", 130m, "CNY", "pay-1", At(5))).ThenError("order.cancelled");

    // ---- FailPayment -------------------------------------------------------------------------------------

    [Fact]
    public void A_failed_payment_is_recorded_and_the_order_keeps_waiting() =>
        Order.Given(Placed, Allocated).When(new FailPayment("o-1", "pay-1", "card declined", At(2)))
            .Then(new OrderPaymentFailed("o-1", "pay-1", "card declined", At(2)));

    [Fact]
    public void A_payment_failure_after_payment_no_longer_applies() =>
        Order.Given(Placed, Allocated, Paid).When(new FailPayment("o-1", "pay-0", "late callback", At(6))).ThenError("order.not-awaiting-payment");

    // ---- TimeOutPayment ----------------------------------------------------------------------------------

    [Fact]
    public void An_unpaid_order_times_out_and_is_cancelled() =>
        Order.Given(Placed, Allocated).When(new TimeOutPayment("o-1", At(30)))
            .Then(new OrderPaymentTimedOut("o-1", At(30), At(30)), new OrderCancelled("o-1", "payment-timeout", false, At(30)));

    [Fact]
    public void Payment_cannot_time_out_before_it_is_due() =>
        Order.Given(Placed, Allocated).When(new TimeOutPayment("o-1", At(29))).ThenError("order.payment-not-due");

    [Fact]
    public void A_paid_order_does_not_time_out() =>
        Order.Given(Placed, Allocated, Paid).When(new TimeOutPayment("o-1", At(30))).ThenError("order.already-paid");

    [Fact]
    public void A_timeout_after_cancellation_changes_nothing() =>
        Order.Given(Placed, Allocated, new OrderCancelled("o-1", "customer", false, At(1))).When(new TimeOutPayment("o-1", At(30))).ThenNothing();

    // ---- CancelOrder -------------------------------------------------------------------------------------

    [Fact]
    public void An_unpaid_order_can_be_cancelled() =>
        Order.Given(Placed, Allocated).When(new CancelOrder("o-1", "changed mind", At(3)))
            .Then(new OrderCancelled("o-1", "changed mind", false, At(3)));

    [Fact]
    public void A_paid_order_can_be_cancelled_before_it_leaves_the_warehouse() =>
        Order.Given(Placed, Allocated, Paid).When(new CancelOrder("o-1", "changed mind", At(10)))
            .Then(new OrderCancelled("o-1", "changed mind", true, At(10)));

    [Fact]
    public void An_order_handed_to_the_carrier_cannot_be_cancelled() =>
        Order.Given(Placed, Allocated, Paid, HandedOver).When(new CancelOrder("o-1", "changed mind", At(70)))
            .ThenError("order.already-handed-to-carrier");

    [Fact]
    public void Cancelling_twice_changes_nothing() =>
        Order.Given(Placed, Allocated, new OrderCancelled("o-1", "x", false, At(1))).When(new CancelOrder("o-1", "y", At(2))).ThenNothing();

    [Fact]
    public void An_order_never_placed_cannot_be_cancelled() =>
        Order.When(new CancelOrder("o-1", "x", At(2))).ThenError("order.not-placed");

    [Fact]
    public void A_completed_order_cannot_be_cancelled() =>
        Order.Given(Placed, Allocated, Paid, HandedOver, new OrderCompleted("o-1", At(200))).When(new CancelOrder("o-1", "x", At(300)))
            .ThenError("order.completed");

    // ---- RecordShipmentHandedOver ------------------------------------------------------------------------

    [Fact]
    public void A_hand_over_is_recorded_on_the_order() =>
        Order.Given(Placed, Allocated, Paid).When(new RecordShipmentHandedOver("o-1", "sh-1", "WH-SH", At(60))).Then(HandedOver);

    [Fact]
    public void A_hand_over_recorded_twice_changes_nothing() =>
        Order.Given(Placed, Allocated, Paid, HandedOver).When(new RecordShipmentHandedOver("o-1", "sh-1", "WH-SH", At(61))).ThenNothing();

    [Fact]
    public void An_unpaid_order_does_not_ship() =>
        Order.Given(Placed, Allocated).When(new RecordShipmentHandedOver("o-1", "sh-1", "WH-SH", At(60))).ThenError("order.not-paid");

    [Fact]
    public void Only_an_allocated_warehouse_ships() =>
        Order.Given(Placed, Allocated, Paid).When(new RecordShipmentHandedOver("o-1", "sh-1", "WH-BJ", At(60))).ThenError("order.warehouse-not-allocated");

    // ---- RecordShipmentIntercepted -----------------------------------------------------------------------

    private static readonly LineAllocation[] TwoWarehouses = [new("TEA-01", "WH-SH", 2), new("MUG-01", "WH-BJ", 1)];

    [Fact]
    public void Intercepting_the_only_parcel_of_a_paid_order_cancels_it_to_be_paid_back() =>
        Order.Given(Placed, Allocated, Paid).When(new RecordShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)))
            .Then(new OrderShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)), new OrderCancelled("o-1", OrderDecider.ShipmentsInterceptedReason, true, At(60)));

    [Fact]
    public void Intercepting_the_only_parcel_of_an_unpaid_order_cancels_it() =>
        Order.Given(Placed, Allocated).When(new RecordShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)))
            .Then(new OrderShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)), new OrderCancelled("o-1", OrderDecider.ShipmentsInterceptedReason, false, At(60)));

    [Fact]
    public void Intercepting_one_of_two_parcels_amends_the_order_and_it_completes_once_the_other_ships() =>
        Order.Given(Placed, new OrderAllocated("o-1", TwoWarehouses, T0), Paid, new OrderShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)),
                new OrderShipmentHandedOver("o-1", "sh-2", "WH-BJ", At(70)))
            .When(new CompleteOrder("o-1", At(200))).Then(new OrderCompleted("o-1", At(200)));

    [Fact]
    public void Intercepting_one_of_two_parcels_does_not_cancel_the_order() =>
        Order.Given(Placed, new OrderAllocated("o-1", TwoWarehouses, T0), Paid).When(new RecordShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)))
            .Then(new OrderShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)));

    [Fact]
    public void Intercepting_the_last_parcel_after_another_left_amends_the_order_without_cancelling_it() =>
        Order.Given(Placed, new OrderAllocated("o-1", TwoWarehouses, T0), Paid, new OrderShipmentHandedOver("o-1", "sh-2", "WH-BJ", At(50)))
            .When(new RecordShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)))
            .Then(new OrderShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)));

    [Fact]
    public void An_interception_recorded_twice_changes_nothing() =>
        Order.Given(Placed, Allocated, Paid, new OrderShipmentIntercepted("o-1", "sh-1", "WH-SH", At(60)), new OrderCancelled("o-1", OrderDecider.ShipmentsInterceptedReason, true, At(60)))
            .When(new RecordShipmentIntercepted("o-1", "sh-1", "WH-SH", At(61))).ThenNothing();

    [Fact]
    public void Only_an_allocated_warehouse_is_intercepted() =>
        Order.Given(Placed, Allocated, Paid).When(new RecordShipmentIntercepted("o-1", "sh-1", "WH-BJ", At(60))).ThenError("order.warehouse-not-allocated");

    // ---- CompleteOrder -----------------------------------------------------------------------------------

    [Fact]
    public void A_paid_order_whose_warehouses_all_shipped_completes() =>
        Order.Given(Placed, Allocated, Paid, HandedOver).When(new CompleteOrder("o-1", At(200))).Then(new OrderCompleted("o-1", At(200)));

    [Fact]
    public void An_order_still_waiting_for_a_shipment_does_not_complete() =>
        Order.Given(Placed, Allocated, Paid).When(new CompleteOrder("o-1", At(200))).ThenError("order.not-shipped");

    [Fact]
    public void An_unpaid_order_does_not_complete() =>
        Order.Given(Placed, Allocated).When(new CompleteOrder("o-1", At(200))).ThenError("order.not-paid");

    // ---- ClaimRefund / ReleaseRefundClaim (the order's refund ledger) ------------------------------------

    [Fact]
    public void A_refund_within_what_was_paid_is_claimed_against_the_order() =>
        Order.Given(Placed, Allocated, Paid).When(new ClaimRefund("o-1", "r-1", [new("TEA-01", 1, 50m)], At(100)))
            .Then(new OrderRefundClaimed("o-1", "r-1", [new("TEA-01", 1, 50m)], 50m, At(100)));

    [Fact]
    public void A_line_cannot_be_refunded_more_than_was_paid_for_it()
    {
        var error = Order.Given(Placed, Allocated, Paid).When(new ClaimRefund("o-1", "r-1", [new("MUG-01", 1, 31m)], At(100)))
            .ThenError("refund.exceeds-paid");
        Assert.Equal("more-than-paid", Assert.Single(error.Lines!).Reason);
    }

    [Fact]
    public void Refunds_add_up_per_line_across_refunds() =>
        Order.Given(Placed, Allocated, Paid, new OrderRefundClaimed("o-1", "r-1", [new("TEA-01", 0, 60m)], 60m, At(100)))
            .When(new ClaimRefund("o-1", "r-2", [new("TEA-01", 0, 40.01m)], At(101))).ThenError("refund.exceeds-paid");

    [Fact]
    public void More_units_than_ordered_cannot_be_refunded() =>
        Order.Given(Placed, Allocated, Paid).When(new ClaimRefund("o-1", "r-1", [new("MUG-01", 2, 10m)], At(100))).ThenError("refund.exceeds-paid");

    [Fact]
    public void A_rejected_refund_frees_its_amount_again() =>
        Order.Given(Placed, Allocated, Paid,
                new OrderRefundClaimed("o-1", "r-1", [new("MUG-01", 1, 30m)], 30m, At(100)),
                new OrderRefundClaimReleased("o-1", "r-1", 30m, At(110)))
            .When(new ClaimRefund("o-1", "r-2", [new("MUG-01", 1, 30m)], At(120)))
            .Then(new OrderRefundClaimed("o-1", "r-2", [new("MUG-01", 1, 30m)], 30m, At(120)));

    [Fact]
    public void A_product_not_on_the_order_cannot_be_refunded() =>
        Order.Given(Placed, Allocated, Paid).When(new ClaimRefund("o-1", "r-1", [new("HAT-01", 1, 1m)], At(100))).ThenError("refund.exceeds-paid");

    [Fact]
    public void An_unpaid_order_has_nothing_to_refund() =>
        Order.Given(Placed, Allocated).When(new ClaimRefund("o-1", "r-1", [new("TEA-01", 1, 50m)], At(100))).ThenError("refund.order-not-paid");

    [Fact]
    public void Refund_lines_have_positive_amounts() =>
        Order.Given(Placed, Allocated, Paid).When(new ClaimRefund("o-1", "r-1", [new("TEA-01", 1, 0m)], At(100))).ThenError("refund.lines-invalid");

    [Fact]
    public void Claiming_the_same_refund_twice_changes_nothing() =>
        Order.Given(Placed, Allocated, Paid, new OrderRefundClaimed("o-1", "r-1", [new("TEA-01", 1, 50m)], 50m, At(100)))
            .When(new ClaimRefund("o-1", "r-1", [new("TEA-01", 1, 50m)], At(100))).ThenNothing();

    [Fact]
    public void A_refund_id_cannot_be_reused_for_other_lines() =>
        Order.Given(Placed, Allocated, Paid, new OrderRefundClaimed("o-1", "r-1", [new("TEA-01", 1, 50m)], 50m, At(100)))
            .When(new ClaimRefund("o-1", "r-1", [new("MUG-01", 1, 30m)], At(100))).ThenError("refund.already-claimed");

    [Fact]
    public void Releasing_a_claim_frees_its_amount() =>
        Order.Given(Placed, Allocated, Paid, new OrderRefundClaimed("o-1", "r-1", [new("TEA-01", 1, 50m)], 50m, At(100)))
            .When(new ReleaseRefundClaim("o-1", "r-1", At(110))).Then(new OrderRefundClaimReleased("o-1", "r-1", 50m, At(110)));

    [Fact]
    public void Releasing_an_unknown_claim_is_refused() =>
        Order.Given(Placed, Allocated, Paid).When(new ReleaseRefundClaim("o-1", "r-9", At(110))).ThenError("refund.not-claimed");

    // ---- RecordShipmentAmended ---------------------------------------------------------------------------

    [Fact]
    public void Units_taken_out_of_a_parcel_leave_the_allocation()
    {
        var amended = new OrderShipmentAmended("o-1", "sh-1", "WH-SH", [new LineAllocation("TEA-01", "WH-SH", 1)], At(20));
        Order.Given(Placed, Allocated, Paid).When(new RecordShipmentAmended("o-1", "sh-1", "WH-SH", [new LineAllocation("TEA-01", "WH-SH", 1)], At(20))).Then(amended);
        Assert.Equal([new LineAllocation("TEA-01", "WH-SH", 1), new LineAllocation("MUG-01", "WH-SH", 1)], Order.Given(Placed, Allocated, Paid, amended).State.Allocation);
    }

    [Fact]
    public void A_line_taken_out_in_full_leaves_the_allocation() =>
        Assert.Equal(
            [new LineAllocation("TEA-01", "WH-SH", 2)],
            Order.Given(Placed, Allocated, Paid, new OrderShipmentAmended("o-1", "sh-1", "WH-SH", [new LineAllocation("MUG-01", "WH-SH", 1)], At(20))).State.Allocation);

    [Fact]
    public void An_amendment_takes_out_only_units_allocated_to_that_warehouse() =>
        Order.Given(Placed, Allocated, Paid).When(new RecordShipmentAmended("o-1", "sh-1", "WH-SH", [new LineAllocation("TEA-01", "WH-SH", 3)], At(20)))
            .ThenError("order.amendment-exceeds-allocation");

    [Fact]
    public void An_amendment_of_an_order_never_placed_is_refused() =>
        Order.When(new RecordShipmentAmended("o-1", "sh-1", "WH-SH", [new LineAllocation("TEA-01", "WH-SH", 1)], At(20))).ThenError("order.not-placed");

    // ---- RecordShipmentReturned --------------------------------------------------------------------------

    [Fact]
    public void A_refused_parcel_back_at_its_warehouse_is_recorded_on_the_order()
    {
        Order.Given(Placed, Allocated, Paid, HandedOver).When(new RecordShipmentReturned("o-1", "sh-1", "WH-SH", At(90)))
            .Then(new OrderShipmentReturned("o-1", "sh-1", "WH-SH", At(90)));
        Assert.Equal("WH-SH", Order.Given(Placed, Allocated, Paid, HandedOver, new OrderShipmentReturned("o-1", "sh-1", "WH-SH", At(90))).State.ReturnedShipments["sh-1"]);
    }

    [Fact]
    public void A_returned_parcel_is_recorded_once() =>
        Order.Given(Placed, Allocated, Paid, HandedOver, new OrderShipmentReturned("o-1", "sh-1", "WH-SH", At(90)))
            .When(new RecordShipmentReturned("o-1", "sh-1", "WH-SH", At(95))).ThenNothing();

    [Fact]
    public void Only_a_parcel_that_left_comes_back() =>
        Order.Given(Placed, Allocated, Paid).When(new RecordShipmentReturned("o-1", "sh-1", "WH-SH", At(90))).ThenError("order.shipment-not-handed-over");

    [Fact]
    public void A_return_to_an_order_never_placed_is_refused() =>
        Order.When(new RecordShipmentReturned("o-1", "sh-1", "WH-SH", At(90))).ThenError("order.not-placed");
}
