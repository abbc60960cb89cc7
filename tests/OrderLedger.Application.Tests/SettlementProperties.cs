using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// Random sequences of business operations (stock received, orders placed, paid, cancelled, timed out, shipped, and
/// placements killed half-way), run through the real command service and PostgreSQL store. Then every order
/// settles (unpaid ones time out, paid ones ship, dead placements are recovered) and every reservation must have
/// ended committed or released, with stock consistent throughout.
/// </summary>
public class SettlementProperties(Ledger ledger) : IClassFixture<Ledger>
{
    public abstract record Op;

    public sealed record Receive(int Warehouse, int Sku, int Quantity) : Op;

    public sealed record Place(int Order, int Tea, int Mug) : Op;

    public sealed record PlaceAndCrash(int Order, int Tea, int Mug) : Op;

    public sealed record Pay(int Order) : Op;

    public sealed record Cancel(int Order) : Op;

    public sealed record TimeOut(int Order) : Op;

    public sealed record Ship(int Order) : Op;

    public sealed record Script(IReadOnlyList<Op> Ops)
    {
        public override string ToString() => string.Join("\n", Ops);
    }

    public static class Generators
    {
        public static Arbitrary<Script> Scripts()
        {
            var order = Gen.Choose(0, 5);
            var units = Gen.Choose(0, 4);
            var op = Gen.Frequency(
                (3, Gen.Choose(0, 1).Zip(Gen.Choose(0, 1)).Zip(Gen.Choose(1, 6)).Select(x => (Op)new Receive(x.Item1.Item1, x.Item1.Item2, x.Item2))),
                (4, order.Zip(units).Zip(units).Select(x => (Op)new Place(x.Item1.Item1, x.Item1.Item2, x.Item2))),
                (1, order.Zip(units).Zip(units).Select(x => (Op)new PlaceAndCrash(x.Item1.Item1, x.Item1.Item2, x.Item2))),
                (3, order.Select(o => (Op)new Pay(o))),
                (1, order.Select(o => (Op)new Cancel(o))),
                (1, order.Select(o => (Op)new TimeOut(o))),
                (2, order.Select(o => (Op)new Ship(o))));
            return Arb.From(Gen.ListOf(op).Select(ops => new Script([.. ops.Take(25)])));
        }
    }

    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 25)]
    public async Task Every_reservation_ends_committed_or_released_once_orders_settle(Script script)
    {
        var app = ledger.App();
        string[] warehouses = [Id("WHA"), Id("WHB")];
        string[] skus = [Id("TEA-"), Id("MUG-")];
        var storeId = await app.StoreAsync((warehouses[0], "SH"), (warehouses[1], "BJ"));
        var orderIds = Enumerable.Range(0, 6).Select(_ => Id("o-")).ToArray();
        var at = T0;

        foreach (var op in script.Ops)
        {
            at = at.AddMinutes(1);
            switch (op)
            {
                case Receive r:
                    await app.ReceiveAsync(warehouses[r.Warehouse], skus[r.Sku], r.Quantity);
                    break;
                case Place p:
                    await app.Commands.ExecuteAsync(PlaceOrder(p.Order, p.Tea, p.Mug), Ctx(at));
                    break;
                case PlaceAndCrash p:
                    try
                    {
                        await ledger.App(new CrashingStore(ledger.Store, s => s.StartsWith("stock-", StringComparison.Ordinal), 1))
                            .Commands.ExecuteAsync(PlaceOrder(p.Order, p.Tea, p.Mug), Ctx(at));
                    }
                    catch (SimulatedCrashException)
                    {
                        // The process died half-way; recovery must clean up.
                    }

                    break;
                case Pay p:
                    var toPay = await app.OrderAsync(orderIds[p.Order]);
                    await app.Commands.ExecuteAsync(new ConfirmPayment(orderIds[p.Order], toPay.Total, "CNY", "pay-" + p.Order, at), Ctx(at));
                    break;
                case Cancel c:
                    await app.Commands.ExecuteAsync(new CancelOrder(orderIds[c.Order], "customer", at), Ctx(at));
                    break;
                case TimeOut t:
                    await app.Commands.ExecuteAsync(new TimeOutPayment(orderIds[t.Order], at.AddHours(1)), Ctx(at.AddHours(1)));
                    break;
                case Ship s:
                    await ShipAsync(app, orderIds[s.Order], at);
                    break;
            }

            await AssertStockConsistentAsync(app, warehouses, skus);
        }

        // Settle: unpaid orders time out, paid orders ship, and recovery runs once the reservation timeout passed.
        var settleAt = at.AddHours(2);
        foreach (var orderId in orderIds)
        {
            var order = await app.OrderAsync(orderId);
            if (order.Status == OrderStatus.AwaitingPayment)
            {
                Assert.Null((await app.Commands.ExecuteAsync(new TimeOutPayment(orderId, settleAt), Ctx(settleAt))).Error);
            }
            else if (order.Status == OrderStatus.Paid)
            {
                Assert.True(await ShipAsync(app, orderId, settleAt), $"paid order {orderId} could not ship");
            }
        }

        var streams = warehouses.SelectMany(w => skus.Select(s => StreamIds.Stock(w, s))).ToArray();
        await ledger.VisibleInAllAsync(streams);
        ledger.Clock.Set(settleAt.AddHours(1));
        await app.Recovery.RunAsync();

        foreach (var warehouse in warehouses)
        {
            foreach (var sku in skus)
            {
                var stock = await app.StockAsync(warehouse, sku);
                Assert.Empty(stock.OpenReservations);
                Assert.Equal(0, stock.Reserved);
                Assert.Equal(stock.OnHand, stock.Available);
            }
        }

        // And the units that left are exactly those of shipped orders.
        var committed = 0;
        foreach (var stream in streams)
        {
            committed += (await ledger.EventsAsync(stream)).OfType<StockReservationCommitted>().Sum(e => e.Quantity);
        }

        var shipped = 0;
        foreach (var orderId in orderIds)
        {
            var order = await app.OrderAsync(orderId);
            shipped += order.HandedOverShipments.IsEmpty ? 0 : order.Lines.Sum(l => l.Quantity);
        }

        Assert.Equal(shipped, committed);

        PlaceOrder PlaceOrder(int index, int tea, int mug)
        {
            var lines = new List<OrderLine>();
            if (tea > 0 || mug == 0)
            {
                lines.Add(new OrderLine(skus[0], Math.Max(tea, 1), 10m, "grocery", "BC-" + skus[0]));
            }

            if (mug > 0)
            {
                lines.Add(new OrderLine(skus[1], mug, 5m, "kitchen", "BC-" + skus[1]));
            }

            return new PlaceOrder(orderIds[index], storeId, "c-1", "web", "CNY", lines, Shanghai, at.AddMinutes(30), at);
        }
    }

    /// <summary>Runs every shipping step of every warehouse of the order; steps already done or not allowed are refused and change nothing.</summary>
    private static async Task<bool> ShipAsync(App app, string orderId, DateTimeOffset at)
    {
        var order = await app.OrderAsync(orderId);
        var allHandedOver = order.Allocation.Count > 0;
        foreach (var group in order.Allocation.GroupBy(a => a.WarehouseId))
        {
            var shipmentId = $"{orderId}-{group.Key}";
            var lines = group.Select(a => new ShipmentLine(a.Sku, a.Quantity, "BC-" + a.Sku)).ToList();
            ShipmentCommand[] steps =
            [
                new CreateShipment(shipmentId, orderId, order.StoreId, group.Key, lines, Shanghai, at),
                new RecordPicked(shipmentId, "picker", at),
                new PackAndVerify(shipmentId, [.. lines.SelectMany(l => Enumerable.Repeat(l.Barcode, l.Quantity))], 500, "packer", at),
            ];
            foreach (var step in steps)
            {
                await app.Commands.ExecuteAsync(step, Ctx(at));
            }

            var handOver = await app.Commands.ExecuteAsync(new HandOverToCarrier(shipmentId, "SF", "SF-" + shipmentId, at), Ctx(at));
            allHandedOver &= handOver.IsSuccess;
        }

        return allHandedOver;
    }

    private static async Task AssertStockConsistentAsync(App app, string[] warehouses, string[] skus)
    {
        foreach (var warehouse in warehouses)
        {
            foreach (var sku in skus)
            {
                var stock = await app.StockAsync(warehouse, sku);
                Assert.True(stock.OnHand >= 0 && stock.Reserved >= 0 && stock.Available >= 0, $"{warehouse}/{sku}: {stock.OnHand}/{stock.Reserved}/{stock.Available}");
                Assert.Equal(stock.OnHand, stock.Reserved + stock.Available);
                Assert.Equal(stock.OpenReservations.Sum(r => r.Value.Quantity), stock.Reserved);
            }
        }
    }
}
