using JasperFx.Events;
using Marten;

namespace OrderLedger.Bench;

/// <summary>
/// Marten's event store beside OrderLedger's on the same PostgreSQL: quick append (<see cref="EventAppendMode.Quick"/>),
/// string stream keys, each append a new stream, with the writers and counts of <see cref="AppendBenchmarks"/>. Marten's
/// rows carry the event's JSON only: the 300 bytes of metadata (hash chain, actor, correlation) OrderLedger stores with
/// every event are not written, which favours Marten.
/// </summary>
public sealed class MartenAppendBenchmarks(string connectionString, AppendBenchmarks counts) : IAsyncDisposable
{
    public sealed record OrderLineAdded(string OrderId, string Sku, int Quantity, decimal UnitPrice);

    private readonly DocumentStore _store = MartenStores.For(connectionString, "marten");

    /// <summary>Creates Marten's tables and makes one append, so that its code generation on first use is not timed.</summary>
    public async Task PrepareAsync()
    {
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var session = _store.LightweightSession();
        session.Events.Append($"marten-warm-up-{Guid.NewGuid():N}", new OrderLineAdded("o-1", "SKU-1", 2, 19.90m));
        await session.SaveChangesAsync();
    }

    /// <summary>Events per second, one session and one <c>SaveChangesAsync</c> per append of <paramref name="eventsPerAppend"/> events.</summary>
    public async Task<double> QuickAppendAsync(int eventsPerAppend)
    {
        var appends = eventsPerAppend == 1 ? counts.SingleAppendsPerWriter : counts.BatchAppendsPerWriter;
        var run = Guid.NewGuid().ToString("N")[..8];
        return await AppendBenchmarks.MeasureAsync(appends * eventsPerAppend, async writer =>
        {
            for (var i = 0; i < appends; i++)
            {
                await using var session = _store.LightweightSession();
                session.Events.Append($"marten{run}-{writer}-{i}", Enumerable.Range(0, eventsPerAppend).Select(_ => (object)new OrderLineAdded("o-1", "SKU-1", 2, 19.90m)).ToArray());
                await session.SaveChangesAsync();
            }
        });
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
