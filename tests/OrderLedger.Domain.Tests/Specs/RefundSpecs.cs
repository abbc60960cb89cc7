using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stores;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class RefundSpecs
{
    private static readonly Spec<RefundCommand, RefundEvent, RefundState> Refund = new(RefundDecider.Decider);

    private static readonly RefundLine[] TeaLine = [new("TEA-01", 1, 50m)];
    private static readonly DateTimeOffset PaidAt = T0;
    private static readonly AutoRefundContext Window24h = new(PaidAt, 24, HandedToCarrier: false);

    private static RequestRefund Request(RefundKind kind = RefundKind.RefundOnly, AutoRefundContext? auto = null, DateTimeOffset? at = null) =>
        new RequestRefund("r-1", "o-1", "s-1", "c-1", kind, TeaLine, "not as described", auto, at ?? At(60)) { RequestedBy = RefundRequester.Customer };

    private static readonly RefundRequested RefundOnlyRequested = new("r-1", "o-1", "s-1", "c-1", RefundKind.RefundOnly, TeaLine, 50m, "not as described", At(60));
    private static readonly RefundRequested ReturnRequested = RefundOnlyRequested with { Kind = RefundKind.ReturnAndRefund };
    private static readonly RefundApproved ApprovedByAgent = new("r-1", "o-1", false, "agent-7", At(70));
    private static readonly RefundReturnAddressAssigned AddressAssigned = new("r-1", ReturnsCenter, At(70));
    private static readonly RefundReturnShipped ReturnShipped = new("r-1", "YTO", "YT777", At(200));
    private static readonly RefundReturnReceived ReturnReceived = new("r-1", "YT777", At(900));
    private static readonly RefundReturnInspected InspectionPassed = new("r-1", true, "qa-1", "ok", At(950));

    private static readonly ReturnAddressPolicy Policy = ReturnAddressPolicy.Empty
        .With(ReturnAddressScope.Default, null, ReturnsCenter)
        .With(ReturnAddressScope.Category, "shoes", ShoeReturns);

    // ---- RequestRefund -----------------------------------------------------------------------------------

    [Fact]
    public void A_refund_is_requested_with_its_lines_and_amount() =>
        Refund.When(Request()).Then(RefundOnlyRequested);

    [Fact]
    public void A_refund_only_request_within_the_window_before_hand_over_is_approved_automatically() =>
        Refund.When(Request(auto: Window24h)).Then(RefundOnlyRequested, new RefundApproved("r-1", "o-1", true, RefundDecider.AutoApprover, At(60)));

    [Fact]
    public void The_window_end_itself_still_counts() =>
        Refund.When(Request(auto: Window24h, at: PaidAt.AddHours(24)))
            .Then(RefundOnlyRequested with { OccurredAt = PaidAt.AddHours(24) }, new RefundApproved("r-1", "o-1", true, RefundDecider.AutoApprover, PaidAt.AddHours(24)));

    [Fact]
    public void A_request_after_the_window_waits_for_an_agent() =>
        Refund.When(Request(auto: Window24h, at: PaidAt.AddHours(24).AddSeconds(1))).Then(RefundOnlyRequested with { OccurredAt = PaidAt.AddHours(24).AddSeconds(1) });

    [Fact]
    public void A_request_after_the_hand_over_waits_for_an_agent() =>
        Refund.When(Request(auto: Window24h with { HandedToCarrier = true })).Then(RefundOnlyRequested);

    [Fact]
    public void A_request_by_staff_is_never_approved_by_rule_even_with_the_longest_window() =>
        Refund.When(Request(auto: Window24h with { WindowHours = 2160 }) with { RequestedBy = RefundRequester.Staff }).Then(RefundOnlyRequested);

    [Fact]
    public void A_request_of_unknown_origin_counts_as_staff() =>
        Refund.When(new RequestRefund("r-1", "o-1", "s-1", "c-1", RefundKind.RefundOnly, TeaLine, "not as described", Window24h, At(60))).Then(RefundOnlyRequested);

    [Fact]
    public void A_return_and_refund_is_never_approved_automatically() =>
        Refund.When(Request(RefundKind.ReturnAndRefund, Window24h)).Then(ReturnRequested);

    [Fact]
    public void No_auto_approval_when_the_store_turned_it_off() =>
        Refund.When(Request(auto: Window24h with { WindowHours = 0 })).Then(RefundOnlyRequested);

    [Fact]
    public void Requesting_the_same_refund_again_changes_nothing() =>
        Refund.Given(RefundOnlyRequested).When(Request()).ThenNothing();

    [Fact]
    public void A_refund_id_is_used_once() =>
        Refund.Given(RefundOnlyRequested).When(Request() with { Lines = [new("MUG-01", 1, 30m)] }).ThenError("refund.already-requested");

    [Fact]
    public void Refund_amounts_are_positive() =>
        Refund.When(Request() with { Lines = [new("TEA-01", 1, -5m)] }).ThenError("refund.lines-invalid");

    [Fact]
    public void A_return_says_how_many_units_come_back() =>
        Refund.When(Request(RefundKind.ReturnAndRefund) with { Lines = [new("TEA-01", 0, 5m)] }).ThenError("refund.return-quantity-required");

    [Fact]
    public void Nothing_happens_to_a_refund_never_requested() =>
        Refund.When(new PayRefund("r-1", "rp-1", At(80))).ThenError("refund.not-found");

    // ---- ApproveRefund -----------------------------------------------------------------------------------

    [Fact]
    public void An_agent_approves_a_refund_only_request() =>
        Refund.Given(RefundOnlyRequested).When(new ApproveRefund("r-1", "agent-7", null, null, At(70))).Then(ApprovedByAgent);

    [Fact]
    public void Approving_a_return_assigns_the_return_address_from_store_policy() =>
        Refund.Given(ReturnRequested).When(new ApproveRefund("r-1", "agent-7", Policy, new Dictionary<string, string> { ["TEA-01"] = "grocery" }, At(70)))
            .Then(ApprovedByAgent, AddressAssigned);

    [Fact]
    public void The_category_address_wins_over_the_default() =>
        Refund.Given(ReturnRequested with { Lines = [new("BOOT-01", 1, 50m)] })
            .When(new ApproveRefund("r-1", "agent-7", Policy, new Dictionary<string, string> { ["BOOT-01"] = "shoes" }, At(70)))
            .Then(ApprovedByAgent, AddressAssigned with { Address = ShoeReturns });

    [Fact]
    public void A_return_without_any_return_address_is_not_approved()
    {
        var error = Refund.Given(ReturnRequested).When(new ApproveRefund("r-1", "agent-7", ReturnAddressPolicy.Empty, null, At(70)))
            .ThenError("refund.return-address-missing");
        Assert.Equal("TEA-01", Assert.Single(error.Lines!).Sku);
    }

    [Fact]
    public void Lines_going_to_different_addresses_need_separate_refunds() =>
        Refund.Given(ReturnRequested with { Lines = [new("BOOT-01", 1, 50m), new("TEA-01", 1, 50m)] })
            .When(new ApproveRefund("r-1", "agent-7", Policy, new Dictionary<string, string> { ["BOOT-01"] = "shoes" }, At(70)))
            .ThenError("refund.return-addresses-differ");

    [Fact]
    public void Approving_twice_changes_nothing() =>
        Refund.Given(RefundOnlyRequested, ApprovedByAgent).When(new ApproveRefund("r-1", "agent-8", null, null, At(71))).ThenNothing();

    [Fact]
    public void A_rejected_refund_is_not_approved() =>
        Refund.Given(RefundOnlyRequested, new RefundRejected("r-1", "o-1", "agent-7", "no", At(70)))
            .When(new ApproveRefund("r-1", "agent-7", null, null, At(71))).ThenError("refund.rejected");

    // ---- RejectRefund ------------------------------------------------------------------------------------

    [Fact]
    public void An_agent_rejects_a_refund() =>
        Refund.Given(RefundOnlyRequested).When(new RejectRefund("r-1", "agent-7", "outside policy", At(70)))
            .Then(new RefundRejected("r-1", "o-1", "agent-7", "outside policy", At(70)));

    [Fact]
    public void A_paid_refund_cannot_be_rejected() =>
        Refund.Given(RefundOnlyRequested, ApprovedByAgent, new RefundPaid("r-1", "o-1", 50m, "rp-1", At(80)))
            .When(new RejectRefund("r-1", "agent-7", "oops", At(90))).ThenError("refund.already-paid");

    [Fact]
    public void Rejecting_twice_changes_nothing() =>
        Refund.Given(RefundOnlyRequested, new RefundRejected("r-1", "o-1", "agent-7", "no", At(70)))
            .When(new RejectRefund("r-1", "agent-7", "no", At(71))).ThenNothing();

    // ---- The return leg ----------------------------------------------------------------------------------

    [Fact]
    public void The_customer_ships_the_return_with_a_tracking_number() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned).When(new RecordReturnShipped("r-1", "YTO", "YT777", At(200))).Then(ReturnShipped);

    [Fact]
    public void A_return_is_shipped_only_after_approval() =>
        Refund.Given(ReturnRequested).When(new RecordReturnShipped("r-1", "YTO", "YT777", At(200))).ThenError("refund.not-approved");

    [Fact]
    public void A_refund_only_request_has_no_return_parcel() =>
        Refund.Given(RefundOnlyRequested, ApprovedByAgent).When(new RecordReturnShipped("r-1", "YTO", "YT777", At(200))).ThenError("refund.no-return");

    [Fact]
    public void The_return_is_received_by_scanning_its_tracking_number() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped).When(new ReceiveReturn("r-1", " yt777 ", At(900))).Then(ReturnReceived);

    [Fact]
    public void Scanning_another_parcel_does_not_receive_the_return() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped).When(new ReceiveReturn("r-1", "YT778", At(900)))
            .ThenError("refund.return-tracking-mismatch");

    [Fact]
    public void Scanning_the_parcel_twice_changes_nothing() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped, ReturnReceived).When(new ReceiveReturn("r-1", "YT777", At(901))).ThenNothing();

    [Fact]
    public void A_return_not_yet_shipped_cannot_be_received() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned).When(new ReceiveReturn("r-1", "YT777", At(900))).ThenError("refund.approved");

    [Fact]
    public void The_received_goods_are_inspected() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped, ReturnReceived)
            .When(new InspectReturn("r-1", true, "qa-1", "ok", At(950))).Then(InspectionPassed);

    [Fact]
    public void Goods_are_inspected_only_after_they_are_received() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped)
            .When(new InspectReturn("r-1", true, "qa-1", "ok", At(950))).ThenError("refund.return-shipped");

    // ---- PayRefund ---------------------------------------------------------------------------------------

    [Fact]
    public void An_approved_refund_only_request_is_paid_in_full() =>
        Refund.Given(RefundOnlyRequested, ApprovedByAgent).When(new PayRefund("r-1", "rp-1", At(80)))
            .Then(new RefundPaid("r-1", "o-1", 50m, "rp-1", At(80)));

    [Fact]
    public void A_return_and_refund_is_paid_after_a_passed_inspection() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped, ReturnReceived, InspectionPassed)
            .When(new PayRefund("r-1", "rp-1", At(960))).Then(new RefundPaid("r-1", "o-1", 50m, "rp-1", At(960)));

    [Fact]
    public void A_return_and_refund_is_not_paid_before_inspection() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped, ReturnReceived)
            .When(new PayRefund("r-1", "rp-1", At(960))).ThenError("refund.return-not-inspected");

    [Fact]
    public void A_failed_inspection_blocks_payment() =>
        Refund.Given(ReturnRequested, ApprovedByAgent, AddressAssigned, ReturnShipped, ReturnReceived, InspectionPassed with { Passed = false })
            .When(new PayRefund("r-1", "rp-1", At(960))).ThenError("refund.inspection-failed");

    [Fact]
    public void An_unapproved_refund_is_not_paid() =>
        Refund.Given(RefundOnlyRequested).When(new PayRefund("r-1", "rp-1", At(80))).ThenError("refund.not-approved");

    [Fact]
    public void Paying_twice_changes_nothing() =>
        Refund.Given(RefundOnlyRequested, ApprovedByAgent, new RefundPaid("r-1", "o-1", 50m, "rp-1", At(80)))
            .When(new PayRefund("r-1", "rp-1", At(81))).ThenNothing();

    [Fact]
    public void A_rejected_refund_is_not_paid() =>
        Refund.Given(RefundOnlyRequested, new RefundRejected("r-1", "o-1", "agent-7", "no", At(70)))
            .When(new PayRefund("r-1", "rp-1", At(80))).ThenError("refund.rejected");

    // ---- Disputes ----------------------------------------------------------------------------------------

    [Fact]
    public void The_customer_disputes_a_rejection() =>
        Refund.Given(RefundOnlyRequested, new RefundRejected("r-1", "o-1", "agent-7", "no", At(70)))
            .When(new OpenDispute("r-1", "c-1", "item was broken", At(100)))
            .Then(new RefundDisputeOpened("r-1", "o-1", "c-1", "item was broken", At(100)));

    [Fact]
    public void Opening_a_dispute_twice_changes_nothing() =>
        Refund.Given(RefundOnlyRequested, new RefundDisputeOpened("r-1", "o-1", "c-1", "x", At(100)))
            .When(new OpenDispute("r-1", "c-1", "x", At(101))).ThenNothing();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_dispute_is_judged_merchant_at_fault_or_not(bool merchantAtFault) =>
        Refund.Given(RefundOnlyRequested, new RefundDisputeOpened("r-1", "o-1", "c-1", "x", At(100)))
            .When(new JudgeDispute("r-1", merchantAtFault, "platform", "checked photos", At(500)))
            .Then(new RefundDisputeJudged("r-1", "o-1", merchantAtFault, "platform", "checked photos", At(500)));

    [Fact]
    public void Only_an_open_dispute_is_judged() =>
        Refund.Given(RefundOnlyRequested).When(new JudgeDispute("r-1", true, "platform", "", At(500))).ThenError("refund.no-open-dispute");

    // ---- RefundRefusedDelivery ---------------------------------------------------------------------------

    [Fact]
    public void A_refused_parcel_is_refunded_by_rule() =>
        Refund.When(new RefundRefusedDelivery("refused-sh-1", "o-1", "s-1", "c-1", "sh-1", TeaLine, At(90))).Then(
            new RefundRequested("refused-sh-1", "o-1", "s-1", "c-1", RefundKind.RefundOnly, TeaLine, 50m, "refused-delivery sh-1", At(90)),
            new RefundApproved("refused-sh-1", "o-1", true, RefundDecider.RefusedDeliveryApprover, At(90)));

    [Fact]
    public void A_refused_parcel_is_refunded_once() =>
        Refund.Given(
                new RefundRequested("refused-sh-1", "o-1", "s-1", "c-1", RefundKind.RefundOnly, TeaLine, 50m, "refused-delivery sh-1", At(90)),
                new RefundApproved("refused-sh-1", "o-1", true, RefundDecider.RefusedDeliveryApprover, At(90)))
            .When(new RefundRefusedDelivery("refused-sh-1", "o-1", "s-1", "c-1", "sh-1", TeaLine, At(95))).ThenNothing();

    [Fact]
    public void A_refused_parcel_refund_names_what_it_gives_back() =>
        Refund.When(new RefundRefusedDelivery("refused-sh-1", "o-1", "s-1", "c-1", "sh-1", [], At(90))).ThenError("refund.lines-invalid");

    [Fact]
    public void A_refund_id_already_used_for_another_request_is_refused() =>
        Refund.Given(RefundOnlyRequested).When(new RefundRefusedDelivery("r-1", "o-1", "s-1", "c-1", "sh-1", [new RefundLine("MUG-01", 1, 30m)], At(90)))
            .ThenError("refund.already-requested");
}
