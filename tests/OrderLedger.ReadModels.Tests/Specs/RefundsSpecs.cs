using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.ReadModels.Tests.Support.Samples;

namespace OrderLedger.ReadModels.Tests.Specs;

public sealed class RefundsSpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    private RefundQueries Refunds => new(database.DataSource);

    private static RefundRequested Requested(string id, string orderId, RefundKind kind, double minutes) =>
        new(id, orderId, "S1", "C1", kind, [new RefundLine("MUG-01", kind == RefundKind.RefundOnly ? 0 : 1, 30m)], 30m, "broken", At(minutes));

    private async Task Given(Func<Ledger, Task> given)
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await given(ledger);
        await Projector.BuildAndPublishAsync(database.DataSource, new RefundsProjection(), await ledger.ReadAsync());
    }

    [Fact]
    public async Task A_refund_approved_by_the_rule_and_paid_is_auto_with_its_completion_time()
    {
        await Given(async l =>
        {
            await l.AppendAsync(StreamIds.Refund("RAUTO"), At(0),
                Requested("RAUTO", "O1", RefundKind.RefundOnly, 0), new RefundApproved("RAUTO", "O1", true, RefundDecider.AutoApprover, At(0)));
            await l.AppendAsync(StreamIds.Refund("RAUTO"), At(90), new RefundPaid("RAUTO", "O1", 30m, "RP-1", At(90)));
        });

        var refund = await Refunds.GetAsync("RAUTO");

        Assert.NotNull(refund);
        Assert.Equal(("paid", "refund_only", "auto", 30m), (refund.Status, refund.Kind, refund.Approval, refund.Amount));
        Assert.Equal((At(0), At(0), At(90)), (refund.RequestedAt, refund.ApprovedAt, refund.PaidAt));
        Assert.Equal(TimeSpan.FromMinutes(90), refund.CompletionTime);
    }

    [Fact]
    public async Task A_return_and_refund_goes_through_the_return_leg_with_a_manual_approval()
    {
        await Given(async l =>
        {
            var r = StreamIds.Refund("RRET");
            await l.AppendAsync(r, At(0), Requested("RRET", "O2", RefundKind.ReturnAndRefund, 0));
            await l.AppendAsync(r, At(60), new RefundApproved("RRET", "O2", false, "agent-3", At(60)), new RefundReturnAddressAssigned("RRET", ReturnsCenter, At(60)));
            await l.AppendAsync(r, At(600), new RefundReturnShipped("RRET", "SF", "SF-RET", At(600)));
            await l.AppendAsync(r, At(3000), new RefundReturnReceived("RRET", "SF-RET", At(3000)));
        });

        var received = await Refunds.GetAsync("RRET");

        Assert.NotNull(received);
        Assert.Equal(("return_received", "return_and_refund", "manual", "agent-3"), (received.Status, received.Kind, received.Approval, received.ApprovedBy));
        Assert.Equal(("SF-RET", At(600), At(3000)), (received.ReturnTrackingNumber, received.ReturnShippedAt, received.ReturnReceivedAt));
        Assert.Null(received.CompletionTime);
    }

    [Fact]
    public async Task A_rejected_refund_keeps_the_reason_and_a_judged_dispute_records_the_verdict()
    {
        await Given(async l =>
        {
            var r = StreamIds.Refund("RREJ");
            await l.AppendAsync(r, At(0), Requested("RREJ", "O3", RefundKind.ReturnAndRefund, 0));
            await l.AppendAsync(r, At(10), new RefundRejected("RREJ", "O3", "agent-1", "outside return window", At(10)));
            await l.AppendAsync(r, At(20), new RefundDisputeOpened("RREJ", "O3", "C1", "unfair", At(20)));
            await l.AppendAsync(r, At(30), new RefundDisputeJudged("RREJ", "O3", true, "platform", "window was not shown", At(30)));
        });

        var refund = await Refunds.GetAsync("RREJ");

        Assert.NotNull(refund);
        Assert.Equal(("rejected", "outside return window", At(10)), (refund.Status, refund.RejectionReason, refund.RejectedAt));
        Assert.Equal(("judged", true), (refund.Dispute, refund.MerchantAtFault));
    }

    [Fact]
    public async Task Refunds_are_listed_per_order_and_per_store_and_status()
    {
        await Given(async l =>
        {
            await l.AppendAsync(StreamIds.Refund("RL1"), At(0), Requested("RL1", "OL", RefundKind.RefundOnly, 0));
            await l.AppendAsync(StreamIds.Refund("RL2"), At(5), Requested("RL2", "OL", RefundKind.RefundOnly, 5));
            await l.AppendAsync(StreamIds.Refund("RL2"), At(6), new RefundApproved("RL2", "OL", false, "agent-1", At(6)));
        });

        Assert.Equal(["RL1", "RL2"], (await Refunds.ListForOrderAsync("OL")).Select(r => r.RefundId));
        Assert.Equal(["RL1"], (await Refunds.ListForStoresAsync(["S1"], "requested")).Select(r => r.RefundId));
        Assert.Equal(["RL2", "RL1"], (await Refunds.ListForStoresAsync(["S1"])).Select(r => r.RefundId));
        Assert.Empty(await Refunds.ListForStoresAsync(["S9"]));
    }
}
