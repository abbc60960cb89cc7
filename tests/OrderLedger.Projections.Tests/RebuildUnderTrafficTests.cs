using System.Collections.Concurrent;
using OrderLedger.EventStore;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrderLedger.Projections.Tests;

public abstract class RebuildUnderTrafficSpecs(ITestOutputHelper output, EventStoreDbNode? eventStoreDb)
{
    [SkippableFact]
    public async Task Readers_never_fail_nor_see_an_empty_model_during_a_rebuild_under_traffic()
    {
        Skip.If(eventStoreDb?.SkipReason is not null, eventStoreDb?.SkipReason);
        await using var fresh = await Fresh.CreateAsync(eventStoreDb);
        await TestEvents.AppendAsync(fresh.Store, 30_000, perAppend: 500, streams: 60);
        await using var projector = await fresh.ProjectorAsync([new LedgerProjection()]);
        await projector.Admin.CaughtUpAsync();

        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                await fresh.Store.AppendAsync($"traffic-{random.Next(20)}", ExpectedRevision.Any, Enumerable.Range(0, 5).Select(_ => TestEvents.Random(random)).ToList());
                Interlocked.Increment(ref writes);
                await Task.Delay(5);
            }
        });

        var failures = new ConcurrentQueue<string>();
        var reads = 0;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var accounts = await Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM rm.ledger_accounts");
                    var entries = await Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM rm.ledger_entries");
                    if (accounts < 60 || entries < 25_000)
                    {
                        failures.Enqueue($"read saw {accounts} accounts, {entries} entries");
                    }
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex.Message);
                }

                Interlocked.Increment(ref reads);
            }
        })).ToList();

        var requested = await projector.Admin.RequestRebuildAsync("ledger");
        Assert.Equal(2, requested.Generation);
        var samples = new List<RebuildProgress>();
        var completed = await Eventually.Get(
            async () =>
            {
                var p = (await projector.Admin.GetRebuildProgressAsync("ledger"))!;
                samples.Add(p);
                return p;
            },
            p => p.State == RebuildState.Completed,
            TimeSpan.FromSeconds(90),
            "rebuild completes");
        var duringBuild = samples.Where(p => p.State == RebuildState.Building && p.Done > 0).ToList();
        Assert.NotEmpty(duringBuild);
        Assert.All(duringBuild, p => Assert.True(p.Total >= p.Done));
        Assert.Contains(duringBuild, p => p.EventsPerSecond > 0 && p.Eta is not null);
        var statusDuringTraffic = await projector.Admin.StatusAsync();
        Assert.Equal(2, statusDuringTraffic.Generation);

        // Keep reading across the drop of the old build too, then stop the traffic.
        await Eventually.Get(() => Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'proj_ledger_g1'"), n => n == 0, TimeSpan.FromSeconds(20), "g1 dropped");
        await stop.CancelAsync();
        await writer;
        await Task.WhenAll(readers);

        output.WriteLine($"{reads} reads, {writes} appends during the rebuild; rebuild {completed.Done} events; last rate sample {duringBuild[^1].EventsPerSecond:0} ev/s");
        Assert.Empty(failures);
        Assert.True(reads > 50, $"only {reads} reads");
        Assert.True(writes > 20, $"only {writes} appends");

        await projector.Admin.CaughtUpAsync();
        Assert.Equal(await Ledger.ExpectedDigestAsync(fresh.Db, fresh.Store), await Ledger.DigestAsync(fresh.Db));
    }
}

/// <summary>A blue/green rebuild with the events in the embedded PostgreSQL store.</summary>
public sealed class RebuildUnderTrafficTests(ITestOutputHelper output) : RebuildUnderTrafficSpecs(output, null);

/// <summary>The same rebuild with the events in EventStoreDB (a node of this class's own), the tables in PostgreSQL.</summary>
public sealed class RebuildUnderTrafficOnEventStoreDbTests(ITestOutputHelper output, EventStoreDbNode node)
    : RebuildUnderTrafficSpecs(output, node), IClassFixture<EventStoreDbNode>;
