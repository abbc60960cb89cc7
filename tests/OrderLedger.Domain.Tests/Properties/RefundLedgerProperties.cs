using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrderLedger.Domain.Orders;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Properties;

/// <summary>Random refund claims and releases against a paid order: refunds never exceed what was paid, per line or in total.</summary>
public class RefundLedgerProperties
{
    public sealed record Script(IReadOnlyList<OrderCommand> Commands)
    {
        public override string ToString() => string.Join("\n", Commands.Select(c => c is ClaimRefund r ? $"claim {r.RefundId}: {string.Join(", ", r.Lines)}" : c.ToString()));
    }

    public static class Generators
    {
        public static Arbitrary<Script> Scripts()
        {
            var refundId = Gen.Elements("r-1", "r-2", "r-3", "r-4", "r-5", "r-6");
            var line = Gen.Elements("TEA-01", "MUG-01", "HAT-01")
                .Zip(Gen.Choose(0, 3))
                .Zip(Gen.Choose(-100, 12_000))
                .Select(x => new RefundLine(x.Item1.Item1, x.Item1.Item2, x.Item2 / 100m));
            var claim = refundId.Zip(Gen.NonEmptyListOf(line)).Select(x => (OrderCommand)new ClaimRefund("o-1", x.Item1, [.. x.Item2.Take(3)], At(100)));
            var release = refundId.Select(id => (OrderCommand)new ReleaseRefundClaim("o-1", id, At(100)));
            return Arb.From(Gen.ListOf(Gen.Frequency((4, claim), (1, release))).Select(list => new Script([.. list])));
        }
    }

    private static readonly OrderEvent[] PaidOrder =
    [
        new OrderPlaced("o-1", "s-1", "c-1", "web", "CNY", [Tea, Mug], 130m, Shanghai, At(30), T0),
        new OrderAllocated("o-1", [new("TEA-01", "WH", 2), new("MUG-01", "WH", 1)], T0),
        new OrderPaymentConfirmed("o-1", 130m, "CNY", "pay-1", At(5)),
    ];

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 1000)]
    public void Refunded_never_exceeds_paid(Script script)
    {
        var state = OrderDecider.Decider.Fold(PaidOrder);
        var accepted = 0;
        foreach (var command in script.Commands)
        {
            var decision = OrderDecider.Decide(command, state);
            accepted += decision.Events.Count;
            state = decision.Events.Aggregate(state, OrderDecider.Evolve);

            Assert.True(state.RefundClaimedTotal <= state.PaidAmount, $"claimed {state.RefundClaimedTotal} > paid {state.PaidAmount}");
            foreach (var line in state.Lines)
            {
                Assert.True(state.RefundClaimedFor(line.Sku) <= state.PaidFor(line.Sku), $"{line.Sku}: claimed {state.RefundClaimedFor(line.Sku)} > paid {state.PaidFor(line.Sku)}");
                Assert.True(state.RefundClaimedUnitsFor(line.Sku) <= line.Quantity, $"{line.Sku}: {state.RefundClaimedUnitsFor(line.Sku)} units > {line.Quantity} ordered");
            }
        }
    }

    [Fact]
    public void The_whole_amount_can_be_refunded_exactly_but_not_a_cent_more()
    {
        var state = OrderDecider.Decider.Fold(PaidOrder);
        var all = OrderDecider.Decide(new ClaimRefund("o-1", "r-1", [new("TEA-01", 2, 100m), new("MUG-01", 1, 30m)], At(100)), state);
        Assert.True(all.IsAccepted);
        state = all.Events.Aggregate(state, OrderDecider.Evolve);
        Assert.Equal("refund.exceeds-paid", OrderDecider.Decide(new ClaimRefund("o-1", "r-2", [new("MUG-01", 0, 0.01m)], At(101)), state).Error?.Rule);
    }
}
