using System.Diagnostics;
using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Bench;

/// <summary>
/// Appends orders at a steady rate while the projector runs live, and measures for each one the time from the
/// append's acknowledgement until the orders read model's checkpoint (committed with its rows) has passed it.
/// </summary>
public sealed class LagBenchmark(string connectionString, IEventStore store)
{
    private readonly EventCodec _codec = new(DomainEventTypes.CreateRegistry());

    public async Task<(double P50, double P99, double Max, int Events)> RunAsync(int eventsPerSecond, TimeSpan duration)
    {
        var pending = new List<(Position Position, long AckTicks)>();
        var lags = new Latencies();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(() => SampleAsync(pending, lags, clock, stop.Token));

        const int writers = 10;
        var perWriterInterval = TimeSpan.FromSeconds(writers / (double)eventsPerSecond);
        var run = Guid.NewGuid().ToString("N")[..6];
        var address = new PostalAddress("A", "Main 1", "Berlin", "10115", "BE", "DE");
        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            var next = clock.Elapsed;
            for (var n = 0; clock.Elapsed < duration; n++)
            {
                var orderId = $"lag{run}-{writer}-{n}";
                var now = DateTimeOffset.UtcNow;
                var placed = new OrderPlaced(orderId, "s1", "c000001", "web", "EUR", [new OrderLine("SKU-0001", 1, 10m)], 10m, address, now.AddMinutes(30), now);
                var data = _codec.Encode([placed], new CommandContext($"lag/{orderId}", Actor.System("bench"), now, "s1"), new ChainTip(StreamIds.Order(orderId), null, null));
                var result = await store.AppendAsync(StreamIds.Order(orderId), ExpectedRevision.NoStream, data);
                lock (pending)
                {
                    pending.Add((result.Position, clock.ElapsedTicks));
                }

                next += perWriterInterval;
                if (next > clock.Elapsed)
                {
                    await Task.Delay(next - clock.Elapsed);
                }
            }
        })));

        // Let the last events arrive, then stop sampling.
        var drainUntil = clock.Elapsed + TimeSpan.FromSeconds(10);
        while (clock.Elapsed < drainUntil && PendingCount(pending) > 0)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await sampler;
        return (lags.Percentile(50), lags.Percentile(99), lags.Percentile(100), lags.Count);
    }

    private static int PendingCount(List<(Position, long)> pending)
    {
        lock (pending)
        {
            return pending.Count;
        }
    }

    private async Task SampleAsync(List<(Position Position, long AckTicks)> pending, Latencies lags, Stopwatch clock, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT g.checkpoint_commit, g.checkpoint_prepare
            FROM projections.generations g JOIN projections.registry r ON r.name = g.name AND r.live_generation = g.generation
            WHERE g.name = 'orders'
            """, connection);
        await command.PrepareAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0))
                {
                    var checkpoint = new Position((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1));
                    var seenAt = clock.ElapsedTicks;
                    lock (pending)
                    {
                        pending.RemoveAll(p =>
                        {
                            if (p.Position > checkpoint)
                            {
                                return false;
                            }

                            lags.Add((seenAt - p.AckTicks) * 1000.0 / Stopwatch.Frequency);
                            return true;
                        });
                    }
                }
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
