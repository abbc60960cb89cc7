using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

/// <summary>
/// The store's proactive-case policy (<c>SetProactiveCasePolicy</c>) and the rules that decide, when a proactive-case
/// timer fires, whether the facts still call for a case: given the order's (parcel's, store's) events, when the rule is
/// asked at a moment, then the case it opens or none.
/// </summary>
public class ProactiveCaseSpecs
{
    private static readonly Spec<StoreCommand, StoreEvent, StoreState> Store = new(StoreDecider.Decider);
    private static readonly Spec<OrderCommand, OrderEvent, OrderState> Order = new(OrderDecider.Decider);
    private static readonly Spec<ShipmentCommand, ShipmentEvent, ShipmentState> Shipment = new(ShipmentDecider.Decider);
    private static readonly Spec<ConversationCommand, ConversationEvent, ConversationState> Conversation = new(ConversationDecider.Decider);

    private static readonly StoreRegistered Registered = new("s-1", "Tea House", "Asia/Shanghai", "CNY", T0);
    private static readonly StoreState DefaultStore = Store.Given(Registered).State;

    private static readonly OrderPlaced Placed = new("o-1", "s-1", "c-1", "web", "CNY", [Tea, Mug], 130m, Shanghai, At(30), T0);
    private static readonly OrderAllocated Allocated = new("o-1", [new("TEA-01", "WH-SH", 2), new("MUG-01", "WH-SH", 1)], T0);
    private static readonly OrderPaymentConfirmed Paid = new("o-1", 130m, "CNY", "pay-1", At(5));
    private static readonly ShipmentCreated Created = new("sh-1", "o-1", "s-1", "WH-SH", [new("TEA-01", 2, "6901234567892")], Shanghai, At(10));
    private static readonly ShipmentHandedToCarrier HandedOver = new("sh-1", "o-1", "SF", "SF123", At(60));

    private static DateTimeOffset Hours(DateTimeOffset from, int hours) => from.AddHours(hours);

    // ---- SetProactiveCasePolicy --------------------------------------------------------------------------

    [Fact]
    public void The_proactive_case_policy_is_set() =>
        Store.Given(Registered).When(new SetProactiveCasePolicy("s-1", 24, 72, false, At(1)))
            .Then(new StoreProactiveCasePolicySet("s-1", 24, 72, false, At(1)));

    [Fact]
    public void The_defaults_of_two_days_two_days_and_out_of_stock_on_change_nothing() =>
        Store.Given(Registered).When(new SetProactiveCasePolicy("s-1", 48, 48, true, At(1))).ThenNothing();

    [Theory]
    [InlineData(0, 48)]
    [InlineData(721, 48)]
    [InlineData(48, 0)]
    [InlineData(48, 721)]
    public void The_hours_are_one_to_seven_hundred_and_twenty(int shipWithin, int noScan) =>
        Store.Given(Registered).When(new SetProactiveCasePolicy("s-1", shipWithin, noScan, true, At(1))).ThenError("store.proactive-hours-out-of-range");

    [Fact]
    public void The_policy_needs_a_registered_store() =>
        Store.When(new SetProactiveCasePolicy("s-1", 24, 24, true, At(1))).ThenError("store.not-registered");

    // ---- Paid, not shipped -------------------------------------------------------------------------------

    [Fact]
    public void A_paid_order_not_handed_over_within_the_promise_opens_a_case_for_its_customer()
    {
        var due = Hours(Paid.OccurredAt, 48);
        var start = ProactiveCases.PaidNotShipped(Order.Given(Placed, Allocated, Paid).State, DefaultStore, due);

        Assert.NotNull(start);
        Assert.Equal(
            ("proactive.paid-not-shipped.o-1", "s-1", "c-1", ProactiveCases.Channel, "o-1", false, ProactiveReason.PaidNotShipped, due),
            (start.ConversationId, start.StoreId, start.CustomerId, start.Channel, start.OrderId, start.BotEnabled, start.ProactiveReason, start.OccurredAt));
        Assert.Empty(start.UnresolvedAboutSameOrder);
    }

    [Fact]
    public void Before_the_promise_has_passed_nothing_opens() =>
        Assert.Null(ProactiveCases.PaidNotShipped(Order.Given(Placed, Allocated, Paid).State, DefaultStore, Hours(Paid.OccurredAt, 48).AddTicks(-1)));

    [Fact]
    public void The_store_s_own_promise_counts() =>
        Assert.NotNull(ProactiveCases.PaidNotShipped(
            Order.Given(Placed, Allocated, Paid).State,
            Store.Given(Registered, new StoreProactiveCasePolicySet("s-1", 12, 48, true, At(1))).State,
            Hours(Paid.OccurredAt, 12)));

