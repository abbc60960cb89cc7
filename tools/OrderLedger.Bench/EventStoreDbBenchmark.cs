using System.Diagnostics;
using System.Globalization;
using OrderLedger.EventStore;
using OrderLedger.EventStore.EventStoreDb;

namespace OrderLedger.Bench;

/// <summary>
/// OrderLedger's own EventStoreDB client beside the official Node client on the same server in the same run: each
/// workload runs through both, alternating, and the official client's figure is the baseline.
/// </summary>
/// <param name="officialClient">The command running tools/esdb-official-client.js (tools/bench.sh installs the client).</param>
public sealed class EventStoreDbBenchmark(string connectionString, string officialClient, bool quick)
{
    private const int Writers = 16;
    private static readonly byte[] Data = "{\"orderId\":\"o-1\",\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":19.90}"u8.ToArray();
    private static readonly byte[] Metadata = "{\"correlationId\":\"c\",\"commandId\":\"c\"}"u8.ToArray();

    private int SingleEvents => quick ? 1_600 : 16_000;
    private int BatchedEvents => quick ? 16_000 : 160_000;

    /// <summary>Events the read and catch-up workloads read: about as many as one round of both append workloads writes.</summary>
    public int ReadEvents => SingleEvents + BatchedEvents;

    public async Task<double> AppendAsync(int eventsPerAppend)
    {
        await using var store = new EventStoreDbEventStore(connectionString);
        var total = eventsPerAppend == 1 ? SingleEvents : BatchedEvents;
        var appendsPerWriter = total / eventsPerAppend / Writers;
        var run = Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < appendsPerWriter; i++)
            {
                var events = Enumerable.Range(0, eventsPerAppend).Select(_ => new EventData(Guid.NewGuid(), "bench-appended", Data, Metadata)).ToArray();
                await store.AppendAsync($"bench{run}-{writer}", ExpectedRevision.Any, events);
            }
        })));
        return appendsPerWriter * eventsPerAppend * Writers / clock.Elapsed.TotalSeconds;
    }

    public Task<double> OfficialAppendAsync(int eventsPerAppend) =>
        OfficialAsync("append", eventsPerAppend == 1 ? SingleEvents : BatchedEvents, eventsPerAppend, Writers, "official" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Events per second reading <c>$all</c> forwards from the start (system events skipped).</summary>
    public async Task<double> ReadAllAsync()
    {
        await using var store = new EventStoreDbEventStore(connectionString);
        var clock = Stopwatch.StartNew();
        long seen = 0;
        await foreach (var _ in store.ReadAllAsync(null, null, ReadEvents))
        {
            seen++;
        }

        return seen / clock.Elapsed.TotalSeconds;
    }

    public Task<double> OfficialReadAllAsync() => OfficialAsync("read-all", ReadEvents);

    /// <summary>Events per second of a catch-up subscription to <c>$all</c> from the start.</summary>
    public async Task<double> CatchUpAsync()
    {
        await using var store = new EventStoreDbEventStore(connectionString);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var clock = Stopwatch.StartNew();
        long seen = 0;
        await foreach (var message in store.SubscribeToAllAsync(null, null, cancel.Token))
        {
            if (message is SubscriptionMessage.Event && ++seen >= ReadEvents)
            {
                break;
            }
        }

        return seen / clock.Elapsed.TotalSeconds;
    }

    public Task<double> OfficialCatchUpAsync() => OfficialAsync("catch-up", ReadEvents);

    private async Task<double> OfficialAsync(string workload, int events, params object[] more)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(officialClient);
        start.ArgumentList.Add(workload);
        start.ArgumentList.Add(connectionString);
        start.ArgumentList.Add(events.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in more)
        {
            start.ArgumentList.Add(Convert.ToString(argument, CultureInfo.InvariantCulture)!);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start node.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !double.TryParse((await output).Trim(), CultureInfo.InvariantCulture, out var rate))
        {
            throw new InvalidOperationException($"The official client's {workload} failed ({process.ExitCode}): {(await error).Trim()}");
        }

        return rate;
    }
}
