using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Stock;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>The cached fold of a stream must never change an outcome: only how much of the stream is read.</summary>
public class StreamStateCacheTests(Ledger ledger) : IClassFixture<Ledger>
{
    [Fact]
    public async Task A_command_repeated_after_later_commands_returns_its_first_outcome_and_appends_nothing()
    {
        var app = ledger.App();
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));
        var first = await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 5, T0), Ctx(T0, commandId: "first-" + sku));
        await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 3, T0), Ctx(T0));
        await app.Commands.ExecuteAsync(new ReserveStock(warehouse, sku, "o-1", 2, T0), Ctx(T0));

        var repeat = await app.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, 5, T0), Ctx(T0, commandId: "first-" + sku));

        Assert.True(repeat.AlreadyProcessed);
        Assert.Equal(first.Events, repeat.Events);
        Assert.Equal(3, (await ledger.ReadAsync(StreamIds.Stock(warehouse, sku))).Count);
        Assert.Equal((8, 2), ((await app.StockAsync(warehouse, sku)).OnHand, (await app.StockAsync(warehouse, sku)).Reserved));
    }

    [Fact]
    public async Task Events_appended_by_another_process_after_the_cached_fold_are_decided_against()
    {
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));
        var mine = ledger.App();
        var other = ledger.App();
        await mine.ReceiveAsync(warehouse, sku, 10);
        Assert.Equal(10, (await mine.StockAsync(warehouse, sku)).Available);

        await other.Commands.ExecuteAsync(new ReserveStock(warehouse, sku, "o-other", 8, T0), Ctx(T0));
        var outcome = await mine.Commands.ExecuteAsync(new ReserveStock(warehouse, sku, "o-mine", 5, T0), Ctx(T0));

        Assert.Equal("stock.insufficient", outcome.Error?.Rule);
        Assert.Equal(new LineFault(sku, 5, 2, "insufficient-stock"), Assert.Single(outcome.Error!.Lines!));
    }

    [Fact]
    public async Task A_cache_smaller_than_the_streams_in_use_gives_the_same_states()
    {
        var small = ledger.App(options: new CommandHandlerOptions { StateCacheStreams = 1 });
        var uncached = ledger.App(options: new CommandHandlerOptions { StateCacheStreams = 0 });
        var warehouse = Id("WH");
        var skus = new[] { Id("SKU-A"), Id("SKU-B"), Id("SKU-C") };

        for (var round = 1; round <= 4; round++)
        {
            foreach (var sku in skus)
            {
                await small.Commands.ExecuteAsync(new ReceiveStock(warehouse, sku, round, T0), Ctx(T0));
                await small.Commands.ExecuteAsync(new ReserveStock(warehouse, sku, $"o-{round}", 1, T0), Ctx(T0));
            }
        }

        foreach (var sku in skus)
        {
            var expected = await uncached.StockAsync(warehouse, sku);
            Assert.Equal((10, 4), (expected.OnHand, expected.Reserved));
            var actual = await small.StockAsync(warehouse, sku);
            Assert.Equal((expected.OnHand, expected.Reserved), (actual.OnHand, actual.Reserved));
            Assert.Equal(expected.Reservations.OrderBy(r => r.Key), actual.Reservations.OrderBy(r => r.Key));
        }
    }
}
