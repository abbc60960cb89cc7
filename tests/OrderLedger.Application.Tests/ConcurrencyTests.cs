using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

public class ConcurrencyTests(Ledger ledger) : IClassFixture<Ledger>
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    [Fact]
    public async Task Sixty_four_concurrent_orders_for_one_sku_never_oversell_and_reserve_exactly_what_was_accepted()
    {
        var app = ledger.App(options: new CommandHandlerOptions { MaxAttempts = 500 });
        var warehouse = Id("WH");
        var sku = Id("SKU-");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        await app.ReceiveAsync(warehouse, sku, 1000);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var quantities = Enumerable.Range(0, 64).Select(_ => random.Next(1, 41)).ToArray();
        Assert.True(quantities.Sum() > 1000, $"seed {seed}: the orders must ask for more than is in stock");
        var orders = quantities.Select(q => new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY", [new OrderLine(sku, q, 1m)], Shanghai, T0.AddMinutes(30), T0)).ToArray();

        using var start = new ManualResetEventSlim();
        var running = orders.Select(order => Task.Run(async () =>
        {
            start.Wait();
            return await app.Commands.ExecuteAsync(order, Ctx(T0));
        })).ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(running);

        Assert.All(outcomes, o => Assert.True(o.IsSuccess || o.Error!.Rule == "order.out-of-stock", $"seed {seed}: {o.Error}"));
        var accepted = orders.Zip(outcomes).Where(x => x.Second.IsSuccess).Sum(x => x.First.Lines[0].Quantity);
        var stock = await app.StockAsync(warehouse, sku);
        Assert.Equal(1000, stock.OnHand);
        Assert.Equal(accepted, stock.Reserved);
        Assert.Equal(1000 - accepted, stock.Available);
        Assert.True(stock.Available >= 0);

        // Every accepted order holds exactly its quantity; no rejected order holds anything.
        var events = await ledger.EventsAsync(StreamIds.Stock(warehouse, sku));
        var openByOrder = stock.OpenReservations.ToDictionary(r => r.Key, r => r.Value.Quantity);
        foreach (var (order, outcome) in orders.Zip(outcomes))
        {
            Assert.Equal(outcome.IsSuccess ? order.Lines[0].Quantity : 0, openByOrder.GetValueOrDefault(order.OrderId));
            Assert.Equal(outcome.IsSuccess ? OrderStatus.AwaitingPayment : OrderStatus.Rejected, (await app.OrderAsync(order.OrderId)).Status);
        }

        Assert.Equal(accepted, events.OfType<StockReserved>().Sum(e => e.Quantity) - events.OfType<StockReservationReleased>().Sum(e => e.Quantity));

        // Nothing was refused that could have been served: stock only shrinks here, so each rejected order asked
        // for more than what is left even now.
        Assert.All(orders.Zip(outcomes).Where(x => !x.Second.IsSuccess), x => Assert.True(x.First.Lines[0].Quantity > stock.Available, $"seed {seed}"));
    }
}