    [Fact]
    public void A_handed_over_order_opens_nothing() =>
        Assert.Null(ProactiveCases.PaidNotShipped(
            Order.Given(Placed, Allocated, Paid, new OrderShipmentHandedOver("o-1", "sh-1", "WH-SH", At(60))).State, DefaultStore, Hours(Paid.OccurredAt, 48)));

    [Fact]
    public void A_cancelled_order_opens_nothing() =>
        Assert.Null(ProactiveCases.PaidNotShipped(
            Order.Given(Placed, Allocated, Paid, new OrderCancelled("o-1", "customer asked", true, At(60))).State, DefaultStore, Hours(Paid.OccurredAt, 48)));

    // ---- No tracking scan --------------------------------------------------------------------------------

    [Fact]
    public void A_parcel_without_a_scan_for_the_store_s_hours_opens_a_case_about_its_order()
    {
        var start = ProactiveCases.NoTrackingScan(Shipment.Given(Created, HandedOver).State, Order.Given(Placed, Allocated, Paid).State, DefaultStore, Hours(HandedOver.OccurredAt, 48));

        Assert.Equal("proactive.no-tracking-scan.sh-1", start!.ConversationId);
        Assert.Equal(("c-1", "o-1", ProactiveReason.NoTrackingScan, false), (start.CustomerId, start.OrderId, start.ProactiveReason, start.BotEnabled));
    }

    [Fact]
    public void Each_scan_restarts_the_hours()
    {
        var scanned = Shipment.Given(Created, HandedOver, new ShipmentTrackingScanned("sh-1", "Shanghai hub", "in-transit", Hours(HandedOver.OccurredAt, 40))).State;
        var order = Order.Given(Placed, Allocated, Paid).State;

        Assert.Null(ProactiveCases.NoTrackingScan(scanned, order, DefaultStore, Hours(HandedOver.OccurredAt, 48)));
        Assert.NotNull(ProactiveCases.NoTrackingScan(scanned, order, DefaultStore, Hours(HandedOver.OccurredAt, 88)));
    }

    [Fact]
    public void A_delivered_parcel_opens_nothing() =>
        Assert.Null(ProactiveCases.NoTrackingScan(
            Shipment.Given(Created, HandedOver, new ShipmentDelivered("sh-1", "o-1", Hours(HandedOver.OccurredAt, 2))).State,
            Order.Given(Placed, Allocated, Paid).State, DefaultStore, Hours(HandedOver.OccurredAt, 48)));

    // ---- Unreservable line -------------------------------------------------------------------------------

    private static readonly OrderRejected OutOfStock = new("o-1", "s-1", "c-1", RejectionReason.OutOfStock, [new LineFault("TEA-01", 2, 0, "insufficient")], T0);

    [Fact]
    public void An_order_rejected_for_a_line_that_cannot_be_reserved_opens_a_case() =>
        Assert.Equal(
            ("proactive.unreservable-line.o-1", ProactiveReason.UnreservableLine, "c-1"),
            ProactiveCases.UnreservableLine(Order.Given(OutOfStock).State, DefaultStore, T0) is { } start
                ? (start.ConversationId, start.ProactiveReason, start.CustomerId) : default);

    [Fact]
    public void A_store_that_turned_the_rule_off_opens_nothing() =>
        Assert.Null(ProactiveCases.UnreservableLine(
            Order.Given(OutOfStock).State, Store.Given(Registered, new StoreProactiveCasePolicySet("s-1", 48, 48, false, At(1))).State, T0));

    [Fact]
    public void An_abandoned_placement_opens_nothing() =>
        Assert.Null(ProactiveCases.UnreservableLine(Order.Given(OutOfStock with { Reason = RejectionReason.PlacementAbandoned }).State, DefaultStore, T0));

    // ---- The case it starts ------------------------------------------------------------------------------

    [Fact]
    public void The_case_starts_in_human_mode_and_records_its_reason()
    {
        var start = ProactiveCases.UnreservableLine(Order.Given(OutOfStock).State, DefaultStore, T0)!;

        Conversation.When(start).Then(
            new ConversationStarted(start.ConversationId, "s-1", "c-1", ProactiveCases.Channel, "o-1", ConversationMode.Human, T0)
            {
                ProactiveReason = ProactiveReason.UnreservableLine,
            });
    }

    [Fact]
    public void Starting_the_same_case_again_records_nothing()
    {
        var start = ProactiveCases.UnreservableLine(Order.Given(OutOfStock).State, DefaultStore, T0)!;

        Conversation.Given(new ConversationStarted(start.ConversationId, "s-1", "c-1", ProactiveCases.Channel, "o-1", ConversationMode.Human, T0))
            .When(start with { OccurredAt = At(5) }).ThenNothing();
    }
}
