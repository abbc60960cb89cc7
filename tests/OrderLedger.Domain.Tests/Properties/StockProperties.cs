using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrderLedger.Domain.Stock;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Properties;

/// <summary>Random sequences of stock commands, each decided against the state so far; rejected commands append nothing.</summary>
public class StockProperties
{
    public sealed record Script(IReadOnlyList<StockCommand> Commands)
    {
        public override string ToString() => string.Join("\n", Commands);
    }

    public static class Generators
    {
        private static readonly string[] Orders = ["o-1", "o-2", "o-3", "o-4", "o-5"];

        public static Arbitrary<Script> Scripts()
        {
            var order = Gen.Elements(Orders);
            var quantity = Gen.Choose(-2, 40);
            var command = Gen.Frequency(
                (3, quantity.Select(q => (StockCommand)new ReceiveStock("WH", "SKU", q, T0))),
                (6, order.Zip(quantity).Select(x => (StockCommand)new ReserveStock("WH", "SKU", x.Item1, x.Item2, T0))),
                (3, order.Zip(Gen.Elements(Enum.GetValues<ReleaseReason>())).Select(x => (StockCommand)new ReleaseReservation("WH", "SKU", x.Item1, x.Item2, T0))),
                (3, order.Select(o => (StockCommand)new CommitReservation("WH", "SKU", o, "sh-" + o, T0))),
                (2, quantity.Select(q => (StockCommand)new AdjustStock("WH", "SKU", q, "count", T0))));
            return Arb.From(Gen.ListOf(command).Select(list => new Script([.. list])));
        }
    }

    private static IEnumerable<StockState> Run(Script script)
    {
        var state = StockDecider.Decider.Initial;
        foreach (var command in script.Commands)
        {
            var decision = StockDecider.Decide(command, state);
            state = decision.Events.Aggregate(state, StockDecider.Evolve);
            yield return state;
        }
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 500)]
    public void Stock_never_goes_negative(Script script)
    {
        foreach (var state in Run(script))
        {
            Assert.True(state.OnHand >= 0, $"on hand {state.OnHand}");
            Assert.True(state.Reserved >= 0, $"reserved {state.Reserved}");
            Assert.True(state.Available >= 0, $"available {state.Available}");
        }
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 500)]
    public void Reserved_plus_available_equals_on_hand_and_reserved_is_the_sum_of_open_reservations(Script script)
    {
        foreach (var state in Run(script))
        {
            Assert.Equal(state.OnHand, state.Reserved + state.Available);
            Assert.Equal(state.OpenReservations.Sum(r => r.Value.Quantity), state.Reserved);
        }
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 500)]
    public void A_closed_reservation_never_reopens(Script script)
    {
        var closed = new HashSet<string>();
        foreach (var state in Run(script))
        {
            foreach (var (orderId, reservation) in state.Reservations)
            {
                if (reservation.Status != ReservationStatus.Open)
                {
                    closed.Add(orderId);
                }
                else
                {
                    Assert.DoesNotContain(orderId, closed);
                }
            }
        }
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 500)]
    public void Every_reservation_ends_committed_or_released_once_its_orders_settle(Script script)
    {
        var state = Run(script).LastOrDefault() ?? StockState.Initial;

        // Settle: orders that shipped commit, the others are released (the order workflows do exactly this).
        foreach (var (orderId, _) in state.OpenReservations.ToList())
        {
            StockCommand settle = orderId[^1] % 2 == 0
                ? new CommitReservation("WH", "SKU", orderId, "sh", T0)
                : new ReleaseReservation("WH", "SKU", orderId, ReleaseReason.OrderCancelled, T0);
            var decision = StockDecider.Decide(settle, state);
            Assert.True(decision.IsAccepted, decision.ToString());
            state = decision.Events.Aggregate(state, StockDecider.Evolve);
        }

        Assert.Empty(state.OpenReservations);
        Assert.Equal(0, state.Reserved);
        Assert.All(state.Reservations.Values, r => Assert.NotEqual(ReservationStatus.Open, r.Status));
    }
}
