using System.Text;
using Npgsql;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.EventStore.Tests;

/// <summary>Behaviour specific to the PostgreSQL adapter: late commits, migrations, notifications, reconnects.</summary>
public sealed class PostgresEventStoreTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private PostgresEventStoreOptions Options(TimeSpan? poll = null) => new()
    {
        ConnectionString = database.ConnectionString,
        FallbackPollInterval = poll ?? TimeSpan.FromSeconds(1),
    };

    private static EventData Event() => new(Guid.NewGuid(), "thing-happened", "{}"u8.ToArray(), "{}"u8.ToArray());

    [Fact]
    public async Task Of_batches_racing_for_one_stream_exactly_one_is_written_and_the_others_leave_nothing()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options());
        var prefix = "race" + Guid.NewGuid().ToString("N")[..8];
        var hot = $"{prefix}-hot";
        await store.AppendAsync(hot, ExpectedRevision.NoStream, [Event()]);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(racer => Task.Run(async () =>
        {
            try
            {
                await store.AppendBatchAsync([new($"{prefix}-own-{racer}", ExpectedRevision.NoStream, [Event(), Event()]), new(hot, ExpectedRevision.Exact(0), [Event()])]);
                return (Racer: racer, Won: true);
            }
            catch (WrongExpectedRevisionException error) when (error.StreamId == hot && error.ActualRevision == 1)
            {
                return (Racer: racer, Won: false);
            }
        })));

        var winner = Assert.Single(outcomes, o => o.Won).Racer;
        Assert.Equal(2, (await store.ReadStreamAsync(hot, StreamReadOptions.All).ToListAsync()).Count);
        foreach (var (racer, _) in outcomes)
        {
            Assert.Equal(racer == winner ? 2 : 0, (await store.ReadStreamAsync($"{prefix}-own-{racer}", StreamReadOptions.All).ToListAsync()).Count);
        }
    }

    [Fact]
    public async Task An_event_whose_transaction_commits_after_a_later_one_is_still_delivered_before_it()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options());
        var prefix = "late" + Guid.NewGuid().ToString("N")[..8];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var head = await store.ReadHeadPositionAsync();
        var seen = new List<RecordedEvent>();
        var subscription = Task.Run(async () =>
        {
            await foreach (var m in store.SubscribeToAllAsync(head, EventFilter.StreamPrefix(prefix), cts.Token))
            {
                if (m is SubscriptionMessage.Event e)
                {
                    lock (seen)
                    {
                        seen.Add(e.Record);
                    }

                    if (seen.Count == 2)
                    {
                        return;
                    }
                }
            }
        });

        // The slow writer starts first and takes its place in the log, but commits last.
        await using var slow = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var append = new NpgsqlCommand(
            "SELECT * FROM eventstore.append_events($1, -2, $2, ARRAY['thing-happened'], ARRAY['application/json'], ARRAY['{}'::bytea], ARRAY['{}'::bytea])", slow, transaction))
        {
            append.Parameters.AddWithValue($"{prefix}-slow");
            append.Parameters.AddWithValue(new[] { Guid.NewGuid() });
            await append.ExecuteNonQueryAsync();
        }

        await store.AppendAsync($"{prefix}-fast", ExpectedRevision.Any, [Event()]);
        await Task.Delay(300);
        lock (seen)
        {
            Assert.Empty(seen); // the fast event waits behind the open transaction rather than being read past it
        }

        await transaction.CommitAsync();
        await subscription.WaitAsync(cts.Token);

        Assert.Equal(new[] { $"{prefix}-slow", $"{prefix}-fast" }, seen.Select(e => e.StreamId));
        Assert.True(seen[0].Position < seen[1].Position);
    }

    [Fact]
    public async Task Caught_up_is_not_reported_before_events_committed_earlier_are_delivered()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options());
        var stream = "early-" + Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // An older transaction stays open, so the events committed below are held behind the horizon.
        await using var older = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await older.BeginTransactionAsync();
        await using (var takeXid = new NpgsqlCommand("SELECT pg_current_xact_id()", older, transaction))
        {
            await takeXid.ExecuteScalarAsync();
        }

        await store.AppendAsync(stream, ExpectedRevision.NoStream, [Event(), Event(), Event()]);
        var messages = new List<SubscriptionMessage>();
        var subscription = Task.Run(async () =>
        {
            await foreach (var m in store.SubscribeToAllAsync(null, EventFilter.StreamPrefix(stream), cts.Token))
            {
                lock (messages)
                {
                    messages.Add(m);
                }

                if (m is SubscriptionMessage.CaughtUp)
                {
                    return;
                }
            }
        });
        await Task.Delay(300);
        lock (messages)
        {
            Assert.DoesNotContain(messages, m => m is SubscriptionMessage.CaughtUp);
        }

        await transaction.CommitAsync();
        await subscription.WaitAsync(cts.Token);

        Assert.Equal(3, messages.OfType<SubscriptionMessage.Event>().Count());
        Assert.IsType<SubscriptionMessage.CaughtUp>(messages[^1]);
    }

    [Fact]
    public async Task A_read_of_all_waits_for_an_older_open_transaction_instead_of_missing_the_readers_own_append()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options());
        var stream = "own-" + Guid.NewGuid().ToString("N");
        await using var older = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await older.BeginTransactionAsync();
        await using (var takeXid = new NpgsqlCommand("SELECT pg_current_xact_id()", older, transaction))
        {
            await takeXid.ExecuteScalarAsync();
        }

        await store.AppendAsync(stream, ExpectedRevision.NoStream, [Event()]);
        var read = store.ReadAllAsync(null, EventFilter.StreamPrefix(stream), long.MaxValue).ToListAsync().AsTask();
        await Task.Delay(200);
        var finishedEarly = read.IsCompleted;
        await transaction.CommitAsync();

        Assert.False(finishedEarly);
        Assert.Single(await read);
    }

    [Fact]
    public async Task An_append_that_waited_for_its_stream_sorts_in_all_after_the_append_it_waited_for()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options());
        var stream = "wait-" + Guid.NewGuid().ToString("N");
        await store.AppendAsync(stream, ExpectedRevision.NoStream, [Event()]);
        // Another writer holds the stream's lock and has no transaction id yet.
        await using var other = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await ExecuteAsync(other, transaction, "SELECT pg_advisory_xact_lock(20300, hashtext($1))", stream);

        var waiting = store.AppendAsync(stream, ExpectedRevision.Any, [Event()]);
        await WaitUntilAnAppendWaitsForItsStreamAsync();
        await ExecuteAsync(other, transaction, """
            SELECT * FROM eventstore.append_events($1, -2, ARRAY[gen_random_uuid()], ARRAY['thing-happened'], ARRAY['application/json'],
                                                   ARRAY['{}'::bytea], ARRAY['{}'::bytea])
            """, stream);
        await transaction.CommitAsync();
        await waiting;

        var inAllOrder = await store.ReadAllAsync(null, EventFilter.StreamPrefix(stream), long.MaxValue).ToListAsync();
        Assert.Equal([0ul, 1ul, 2ul], inAllOrder.Select(e => e.Revision));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string stream)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        await command.ExecuteNonQueryAsync();
    }

    private async Task WaitUntilAnAppendWaitsForItsStreamAsync()
    {
        for (var i = 0; i < 500; i++)
        {
            await using var command = database.DataSource.CreateCommand("""
                SELECT count(*) FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted AND classid = 20300
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The append never waited for the stream's lock.");
    }

    [Fact]
    public async Task Migrations_can_run_again_and_concurrently()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresEventStore.OpenAsync(Options())));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        await using var again = await PostgresEventStore.OpenAsync(Options());
        await again.AppendAsync("m-" + Guid.NewGuid(), ExpectedRevision.NoStream, [Event()]);
    }

    [Fact]
    public async Task A_live_subscription_is_woken_by_an_append_from_another_process()
    {
        // Polling is effectively off for the subscriber: only the notification can wake it.
        await using var subscriberSide = await PostgresEventStore.OpenAsync(Options(poll: TimeSpan.FromHours(1)));
        await using var writerSide = await PostgresEventStore.OpenAsync(Options());
        var stream = "wake-" + Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var caughtUp = new TaskCompletionSource();

        var received = Task.Run(async () =>
        {
            await foreach (var m in subscriberSide.SubscribeToAllAsync(null, EventFilter.StreamPrefix(stream), cts.Token))
            {
                if (m is SubscriptionMessage.CaughtUp)
                {
                    caughtUp.TrySetResult();
                }

                if (m is SubscriptionMessage.Event e)
                {
                    return e.Record.StreamId;
                }
            }

            return null;
        });
        await caughtUp.Task.WaitAsync(cts.Token);
        await Task.Delay(200); // let the subscriber settle into its wait

        await writerSide.AppendAsync(stream, ExpectedRevision.NoStream, [Event()]);

        Assert.Equal(stream, await received.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task A_subscription_resumes_by_itself_after_its_connections_are_killed()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options(poll: TimeSpan.FromMilliseconds(200)));
        var prefix = "drop" + Guid.NewGuid().ToString("N")[..8];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<ulong>();
        var first = new TaskCompletionSource();
        var subscription = Task.Run(async () =>
        {
            await foreach (var m in store.SubscribeToAllAsync(null, EventFilter.StreamPrefix(prefix), cts.Token))
            {
                if (m is SubscriptionMessage.Event e)
                {
                    seen.Add(e.Record.Revision);
                    first.TrySetResult();
                    if (seen.Count == 10)
                    {
                        return;
                    }
                }
            }
        });
        await store.AppendAsync($"{prefix}-s", ExpectedRevision.NoStream, Enumerable.Range(0, 5).Select(_ => Event()).ToArray());
        await first.Task.WaitAsync(cts.Token);

        await using (var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
            kill.Parameters.AddWithValue(database.Name);
            await kill.ExecuteScalarAsync();
        }

        // The kill also took the fixture's idle pooled connections; the class's next test must not be handed one.
        database.DataSource.Clear();

        await AppendWithRetry(store, $"{prefix}-s", 5);
        await subscription.WaitAsync(cts.Token);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ulong)i), seen);
    }

    private static async Task AppendWithRetry(PostgresEventStore store, string stream, int count)
    {
        // The pool may hand out a killed connection once; the store reports that as unavailable, and the caller retries.
        var batch = Enumerable.Range(0, count).Select(_ => Event()).ToArray();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.AppendAsync(stream, ExpectedRevision.Exact(4), batch);
                return;
            }
            catch (Exception) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task Duplicate_event_ids_in_another_stream_are_rejected_and_nothing_is_written()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options());
        var shared = Event();
        var a = "dup-a-" + Guid.NewGuid();
        var b = "dup-b-" + Guid.NewGuid();
        await store.AppendAsync(a, ExpectedRevision.NoStream, [shared]);

        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(b, ExpectedRevision.NoStream, [shared]));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(b, ExpectedRevision.NoStream, [Event(), shared]));

        Assert.Empty(await store.ReadStreamAsync(b, StreamReadOptions.All).ToListAsync());
    }

    [Fact]
    public async Task Disposing_twice_is_harmless()
    {
        var store = await PostgresEventStore.OpenAsync(Options());
        await store.AppendAsync("d-" + Guid.NewGuid(), ExpectedRevision.NoStream, [Event()]);

        await store.DisposeAsync();
        await store.DisposeAsync();
    }

    [Fact]
    public async Task Bad_input_is_refused_before_reaching_the_database()
    {
        await using var store = await PostgresEventStore.OpenAsync(Options());

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("", ExpectedRevision.Any, [Event()]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("$system", ExpectedRevision.Any, [Event()]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("s-1", ExpectedRevision.Any, []));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("s-1", ExpectedRevision.Any, [new EventData(Guid.NewGuid(), "$stats", Encoding.UTF8.GetBytes("{}"), default)]));
        var twice = Event();
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("s-1", ExpectedRevision.Any, [twice, twice]));
        Assert.Throws<ArgumentException>(() => new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString, Schema = "bad; drop" }));
    }
}
