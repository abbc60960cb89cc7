using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Tests.Support;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Projections.Tests;

/// <summary>The process's one <c>$all</c> reader that feeds every projection (docs/projections.md, "one reader").</summary>
public sealed class SharedLogReaderTests
{
    private static readonly IReadOnlySet<string> LedgerTypes = new HashSet<string>(StringComparer.Ordinal) { TestEvents.DepositedType, TestEvents.WithdrawnType };

    [Fact]
    public async Task Projections_at_different_checkpoints_share_one_process_and_end_with_the_tables_of_separate_builds()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 6_000, perAppend: 200, streams: 30);
        var early = new LedgerProjection("early");
        await using (var alone = await InProcessProjector.StartAsync(fresh.ConnectionString, [early]))
        {
            await alone.Admin.CaughtUpAsync("early");
        }

        await TestEvents.AppendAsync(fresh.Store, total: 4_000, perAppend: 200, streams: 30, seed: 2, prefix: "later");

        // "early" resumes at 6,000, the others start from nothing; all run in one process off one reader, under traffic.
        var projections = new[] { early, new LedgerProjection("fresh_a"), new LedgerProjection("fresh_b") };
        await using (var together = await InProcessProjector.StartAsync(fresh.ConnectionString, projections, o => o.CatchUpBatchSize = 700))
        {
            await TestEvents.AppendAsync(fresh.Store, total: 2_000, perAppend: 100, streams: 30, seed: 3, prefix: "live");
            foreach (var projection in projections)
            {
                await together.Admin.CaughtUpAsync(projection.Name);
            }
        }

        // A separate build of its own, from the start, is what each of them must equal.
        var separate = new LedgerProjection("separate");
        await using (var alone = await InProcessProjector.StartAsync(fresh.ConnectionString, [separate]))
        {
            await alone.Admin.CaughtUpAsync("separate");
        }

        var expected = await Ledger.ExpectedDigestAsync(fresh.Db);
        Assert.Equal(expected, await Ledger.DigestAsync(fresh.Db, "separate"));
        foreach (var projection in projections)
        {
            Assert.Equal(expected, await Ledger.DigestAsync(fresh.Db, projection.Name));
        }
    }

    [Fact]
    public async Task Workers_joining_at_different_positions_get_every_later_event_in_order_and_end_up_on_one_read()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 5_000, perAppend: 250, streams: 20);
        var log = await ReadLogAsync(fresh.Store);
        await using var reader = NewReader(fresh, catchUpBatchSize: 400);

        await using var fromStart = reader.Join(null, LedgerTypes);
        await using var fromMiddle = reader.Join(log[1_999].Position, LedgerTypes);
        var first = await fromStart.Batches.ReadAsync(); // the first cursor is under way before the next worker joins
        await using var lateFromStart = reader.Join(null, LedgerTypes);

        var received = await Task.WhenAll(
            DrainAsync(fromStart, null, log[^1].Position, first),
            DrainAsync(fromMiddle, log[1_999].Position, log[^1].Position),
            DrainAsync(lateFromStart, null, log[^1].Position));

        Assert.Equal(log.Select(e => e.Position), received[0]);
        Assert.Equal(log.Skip(2_000).Select(e => e.Position), received[1]);
        Assert.Equal(log.Select(e => e.Position), received[2]);
        // Whichever read overtook the other took its workers along: one read of the log remains.
        await Eventually.Get(() => Task.FromResult(reader.CursorCount), n => n == 1, TimeSpan.FromSeconds(10), "the reads merged");
    }

    [Fact]
    public async Task A_worker_that_stops_reading_holds_back_only_its_bounded_queue_and_releases_the_others_when_it_leaves()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 6_000, perAppend: 200, streams: 20);
        var log = await ReadLogAsync(fresh.Store);
        const int batchSize = 300;
        await using var reader = NewReader(fresh, catchUpBatchSize: batchSize);

        var stuck = reader.Join(null, LedgerTypes); // never reads, like a projection stuck in its handler
        await using var healthy = reader.Join(null, LedgerTypes);

        var beforeLeaving = new List<Position>();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            try
            {
                while (true)
                {
                    var batch = await healthy.Batches.ReadAsync(wait.Token);
                    beforeLeaving.AddRange(batch.Entries.Select(e => e.Record.Position));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        // The stuck one's queue, the batch being handed over and the one being read: no further ahead than that.
        Assert.InRange(beforeLeaving.Count, 1, (SharedLogReader.QueueBatches + 2) * batchSize);
        Assert.Equal(log.Take(beforeLeaving.Count).Select(e => e.Position), beforeLeaving);

        await stuck.DisposeAsync(); // it faulted, or was stopped: the others go on at once
        var rest = await DrainAsync(healthy, beforeLeaving[^1], log[^1].Position);
        Assert.Equal(log.Select(e => e.Position), beforeLeaving.Concat(rest));
    }

    [Fact]
    public async Task Events_are_decoded_once_for_every_worker_and_an_undecodable_one_is_handed_over_with_its_error()
    {
        await using var fresh = await Fresh.CreateAsync();
        await fresh.Store.AppendAsync("acct-1", ExpectedRevision.NoStream, [TestEvents.Deposit(5), TestEvents.Note("hello"), TestEvents.Alien()]);
        await fresh.Store.AppendAsync("acct-2", ExpectedRevision.NoStream, [new EventData(Guid.NewGuid(), TestEvents.DepositedType, "not json"u8.ToArray(), "{}"u8.ToArray())]);
        await using var reader = NewReader(fresh, catchUpBatchSize: 100);

        await using var a = reader.Join(null, LedgerTypes);
        await using var b = reader.Join(null, LedgerTypes);
        var batchA = await a.Batches.ReadAsync();
        var batchB = await b.Batches.ReadAsync();

        Assert.Same(batchA, batchB);
        var entries = batchA.Entries;
        Assert.Equal(4, entries.Count);
        Assert.NotNull(entries[0].Decoded);
        Assert.Null(entries[1].Decoded); // a known type nobody here handles: not decoded at all
        Assert.False(entries[1].Unknown);
        Assert.True(entries[2].Unknown);
        Assert.Null(entries[3].Decoded);
        Assert.NotNull(entries[3].DecodeError);
    }

    private static SharedLogReader NewReader(Fresh fresh, int catchUpBatchSize) => new(
        fresh.Store,
        new EventCodec(TestEvents.CreateRegistry()),
        new ProjectionOptions { ConnectionString = fresh.ConnectionString, BatchSize = 100, CatchUpBatchSize = catchUpBatchSize },
        NullLogger.Instance);

    private static async Task<List<RecordedEvent>> ReadLogAsync(IEventStore store)
    {
        var log = new List<RecordedEvent>();
        await foreach (var e in store.ReadAllAsync(null, null, long.MaxValue))
        {
            log.Add(e);
        }

        return log;
    }

    /// <summary>What a worker at <paramref name="checkpoint"/> applies: events after its position, skipping repeats, until <paramref name="head"/>.</summary>
    private static async Task<List<Position>> DrainAsync(SharedLogReader.LogFeed feed, Position? checkpoint, Position head, LogBatch? first = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var applied = new List<Position>();
        var batch = first ?? await feed.Batches.ReadAsync(timeout.Token);
        while (true)
        {
            foreach (var entry in batch.Entries)
            {
                if (checkpoint is null || entry.Record.Position > checkpoint.Value)
                {
                    applied.Add(entry.Record.Position);
                    checkpoint = entry.Record.Position;
                }
            }

            if (checkpoint == head)
            {
                return applied;
            }

            batch = await feed.Batches.ReadAsync(timeout.Token);
        }
    }
}
