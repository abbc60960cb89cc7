using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using OrderLedger.Testing;
using Xunit.Abstractions;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

/// <summary>
/// The adapter through the loss of a cluster's leader (brief §7): writers and a live <c>$all</c> subscription keep
/// going while the leader is stopped, and the client finds the new leader by itself.
/// </summary>
[Collection(EventStoreDbClusterCollection.Name)]
public sealed class ClusterFailoverTests(EventStoreDbClusterFixture fixture, ITestOutputHelper output)
{
    private const int Writers = 8;
    private static readonly TimeSpan WritingBeforeKill = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan WritingAfterRecovery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);

    private readonly string _prefix = "failover" + Guid.NewGuid().ToString("N")[..8];

    [SkippableFact]
    public async Task Given_writers_and_a_live_subscription_when_the_leader_is_stopped_then_every_acknowledged_append_is_in_the_log_once_and_seen_once_in_order()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var cluster = fixture.Cluster!;
        // Retries enough to outlast an election (about 10 s on this machine) without a writer giving up.
        var options = new EventStoreDbOptions { RetryAttempts = 40, RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromSeconds(1), SubscriptionReconnectAttempts = 200 };
        await using var store = new EventStoreDbEventStore(cluster.WithNodePreference("leader"), options);
        using var stop = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(GiveUpAfter);

        var seen = new ConcurrentQueue<RecordedEvent>();
        var head = await store.ReadHeadPositionAsync(deadline.Token);
        var subscription = Task.Run(() => SubscribeAsync(store, head, seen, deadline.Token), deadline.Token);

        var clock = Stopwatch.StartNew();
        var acknowledged = new ConcurrentQueue<(Guid EventId, string Stream, TimeSpan Started, TimeSpan Acknowledged)>();
        var writers = Enumerable.Range(0, Writers)
            .Select(w => Task.Run(() => WriteAsync(store, $"{_prefix}-w{w}", clock, acknowledged, stop.Token, deadline.Token), deadline.Token))
            .ToList();

        await Task.Delay(WritingBeforeKill, deadline.Token);
        var leader = await cluster.LeaderPortAsync() ?? throw new InvalidOperationException("The cluster has no leader before the test.");
        var beforeKill = acknowledged.Count;
        var killedAt = clock.Elapsed;
        await cluster.StopNodeAsync(leader);

        // The first append that started after the stop, so it cannot have been the old leader's.
        var recovered = await Eventually.Get(
            () => Task.FromResult(acknowledged.Where(a => a.Started > killedAt).Select(a => (TimeSpan?)a.Acknowledged).Min()),
            first => first is not null,
            GiveUpAfter,
            "an append acknowledged by a new leader");

        await Task.Delay(WritingAfterRecovery, deadline.Token);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var acks = acknowledged.ToList();
        var newLeader = await cluster.LeaderPortAsync();
        output.WriteLine($"leader {leader} stopped at {killedAt.TotalSeconds:0.000} s; new leader {newLeader}; first append started after the stop acknowledged "
            + $"{(recovered!.Value - killedAt).TotalMilliseconds:0} ms after it; {beforeKill} appends acknowledged before, {acks.Count - beforeKill} after");

        // In the log: each writer's stream holds exactly its acknowledged appends, in order, once each.
        foreach (var stream in acks.Select(a => a.Stream).Distinct())
        {
            var written = await store.ReadStreamAsync(stream, StreamReadOptions.All, deadline.Token).ToListAsync(deadline.Token);
            Assert.Equal(acks.Where(a => a.Stream == stream).Select(a => a.EventId), written.Select(e => e.EventId));
        }

        // The subscription: every acknowledged event once, in $all order.
        var expected = acks.Select(a => a.EventId).ToHashSet();
        await Eventually.Get(() => Task.FromResult(seen.Count(e => expected.Contains(e.EventId))), n => n >= expected.Count, TimeSpan.FromSeconds(60), "the subscription delivering every acknowledged event");
        var delivered = seen.ToList();
        Assert.Equal(delivered.Count, delivered.Select(e => e.EventId).Distinct().Count());
        Assert.True(delivered.Zip(delivered.Skip(1)).All(pair => pair.First.Position < pair.Second.Position), "The subscription delivered events out of $all order.");
        Assert.Equal(expected.Count, delivered.Count);
        Assert.NotNull(newLeader);
        Assert.NotEqual(leader, newLeader);

        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscription);
    }

    private async Task SubscribeAsync(IEventStore store, Position? head, ConcurrentQueue<RecordedEvent> seen, CancellationToken cancellationToken)
    {
        await foreach (var message in store.SubscribeToAllAsync(head, null, cancellationToken))
        {
            if (message is SubscriptionMessage.Event { Record: var record } && record.StreamId.StartsWith(_prefix, StringComparison.Ordinal))
            {
                seen.Enqueue(record);
            }
        }
    }

    /// <summary>
    /// One event at a time at the exact next revision; a failed append is tried again with the same event until it
    /// is acknowledged (EventStoreDB recognises the repeat), so an event the writer gave up on cannot hide in the log.
    /// </summary>
    private static async Task WriteAsync(
        IEventStore store,
        string stream,
        Stopwatch clock,
        ConcurrentQueue<(Guid, string, TimeSpan, TimeSpan)> acknowledged,
        CancellationToken stop,
        CancellationToken deadline)
    {
        var expected = ExpectedRevision.NoStream;
        while (!stop.IsCancellationRequested)
        {
            var data = new EventData(Guid.NewGuid(), "failover-written", Encoding.UTF8.GetBytes($"{{\"stream\":\"{stream}\"}}"), Encoding.UTF8.GetBytes("{}"));
            while (true)
            {
                var started = clock.Elapsed;
                try
                {
                    var result = await store.AppendAsync(stream, expected, [data], deadline);
                    acknowledged.Enqueue((data.EventId, stream, started, clock.Elapsed));
                    expected = ExpectedRevision.Exact(result.NextExpectedRevision);
                    break;
                }
                catch (EventStoreUnavailableException)
                {
                    await Task.Delay(100, deadline);
                }
            }
        }
    }
}
