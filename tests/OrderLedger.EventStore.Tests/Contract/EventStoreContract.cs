using System.Text;
using OrderLedger.Audit;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.EventStore.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IEventStore"/> adapter must have (brief §3). An adapter joins by deriving a
/// class that creates its store; tests isolate themselves by stream-id prefix, so a shared server works.
/// </summary>
public abstract class EventStoreContract : IAsyncLifetime
{
    private IEventStore? _store;

    /// <summary>Unique to this test: every stream it writes starts with it.</summary>
    protected string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Non-null when the adapter cannot run here (e.g. no server configured); the tests then report as skipped.</summary>
    protected virtual string? SkipReason => null;

    protected abstract Task<IEventStore> CreateStoreAsync();

    protected IEventStore Store
    {
        get
        {
            Skip.If(SkipReason is not null, SkipReason);
            return _store ?? throw new InvalidOperationException("Store not created.");
        }
    }

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    protected string Stream(string name) => $"{Prefix}_{name}";

    protected static EventData Event(string type = "thing-happened", string? body = null, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), type, Encoding.UTF8.GetBytes(body ?? $"{{\"n\":\"{Guid.NewGuid():N}\"}}"), Encoding.UTF8.GetBytes("{\"m\":1}"));

    protected static EventData[] Events(int count, string type = "thing-happened") =>
        Enumerable.Range(0, count).Select(_ => Event(type)).ToArray();

    protected async Task<List<RecordedEvent>> ReadStream(string stream, StreamReadOptions? options = null) =>
        await Store.ReadStreamAsync(stream, options ?? StreamReadOptions.All).ToListAsync();

    protected async Task<List<RecordedEvent>> ReadMineFromAll(Position? after = null) =>
        await Store.ReadAllAsync(after, EventFilter.StreamPrefix(Prefix), long.MaxValue).ToListAsync();

    /// <summary>
    /// This test's events in <c>$all</c> once at least <paramref name="count"/> are there (within 10 s): a read from a
    /// cluster with a random node preference may reach a follower a moment behind the leader.
    /// </summary>
    protected Task<List<RecordedEvent>> ReadMineFromAllAtLeast(int count) =>
        Eventually.Get(() => ReadMineFromAll(), mine => mine.Count >= count, TimeSpan.FromSeconds(10), $"{count} of this test's events in $all");

    // ---- append and expected revision ----

    [SkippableFact]
    public async Task Appended_events_read_back_in_order_with_their_bytes()
    {
        var stream = Stream("order-1");
        var events = Events(3);

        var result = await Store.AppendAsync(stream, ExpectedRevision.NoStream, events);

        var read = await ReadStream(stream);
        Assert.Equal(2ul, result.NextExpectedRevision);
        Assert.Equal(events.Select(e => e.EventId), read.Select(e => e.EventId));
        Assert.Equal(new ulong[] { 0, 1, 2 }, read.Select(e => e.Revision));
        Assert.Equal(events.Select(e => Encoding.UTF8.GetString(e.Data.Span)), read.Select(e => Encoding.UTF8.GetString(e.Data.Span)));
        Assert.Equal(events.Select(e => Encoding.UTF8.GetString(e.Metadata.Span)), read.Select(e => Encoding.UTF8.GetString(e.Metadata.Span)));
        Assert.All(read, e => Assert.Equal("thing-happened", e.Type));
        Assert.Equal(result.Position, read[^1].Position);
        Assert.True(read[0].Position < read[1].Position && read[1].Position < read[2].Position);
    }

    [SkippableFact]
    public async Task An_event_is_found_by_its_id_at_its_stream_and_revision_when_the_store_indexes_event_ids()
    {
        var stream = Stream("found");
        var events = Events(3);
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, events);

        var found = await Store.FindEventAsync(events[2].EventId);
        var missing = await Store.FindEventAsync(Guid.NewGuid());

        Assert.Equal(Store.FindsEventsById ? new EventLocation(stream, 2) : null, found);
        Assert.Null(missing);
    }

    [SkippableFact]
    public async Task Exact_revision_appends_after_the_last_event()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));

        var result = await Store.AppendAsync(stream, ExpectedRevision.Exact(1), Events(1));

        Assert.Equal(2ul, result.NextExpectedRevision);
    }

    [SkippableFact]
    public async Task Wrong_exact_revision_is_rejected_with_the_actual_revision()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(3));

        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendAsync(stream, ExpectedRevision.Exact(0), Events(1)));

        Assert.Equal(2ul, error.ActualRevision);
        Assert.Equal(stream, error.StreamId);
    }

    [SkippableFact]
    public async Task No_stream_is_rejected_when_the_stream_exists()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.Any, Events(1));

        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1)));

        Assert.Equal(0ul, error.ActualRevision);
    }

    [SkippableFact]
    public async Task Stream_exists_is_rejected_for_a_missing_stream_and_reports_no_revision()
    {
        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendAsync(Stream("missing"), ExpectedRevision.StreamExists, Events(1)));

        Assert.Null(error.ActualRevision);
    }

    [SkippableFact]
    public async Task Exact_revision_on_a_missing_stream_is_rejected()
    {
        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendAsync(Stream("missing"), ExpectedRevision.Exact(0), Events(1)));

        Assert.Null(error.ActualRevision);
    }

    [SkippableFact]
    public async Task Exact_revision_past_the_end_of_the_stream_is_rejected_and_leaves_no_gap()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));

        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendAsync(stream, ExpectedRevision.Exact(5), Events(1)));

        Assert.Equal(1ul, error.ActualRevision);
        Assert.Equal(2, (await ReadStream(stream)).Count);
    }

    [SkippableFact]
    public async Task Of_racing_first_appends_with_no_stream_exactly_one_wins()
    {
        for (var round = 0; round < 10; round++)
        {
            var stream = Stream($"race{round}");
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                try
                {
                    await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(2));
                    return true;
                }
                catch (WrongExpectedRevisionException error)
                {
                    Assert.Equal(1ul, error.ActualRevision);
                    return false;
                }
            })));

            Assert.Single(outcomes, won => won);
            // A store may serve reads from a replica that has not seen the append yet (EventStoreDB with a follower
            // preference, docs/eventstoredb.md "Read-your-writes"): the winner's events must become readable, and only them.
            var read = await OrderLedger.Testing.Eventually.Get(() => ReadStream(stream), r => r.Count > 0, TimeSpan.FromSeconds(10), "the winner's append readable");
            Assert.Equal(2, read.Count);
        }
    }

    [SkippableFact]
    public async Task Stream_exists_and_any_append_to_an_existing_stream()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.Any, Events(1));
        await Store.AppendAsync(stream, ExpectedRevision.StreamExists, Events(1));
        var result = await Store.AppendAsync(stream, ExpectedRevision.Any, Events(1));

        Assert.Equal(2ul, result.NextExpectedRevision);
    }

    [SkippableFact]
    public async Task A_rejected_multi_event_append_writes_nothing()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1));
        var before = await ReadMineFromAll();

        await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendAsync(stream, ExpectedRevision.Exact(7), Events(5)));

        Assert.Single(await ReadStream(stream));
        Assert.Equal(before.Select(e => e.EventId), (await ReadMineFromAll()).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task A_rejected_append_to_a_new_stream_leaves_no_stream_behind()
    {
        var stream = Stream("s");

        await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendAsync(stream, ExpectedRevision.Exact(3), Events(2)));

        Assert.Empty(await ReadStream(stream));
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1));
    }

    // ---- idempotency ----

    [SkippableFact]
    public async Task Retrying_the_same_append_stores_the_events_once()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1));
        var batch = Events(3);

        var first = await Store.AppendAsync(stream, ExpectedRevision.Exact(0), batch);
        var retry = await Store.AppendAsync(stream, ExpectedRevision.Exact(0), batch);

        Assert.Equal(first, retry);
        Assert.Equal(4, (await ReadStream(stream)).Count);
    }

    [SkippableFact]
    public async Task Retrying_a_first_append_with_no_stream_or_any_stores_the_events_once()
    {
        var stream = Stream("s");
        var batch = Events(2);

        var first = await Store.AppendAsync(stream, ExpectedRevision.NoStream, batch);
        var retryNoStream = await Store.AppendAsync(stream, ExpectedRevision.NoStream, batch);
        var retryAny = await Store.AppendAsync(stream, ExpectedRevision.Any, batch);

        Assert.Equal(first, retryNoStream);
        Assert.Equal(first, retryAny);
        Assert.Equal(2, (await ReadStream(stream)).Count);
    }

    // ---- reading ----

    [SkippableFact]
    public async Task A_missing_stream_reads_as_empty()
    {
        Assert.Empty(await ReadStream(Stream("never-written")));
    }

    [SkippableFact]
    public async Task Streams_read_backwards_from_a_revision_with_a_limit()
    {
        var stream = Stream("s");
        var events = Events(10);
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, events);

        var lastTwo = await ReadStream(stream, StreamReadOptions.Last(2));
        var fromFive = await ReadStream(stream, new StreamReadOptions(ReadDirection.Backwards, 5, 3));
        var forwardsFromSeven = await ReadStream(stream, new StreamReadOptions(ReadDirection.Forwards, 7));

        Assert.Equal(new ulong[] { 9, 8 }, lastTwo.Select(e => e.Revision));
        Assert.Equal(new ulong[] { 5, 4, 3 }, fromFive.Select(e => e.Revision));
        Assert.Equal(new ulong[] { 7, 8, 9 }, forwardsFromSeven.Select(e => e.Revision));
    }

    [SkippableFact]
    public async Task All_is_read_in_position_order_strictly_after_the_given_position()
    {
        var a = Stream("a");
        var b = Stream("b");
        await Store.AppendAsync(a, ExpectedRevision.NoStream, Events(2));
        await Store.AppendAsync(b, ExpectedRevision.NoStream, Events(2));
        await Store.AppendAsync(a, ExpectedRevision.Exact(1), Events(1));

        var all = await ReadMineFromAll();
        var afterSecond = await ReadMineFromAll(all[1].Position);

        Assert.Equal(new[] { a, a, b, b, a }, all.Select(e => e.StreamId));
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
        Assert.Equal(all.Skip(2).Select(e => e.EventId), afterSecond.Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task Counting_all_after_a_position_counts_the_events_after_it()
    {
        var stream = Stream("counted");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(5));
        var mine = await ReadStream(stream);

        var afterSecond = await Store.CountAllAfterAsync(mine[1].Position);
        var afterLast = await Store.CountAllAfterAsync(mine[^1].Position);
        var readAfterSecond = await Store.ReadAllAsync(mine[1].Position, null, long.MaxValue).CountAsync();
        var readAfterLast = await Store.ReadAllAsync(mine[^1].Position, null, long.MaxValue).CountAsync();

        // Other tests may append meanwhile (a shared server): the count is at least this test's own events after the
        // position and at most what a later read of $all finds there.
        Assert.InRange(afterSecond, 3, readAfterSecond);
        Assert.InRange(afterLast, 0, readAfterLast);
        Assert.True(afterSecond >= afterLast + 3);
    }

    [SkippableFact]
    public async Task Unfiltered_all_contains_every_event_in_order()
    {
        var start = await Store.ReadHeadPositionAsync();
        await Store.AppendAsync(Stream("x"), ExpectedRevision.NoStream, Events(3));
        await Store.AppendAsync(Stream("y"), ExpectedRevision.NoStream, Events(2));

        var mine = new List<RecordedEvent>();
        await foreach (var e in Store.ReadAllAsync(start, null, long.MaxValue))
        {
            if (e.StreamId.StartsWith(Prefix, StringComparison.Ordinal))
            {
                mine.Add(e);
            }
        }

        Assert.Equal(5, mine.Count);
        Assert.All(mine, e => Assert.False(e.Type.StartsWith('$')));
    }

    [SkippableFact]
    public async Task All_filters_by_stream_prefix_and_by_event_type_prefix_on_the_server()
    {
        await Store.AppendAsync(Stream("order-1"), ExpectedRevision.NoStream, [Event("order-placed"), Event("order-paid")]);
        await Store.AppendAsync(Stream("stock-1"), ExpectedRevision.NoStream, [Event("stock-received")]);
        await Store.AppendAsync(Stream("order-2"), ExpectedRevision.NoStream, [Event("order-placed")]);

        var orders = await Store.ReadAllAsync(null, EventFilter.StreamPrefix(Stream("order-")), long.MaxValue).ToListAsync();
        var placed = (await Store.ReadAllAsync(null, EventFilter.EventTypePrefix("order-pla"), long.MaxValue).ToListAsync())
            .Where(e => e.StreamId.StartsWith(Prefix, StringComparison.Ordinal)).ToList();
        var limited = await Store.ReadAllAsync(null, EventFilter.StreamPrefix(Prefix), 2).ToListAsync();

        Assert.Equal(3, orders.Count);
        Assert.Equal(new[] { Stream("order-1"), Stream("order-2") }, placed.Select(e => e.StreamId));
        Assert.Equal(2, limited.Count);
    }

    // ---- subscriptions ----

    [SkippableFact]
    public async Task A_subscription_catches_up_then_goes_live_and_resumes_from_a_checkpoint()
    {
        var stream = Stream("s");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(3));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<RecordedEvent>();
        var caughtUp = 0;

        await foreach (var message in Store.SubscribeToAllAsync(null, EventFilter.StreamPrefix(Prefix), cts.Token))
        {
            switch (message)
            {
                case SubscriptionMessage.Event e:
                    received.Add(e.Record);
                    break;
                case SubscriptionMessage.CaughtUp:
                    caughtUp++;
                    Assert.Equal(3, received.Count);
                    await Store.AppendAsync(stream, ExpectedRevision.Exact(2), Events(2));
                    break;
            }

            if (received.Count == 5)
            {
                break;
            }
        }

        Assert.Equal(1, caughtUp);
        Assert.Equal(new ulong[] { 0, 1, 2, 3, 4 }, received.Select(e => e.Revision));

        await Store.AppendAsync(stream, ExpectedRevision.Exact(4), Events(1));
        var resumed = await Store.SubscribeToAllAsync(received[2].Position, EventFilter.StreamPrefix(Prefix), cts.Token)
            .OfType<SubscriptionMessage.Event>().Take(3).Select(m => m.Record.Revision).ToListAsync(cts.Token);
        Assert.Equal(new ulong[] { 3, 4, 5 }, resumed);
    }

    // ---- concurrency ----

    [SkippableFact]
    public async Task Concurrent_writers_and_live_subscribers_see_every_event_exactly_once_in_order()
    {
        const int writers = 16;
        const int streams = 1000;
        const int appendsPerWriter = 250;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var expectedCount = 0;
        var committed = new System.Collections.Concurrent.ConcurrentDictionary<Guid, byte>();
        // Every event appended from now on lies after the current head.
        var head = await Store.ReadHeadPositionAsync(cts.Token);

        // One subscriber filters on the server, the other reads everything and filters here.
        var filtered = Collect(EventFilter.StreamPrefix(Prefix));
        var unfiltered = Collect(null);

        var writerTasks = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var i = 0; i < appendsPerWriter; i++)
            {
                var batch = Events(1 + random.Next(3));
                await Store.AppendAsync(Stream($"stress-{random.Next(streams)}"), ExpectedRevision.Any, batch, cts.Token);
                foreach (var e in batch)
                {
                    committed.TryAdd(e.EventId, 0);
                }

                Interlocked.Add(ref expectedCount, batch.Length);
            }
        })).ToArray();
        await Task.WhenAll(writerTasks);
        // A last event after every writer has finished tells the subscribers they have seen everything.
        await Store.AppendAsync(Stream("stress-end"), ExpectedRevision.NoStream, [Event("stress-ended")], cts.Token);

        foreach (var seen in await Task.WhenAll(filtered, unfiltered))
        {
            Assert.Equal(expectedCount, seen.Count);
            Assert.Equal(expectedCount, seen.Select(e => e.EventId).Distinct().Count());
            Assert.All(seen, e => Assert.True(committed.ContainsKey(e.EventId)));
            for (var i = 1; i < seen.Count; i++)
            {
                Assert.True(seen[i - 1].Position < seen[i].Position, $"out of order at {i}: {seen[i - 1].Position} then {seen[i].Position}");
            }
        }

        var byStream = (await ReadMineFromAll()).GroupBy(e => e.StreamId);
        Assert.All(byStream, g => Assert.Equal(Enumerable.Range(0, g.Count()).Select(i => (ulong)i), g.Select(e => e.Revision)));

        async Task<List<RecordedEvent>> Collect(EventFilter? filter)
        {
            var seen = new List<RecordedEvent>();
            await foreach (var message in Store.SubscribeToAllAsync(head, filter, cts.Token))
            {
                if (message is SubscriptionMessage.Event { Record: var e } && e.StreamId.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    if (e.Type == "stress-ended")
                    {
                        break;
                    }

                    seen.Add(e);
                }
            }

            return seen;
        }
    }

    [SkippableFact]
    public async Task Racing_appends_with_any_to_one_hot_stream_lose_nothing()
    {
        var stream = Stream("hot");
        var succeeded = new System.Collections.Concurrent.ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var e = Event();
                await Store.AppendAsync(stream, ExpectedRevision.Any, [e]);
                succeeded.Add(e.EventId);
            }
        })));

        var read = await ReadStream(stream);
        Assert.Equal(200, read.Count);
        Assert.Equal(succeeded.Order(), read.Select(e => e.EventId).Order());
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (ulong)i), read.Select(e => e.Revision));
    }

    [SkippableFact]
    public async Task Of_two_racing_appends_at_the_same_exact_revision_exactly_one_wins()
    {
        var stream = Stream("race");
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Events(1));

        for (ulong round = 0; round < 20; round++)
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                try
                {
                    await Store.AppendAsync(stream, ExpectedRevision.Exact(round), Events(1));
                    return (Won: true, Actual: (ulong?)null);
                }
                catch (WrongExpectedRevisionException e)
                {
                    return (Won: false, Actual: e.ActualRevision);
                }
            })));

            Assert.Single(outcomes, o => o.Won);
            Assert.Equal(round + 1, Assert.Single(outcomes, o => !o.Won).Actual);
        }

        // A replica may serve the read before it has the last append (docs/eventstoredb.md, "Read-your-writes"): wait for
        // the 21 written, then hold that there are no more.
        var read = await OrderLedger.Testing.Eventually.Get(() => ReadStream(stream), r => r.Count >= 21, TimeSpan.FromSeconds(10), "the 21 appends readable");
        Assert.Equal(21, read.Count);
    }

    // ---- hostile input: both stores refuse the same stream ids and types, with the same error, and write nothing ----

    // Named cases: a NUL in a theory argument would end up in the test name (and the XML test report).
    private static readonly Dictionary<string, (string StreamSuffix, string Type)> HostileNames = new()
    {
        ["NUL in the stream id"] = ("order-\u00001", "thing-happened"),
        ["line break in the stream id"] = ("order-1\nX", "thing-happened"),
        ["DEL in the stream id"] = ("order-1\u007f", "thing-happened"),
        ["NUL in the event type"] = ("order-1", "thing\u0000happened"),
        ["tab in the event type"] = ("order-1", "thing\thappened"),
        ["event type over the limit"] = ("order-1", new string('t', AppendRules.MaxEventTypeLength + 1)),
    };

    public static TheoryData<string> HostileNameCases => [.. HostileNames.Keys];

    [SkippableTheory]
    [MemberData(nameof(HostileNameCases))]
    public async Task Control_characters_in_stream_ids_and_event_types_are_refused_and_nothing_is_written(string hostile)
    {
        var (streamSuffix, type) = HostileNames[hostile];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(Stream(streamSuffix), ExpectedRevision.Any, [Event(type)]));

        Assert.Contains(error.ParamName, new[] { "streamId", "events" });
        Assert.Empty(await ReadMineFromAll());
    }

    [SkippableFact]
    public async Task A_stream_id_longer_than_the_limit_is_refused()
    {
        var stream = Stream(new string('s', AppendRules.MaxStreamIdLength));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(stream, ExpectedRevision.Any, Events(1)));

        Assert.Equal("streamId", error.ParamName);
        Assert.Empty(await ReadMineFromAll());
    }

    // ---- batches of many streams ----

    [SkippableFact]
    public async Task A_batch_appends_every_stream_at_its_expected_revision_in_batch_order()
    {
        var (fresh, exact, any) = (Stream("fresh"), Stream("exact"), Stream("any"));
        var (exactFirst, anyFirst) = (Events(2), Events(1));
        await Store.AppendAsync(exact, ExpectedRevision.NoStream, exactFirst);
        await Store.AppendAsync(any, ExpectedRevision.NoStream, anyFirst);
        var earlier = exactFirst.Concat(anyFirst).Select(e => e.EventId).ToHashSet();
        StreamAppend[] batch = [new(fresh, ExpectedRevision.NoStream, Events(3)), new(exact, ExpectedRevision.Exact(1), Events(2)), new(any, ExpectedRevision.Any, Events(1))];

        var results = await Store.AppendBatchAsync(batch);

        Assert.Equal(new ulong[] { 2, 3, 1 }, results.Select(r => r.NextExpectedRevision));
        var written = (await ReadMineFromAllAtLeast(earlier.Count + 6)).Where(e => !earlier.Contains(e.EventId)).ToList();
        Assert.Equal(batch.SelectMany(a => a.Events.Select(e => e.EventId)), written.Select(e => e.EventId));
        Assert.Equal(batch.SelectMany(a => a.Events.Select((_, i) => a.StreamId)), written.Select(e => e.StreamId));
        Assert.Equal(new ulong[] { 0, 1, 2, 2, 3, 1 }, written.Select(e => e.Revision));
        Assert.True(written.Zip(written.Skip(1)).All(pair => pair.First.Position < pair.Second.Position));
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal((await ReadStream(batch[i].StreamId))[^1].Position, results[i].Position);
        }
    }

    [SkippableFact]
    public async Task A_wrong_expected_revision_in_the_middle_of_a_batch_appends_nothing_and_names_the_stream()
    {
        var (first, middle, last) = (Stream("first"), Stream("middle"), Stream("last"));
        await Store.AppendAsync(middle, ExpectedRevision.NoStream, Events(3));
        var before = await ReadMineFromAll();

        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => Store.AppendBatchAsync(
            [new(first, ExpectedRevision.NoStream, Events(2)), new(middle, ExpectedRevision.Exact(0), Events(1)), new(last, ExpectedRevision.NoStream, Events(1))]));

        Assert.Equal(middle, error.StreamId);
        Assert.Equal(2ul, error.ActualRevision);
        Assert.Equal(before.Select(e => e.EventId), (await ReadMineFromAll()).Select(e => e.EventId));
        Assert.Empty(await ReadStream(first));
        Assert.Empty(await ReadStream(last));
    }

    [SkippableFact]
    public async Task Retrying_the_same_batch_stores_it_once_and_returns_the_original_results()
    {
        var (existing, fresh) = (Stream("existing"), Stream("fresh"));
        await Store.AppendAsync(existing, ExpectedRevision.NoStream, Events(1));
        StreamAppend[] batch = [new(existing, ExpectedRevision.Exact(0), Events(2)), new(fresh, ExpectedRevision.NoStream, Events(3))];

        var first = await Store.AppendBatchAsync(batch);
        var retry = await Store.AppendBatchAsync(batch);

        Assert.Equal(first, retry);
        Assert.Equal(3, (await ReadStream(existing)).Count);
        Assert.Equal(3, (await ReadStream(fresh)).Count);
        Assert.Equal(6, (await ReadMineFromAll()).Count);
    }

    [SkippableFact]
    public async Task A_batch_naming_a_stream_twice_is_refused_and_nothing_is_written()
    {
        var stream = Stream("twice");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendBatchAsync(
            [new(stream, ExpectedRevision.NoStream, Events(1)), new(stream, ExpectedRevision.Exact(0), Events(1))]));

        Assert.Equal("appends", error.ParamName);
        Assert.Empty(await ReadMineFromAll());
    }

    [SkippableFact]
    public async Task Hash_chains_encoded_for_a_batch_verify_on_every_stream_it_wrote()
    {
        var (fresh, existing) = (Stream("chain-fresh"), Stream("chain-existing"));
        var at = new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);
        await Store.AppendAsync(existing, ExpectedRevision.NoStream, ChainedEvents(ChainTip.After(existing, null), "c0", at, 2));
        var tip = ChainTip.After(existing, (await ReadStream(existing))[^1]);

        await Store.AppendBatchAsync([
            new(fresh, ExpectedRevision.NoStream, ChainedEvents(ChainTip.After(fresh, null), "c1", at, 3)),
            new(existing, ExpectedRevision.Exact(1), ChainedEvents(tip, "c2", at, 2)),
        ]);

        var verifier = new ChainVerifier(Store);
        foreach (var stream in new[] { fresh, existing })
        {
            var report = await verifier.VerifyStreamAsync(stream);
            Assert.True(report.Intact, string.Join("; ", report.Breaks));
            Assert.Equal(stream == fresh ? 3 : 4, report.EventsChecked);
        }
    }

    private static IReadOnlyList<EventData> ChainedEvents(ChainTip tip, string commandId, DateTimeOffset at, int count) =>
        EventCodec.EncodeRaw(
            Enumerable.Range(0, count).Select(i => ("thing-happened", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"))).ToList(),
            new CommandContext($"{commandId}-{Guid.NewGuid():N}", Actor.System("contract"), at),
            tip);
}
