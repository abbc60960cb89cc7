using OrderLedger.Domain.Stock;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class StockSpecs
{
    private static readonly Spec<StockCommand, StockEvent, StockState> Stock = new(StockDecider.Decider);

    private static readonly StockReceived Received10 = new("WH-SH", "TEA-01", 10, T0);
    private static readonly StockReserved Reserved4 = new("WH-SH", "TEA-01", "o-1", 4, At(1));

    // ---- ReceiveStock ------------------------------------------------------------------------------------

    [Fact]
    public void Receiving_stock_adds_to_on_hand() =>
        Stock.When(new ReceiveStock("WH-SH", "TEA-01", 10, T0)).Then(Received10);

    [Fact]
    public void Received_quantity_must_be_positive() =>
        Stock.When(new ReceiveStock("WH-SH", "TEA-01", 0, T0)).ThenError("stock.quantity-invalid");

    [Fact]
    public void Receiving_up_to_the_on_hand_limit_is_recorded() =>
        Stock.Given(new StockReceived("WH-SH", "TEA-01", int.MaxValue - 1, T0)).When(new ReceiveStock("WH-SH", "TEA-01", 1, At(1)))
            .Then(new StockReceived("WH-SH", "TEA-01", 1, At(1)));

    [Fact]
    public void A_receipt_that_would_pass_the_on_hand_limit_is_refused_rather_than_wrapping_negative() =>
        Stock.Given(new StockReceived("WH-SH", "TEA-01", int.MaxValue, T0)).When(new ReceiveStock("WH-SH", "TEA-01", 1, At(1)))
            .ThenError("stock.on-hand-limit");

    [Fact]
    public void A_count_after_a_wrapped_history_is_refused_rather_than_wrapping_again() =>
        Stock.Given(new StockReceived("WH-SH", "TEA-01", int.MaxValue, T0), new StockReceived("WH-SH", "TEA-01", 1, T0))
            .When(new AdjustStock("WH-SH", "TEA-01", 1_000_000_000, "count", At(1)))
            .ThenError("stock.on-hand-limit");

    // ---- ReserveStock ------------------------------------------------------------------------------------

    [Fact]
    public void Available_stock_is_reserved_for_an_order() =>
        Stock.Given(Received10).When(new ReserveStock("WH-SH", "TEA-01", "o-1", 4, At(1))).Then(Reserved4);

    [Fact]
    public void Reserving_more_than_is_available_is_refused_with_the_line_at_fault()
    {
        var error = Stock.Given(Received10, Reserved4).When(new ReserveStock("WH-SH", "TEA-01", "o-2", 7, At(2))).ThenError("stock.insufficient");
        Assert.Equal(new LineFault("TEA-01", 7, 6, "insufficient-stock"), Assert.Single(error.Lines!));
    }

    [Fact]
    public void The_last_unit_can_be_reserved() =>
        Stock.Given(Received10, Reserved4).When(new ReserveStock("WH-SH", "TEA-01", "o-2", 6, At(2)))
            .Then(new StockReserved("WH-SH", "TEA-01", "o-2", 6, At(2)));

    [Fact]
    public void Reserving_again_for_the_same_order_changes_nothing() =>
        Stock.Given(Received10, Reserved4).When(new ReserveStock("WH-SH", "TEA-01", "o-1", 4, At(3))).ThenNothing();

    [Fact]
    public void An_order_holds_one_reservation_per_stock_item() =>
        Stock.Given(Received10, Reserved4).When(new ReserveStock("WH-SH", "TEA-01", "o-1", 5, At(3))).ThenError("stock.reservation-exists");

    [Fact]
    public void A_released_reservation_is_not_made_again() =>
        Stock.Given(Received10, Reserved4, new StockReservationReleased("WH-SH", "TEA-01", "o-1", 4, ReleaseReason.Orphaned, At(20)))
            .When(new ReserveStock("WH-SH", "TEA-01", "o-1", 4, At(21))).ThenError("stock.reservation-closed");

    [Fact]
    public void Reserved_quantity_must_be_positive() =>
        Stock.Given(Received10).When(new ReserveStock("WH-SH", "TEA-01", "o-1", 0, At(1))).ThenError("stock.quantity-invalid");

    // ---- ReleaseReservation ------------------------------------------------------------------------------

    [Fact]
    public void Releasing_a_reservation_returns_its_units() =>
        Stock.Given(Received10, Reserved4).When(new ReleaseReservation("WH-SH", "TEA-01", "o-1", ReleaseReason.OrderCancelled, At(5)))
            .Then(new StockReservationReleased("WH-SH", "TEA-01", "o-1", 4, ReleaseReason.OrderCancelled, At(5)));

    [Fact]
    public void Releasing_twice_changes_nothing() =>
        Stock.Given(Received10, Reserved4, new StockReservationReleased("WH-SH", "TEA-01", "o-1", 4, ReleaseReason.OrderCancelled, At(5)))
            .When(new ReleaseReservation("WH-SH", "TEA-01", "o-1", ReleaseReason.Orphaned, At(6))).ThenNothing();

    [Fact]
    public void Units_that_left_the_warehouse_cannot_be_released() =>
        Stock.Given(Received10, Reserved4, new StockReservationCommitted("WH-SH", "TEA-01", "o-1", 4, "sh-1", At(5)))
            .When(new ReleaseReservation("WH-SH", "TEA-01", "o-1", ReleaseReason.OrderCancelled, At(6))).ThenError("stock.reservation-committed");

    [Fact]
    public void Releasing_a_reservation_never_made_is_refused() =>
        Stock.Given(Received10).When(new ReleaseReservation("WH-SH", "TEA-01", "o-9", ReleaseReason.OrderCancelled, At(6))).ThenError("stock.reservation-not-found");

    // ---- CommitReservation -------------------------------------------------------------------------------

    [Fact]
    public void Committing_a_reservation_takes_its_units_off_hand() =>
        Stock.Given(Received10, Reserved4).When(new CommitReservation("WH-SH", "TEA-01", "o-1", "sh-1", At(5)))
            .Then(new StockReservationCommitted("WH-SH", "TEA-01", "o-1", 4, "sh-1", At(5)));

    [Fact]
    public void Committing_twice_changes_nothing() =>
        Stock.Given(Received10, Reserved4, new StockReservationCommitted("WH-SH", "TEA-01", "o-1", 4, "sh-1", At(5)))
            .When(new CommitReservation("WH-SH", "TEA-01", "o-1", "sh-1", At(6))).ThenNothing();

    [Fact]
    public void A_released_reservation_cannot_ship() =>
        Stock.Given(Received10, Reserved4, new StockReservationReleased("WH-SH", "TEA-01", "o-1", 4, ReleaseReason.OrderCancelled, At(5)))
            .When(new CommitReservation("WH-SH", "TEA-01", "o-1", "sh-1", At(6))).ThenError("stock.reservation-released");

    [Fact]
    public void Committing_a_reservation_never_made_is_refused() =>
        Stock.Given(Received10).When(new CommitReservation("WH-SH", "TEA-01", "o-1", "sh-1", At(6))).ThenError("stock.reservation-not-found");

    // ---- AdjustStock -------------------------------------------------------------------------------------

    [Fact]
    public void A_count_correction_records_the_difference() =>
        Stock.Given(Received10).When(new AdjustStock("WH-SH", "TEA-01", 8, "cycle count", At(9)))
            .Then(new StockAdjusted("WH-SH", "TEA-01", -2, 8, "cycle count", At(9)));

    [Fact]
    public void A_count_equal_to_the_books_changes_nothing() =>
        Stock.Given(Received10).When(new AdjustStock("WH-SH", "TEA-01", 10, "cycle count", At(9))).ThenNothing();

    [Fact]
    public void A_count_below_what_is_reserved_is_refused() =>
        Stock.Given(Received10, Reserved4).When(new AdjustStock("WH-SH", "TEA-01", 3, "cycle count", At(9))).ThenError("stock.adjust-below-reserved");

    [Fact]
    public void A_count_cannot_be_negative() =>
        Stock.When(new AdjustStock("WH-SH", "TEA-01", -1, "cycle count", At(9))).ThenError("stock.quantity-invalid");

    [Fact]
    public void State_tracks_on_hand_reserved_and_available()
    {
        var state = Stock.Given(Received10, Reserved4, new StockReservationCommitted("WH-SH", "TEA-01", "o-1", 4, "sh-1", At(5))).State;
        Assert.Equal((6, 0, 6), (state.OnHand, state.Reserved, state.Available));
    }

    // ---- ReleaseReservedUnits (part of a reservation) ----------------------------------------------------

    [Fact]
    public void Releasing_some_reserved_units_keeps_the_rest_reserved()
    {
        Stock.Given(Received10, Reserved4).When(new ReleaseReservedUnits("WH-SH", "TEA-01", "o-1", 1, ReleaseReason.RefundedBeforeShipping, At(2)))
            .Then(new StockReservationReduced("WH-SH", "TEA-01", "o-1", 1, 3, ReleaseReason.RefundedBeforeShipping, At(2)));
        var state = Stock.Given(Received10, Reserved4, new StockReservationReduced("WH-SH", "TEA-01", "o-1", 1, 3, ReleaseReason.RefundedBeforeShipping, At(2))).State;
        Assert.Equal((10, 3, 7, 3), (state.OnHand, state.Reserved, state.Available, state.Reservations["o-1"].Quantity));
    }

    [Fact]
    public void Releasing_every_reserved_unit_releases_the_reservation() =>
        Stock.Given(Received10, Reserved4).When(new ReleaseReservedUnits("WH-SH", "TEA-01", "o-1", 4, ReleaseReason.RefundedBeforeShipping, At(2)))
            .Then(new StockReservationReleased("WH-SH", "TEA-01", "o-1", 4, ReleaseReason.RefundedBeforeShipping, At(2)));

    [Fact]
    public void No_more_units_are_released_than_the_order_holds() =>
        Stock.Given(Received10, Reserved4).When(new ReleaseReservedUnits("WH-SH", "TEA-01", "o-1", 5, ReleaseReason.RefundedBeforeShipping, At(2)))
            .ThenError("stock.release-exceeds-reservation");

    [Fact]
    public void Units_that_left_the_warehouse_are_not_released() =>
        Stock.Given(Received10, Reserved4, new StockReservationCommitted("WH-SH", "TEA-01", "o-1", 4, "sh-1", At(3)))
            .When(new ReleaseReservedUnits("WH-SH", "TEA-01", "o-1", 1, ReleaseReason.RefundedBeforeShipping, At(4))).ThenError("stock.reservation-committed");

    // ---- RestockUnits ------------------------------------------------------------------------------------

    [Fact]
    public void Units_that_came_back_go_on_hand_again()
    {
        Stock.Given(Received10).When(new RestockUnits("WH-SH", "TEA-01", 2, "sh-1", RestockReason.RefusedDelivery, At(5)))
            .Then(new StockRestocked("WH-SH", "TEA-01", 2, "sh-1", RestockReason.RefusedDelivery, At(5)));
        var after = Stock.Given(Received10, new StockRestocked("WH-SH", "TEA-01", 2, "sh-1", RestockReason.RefusedDelivery, At(5))).State;
        Assert.Equal((12, 2, 12), (after.OnHand, after.Restocked, after.Available));
    }

    [Fact]
    public void A_source_restocks_once() =>
        Stock.Given(Received10, new StockRestocked("WH-SH", "TEA-01", 2, "r-1", RestockReason.ReturnPassedInspection, At(5)))
            .When(new RestockUnits("WH-SH", "TEA-01", 2, "r-1", RestockReason.ReturnPassedInspection, At(6))).ThenNothing();

    [Fact]
    public void A_restocked_quantity_is_positive() =>
        Stock.When(new RestockUnits("WH-SH", "TEA-01", 0, "r-1", RestockReason.ReturnPassedInspection, At(6))).ThenError("stock.quantity-invalid");

    [Fact]
    public void A_restock_past_the_on_hand_limit_is_refused() =>
        Stock.Given(new StockReceived("WH-SH", "TEA-01", int.MaxValue, T0))
            .When(new RestockUnits("WH-SH", "TEA-01", 1, "r-1", RestockReason.ReturnPassedInspection, At(6))).ThenError("stock.on-hand-limit");
}
