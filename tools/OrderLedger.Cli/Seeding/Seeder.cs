using System.Collections.Concurrent;
using System.Diagnostics;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;

namespace OrderLedger.Cli.Seeding;

/// <summary>Running totals of a seed run, shared by the stores' simulations.</summary>
internal sealed class SeedCounters
{
    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);
    private long _commands;
    private long _events;
    private int _placed;
    private int _rejected;

    public long Commands => Interlocked.Read(ref _commands);
    public long Events => Interlocked.Read(ref _events);
    public int OrdersPlaced => Volatile.Read(ref _placed);
    public int OrdersRejected => Volatile.Read(ref _rejected);
    public int OrdersDone => OrdersPlaced + OrdersRejected;
    public IReadOnlyDictionary<string, int> Refusals => _refusals;

    public void Record(CommandOutcome outcome)
    {
        Interlocked.Increment(ref _commands);
        Interlocked.Add(ref _events, outcome.Changes.Where(c => !c.AlreadyProcessed).Sum(c => c.Events.Count));
        if (outcome.Error is { } error)
        {
            _refusals.AddOrUpdate(error.Rule, 1, (_, n) => n + 1);
        }
    }

    public void OrderPlaced() => Interlocked.Increment(ref _placed);

    public void OrderRejected() => Interlocked.Increment(ref _rejected);
}

/// <summary>
/// Generates the month: one <see cref="StoreSimulation"/> per store, run side by side (each store's own steps in
/// business-time order), every command through <see cref="CommandService"/>.
/// </summary>
internal static class Seeder
{
    public static async Task<SeedSummary> RunAsync(CommandService commands, SeedOptions options, Action<SeedCounters, TimeSpan> progress, CancellationToken cancellationToken = default)
    {
        var counters = new SeedCounters();
        var clock = Stopwatch.StartNew();
        var stores = Enumerable.Range(1, options.Stores)
            .Select(i => Task.Run(() => new StoreSimulation(commands, options, i, counters).RunAsync(cancellationToken), cancellationToken))
            .ToList();
        var all = Task.WhenAll(stores);
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken)) != all)
        {
            progress(counters, clock.Elapsed);
        }

        await all;
        progress(counters, clock.Elapsed);
        return new SeedSummary(options.Stores, counters.OrdersPlaced, counters.OrdersRejected, counters.Commands, counters.Events, counters.Refusals, clock.Elapsed);
    }
}
