using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Application;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Bench;

/// <summary>64 clients place orders for one SKU (stock 10,000) through the command path until it is sold out.</summary>
public sealed class HotSkuBenchmark(string connectionString)
{
    public async Task<(double ReservationsPerSecond, int ReservedInLog, int AcceptedQuantity)> RunAsync(int stock, int clients = 64)
    {
        var services = new ServiceCollection()
            .AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString })
            .AddOrderLedgerApplication();
        await using var provider = services.BuildServiceProvider();
        var commands = provider.GetRequiredService<CommandService>();
        var run = Guid.NewGuid().ToString("N")[..6];
        var storeId = $"hot{run}";
        var warehouse = $"wh-hot{run}";
        var now = DateTimeOffset.UtcNow;
        var context = (string id) => new CommandContext(id, Actor.System("bench"), now, storeId);
        await commands.ExecuteAsync(new RegisterStore(storeId, "Hot shop", "Europe/Berlin", "EUR", now), context($"{run}-store"));
        await commands.ExecuteAsync(new SetWarehouses(storeId, [new WarehouseRegions(warehouse, ["BE"])], now), context($"{run}-warehouses"));
        var received = await commands.ExecuteAsync(new ReceiveStock(warehouse, "SKU-HOT", stock, now), context($"{run}-stock"));
        if (received.Error is { } setupError)
        {
            throw new InvalidOperationException($"Hot SKU setup failed: {setupError}");
        }

        var accepted = 0;
        var reservedQuantity = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            for (var n = 0; ; n++)
            {
                var quantity = 1 + random.Next(3);
                var orderId = $"{run}-{client}-{n}";
                var outcome = await commands.ExecuteAsync(
                    new PlaceOrder(orderId, storeId, $"c{client}", "web", "EUR", [new OrderLine("SKU-HOT", quantity, 10m)],
                        new PostalAddress("A", "Main 1", "Berlin", "10115", "BE", "DE"), now.AddMinutes(30), now),
                    context($"{run}-place-{orderId}"));
                if (outcome.Error is not null)
                {
                    if (outcome.Error.Lines is not { Count: > 0 } && outcome.Error.Rule != "concurrency.conflict")
                    {
                        throw new InvalidOperationException($"Order {orderId} was refused for another reason than stock: {outcome.Error}");
                    }

                    if (outcome.Error.Lines is { Count: > 0 } && quantity == 1)
                    {
                        return; // not even one unit left: sold out
                    }

                    continue; // too many asked for what is left, or a lost race: try again
                }

                Interlocked.Increment(ref accepted);
                Interlocked.Add(ref reservedQuantity, quantity);
            }
        })));
        var seconds = stopwatch.Elapsed.TotalSeconds;

        var stockState = await provider.GetRequiredService<OrderLedger.Application.CommandHandling.CommandHandler>()
            .LoadAsync(StockDecider.Decider, StreamIds.Stock(warehouse, "SKU-HOT"));
        return (accepted / seconds, stockState.State.Reserved, reservedQuantity);
    }
}
