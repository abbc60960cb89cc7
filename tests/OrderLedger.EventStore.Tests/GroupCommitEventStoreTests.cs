using System.Text;
using OrderLedger.EventStore.GroupCommit;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.EventStore.Tests;

/// <summary>
/// What group commit adds to the contract (which <see cref="GroupCommitPostgresEventStoreContractTests"/> runs through
/// it): appends made together share transactions, and a neighbour's refusal never refuses an append of the same group.
/// One writer, so that everything sent while its first transaction is in flight forms the next group.
/// </summary>
public sealed class GroupCommitEventStoreTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly string _prefix = "g" + Guid.NewGuid().ToString("N")[..10];
    private GroupCommitEventStore Store { get; set; } = null!;

    public async Task InitializeAsync() => Store = new GroupCommitEventStore(
        await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString }),
        new GroupCommitOptions(Writers: 1),
        disposeInner: true);

    public async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task Appends_made_together_are_written_in_shared_transactions_and_each_reads_back_whole()
    {
        var appends = Enumerable.Range(0, 50)
            .Select(i => (Stream: $"{_prefix}-order-{i}", Events: new[] { Event(), Event() }))
            .ToList();

        var results = await Task.WhenAll(appends.Select(a => Store.AppendAsync(a.Stream, ExpectedRevision.NoStream, a.Events)));

        Assert.All(results, r => Assert.Equal(1ul, r.NextExpectedRevision));
        Assert.True(Store.GroupsWritten.Groups >= 1, "nothing was grouped");
        foreach (var (stream, events) in appends)
        {
            var read = await Store.ReadStreamAsync(stream, StreamReadOptions.All).ToListAsync();
            Assert.Equal(events.Select(e => e.EventId), read.Select(e => e.EventId));
        }
    }

    [Fact]
    public async Task A_stale_append_is_refused_alone_and_the_rest_of_its_group_is_written()
    {
        var taken = $"{_prefix}-taken";
        await Store.AppendAsync(taken, ExpectedRevision.NoStream, [Event()]);

        var fresh = Enumerable.Range(0, 20).Select(i => $"{_prefix}-fresh-{i}").ToList();
        var freshAppends = fresh.Select(s => Store.AppendAsync(s, ExpectedRevision.NoStream, [Event()])).ToList();
        var stale = Store.AppendAsync(taken, ExpectedRevision.NoStream, [Event()]);
        var more = fresh.Select(s => Store.AppendAsync($"{s}-b", ExpectedRevision.NoStream, [Event()])).ToList();

        var refused = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => stale);
        Assert.Equal(taken, refused.StreamId);
        Assert.Equal(0ul, refused.ActualRevision);
        await Task.WhenAll(freshAppends.Concat(more));
        Assert.Single(await Store.ReadStreamAsync(taken, StreamReadOptions.All).ToListAsync());
    }

    [Fact]
    public async Task Two_appends_to_one_stream_at_once_never_share_a_transaction()
    {
        var stream = $"{_prefix}-busy";
        var appends = Enumerable.Range(0, 10).Select(_ => Store.AppendAsync(stream, ExpectedRevision.Any, [Event()])).ToList();

        var results = await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ulong)i), results.Select(r => r.NextExpectedRevision).Order());
        Assert.Equal(10, (await Store.ReadStreamAsync(stream, StreamReadOptions.All).ToListAsync()).Count);
    }

    [Fact]
    public async Task An_event_id_stored_elsewhere_refuses_only_the_append_that_reuses_it()
    {
        var reused = Event();
        await Store.AppendAsync($"{_prefix}-first", ExpectedRevision.NoStream, [reused]);

        var others = Enumerable.Range(0, 10).Select(i => Store.AppendAsync($"{_prefix}-other-{i}", ExpectedRevision.NoStream, [Event()])).ToList();
        var again = Store.AppendAsync($"{_prefix}-second", ExpectedRevision.NoStream, [reused]);

        await Assert.ThrowsAsync<DuplicateEventIdException>(() => again);
        await Task.WhenAll(others);
        Assert.Empty(await Store.ReadStreamAsync($"{_prefix}-second", StreamReadOptions.All).ToListAsync());
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_and_then_refuses_new_appends()
    {
        var queued = Enumerable.Range(0, 20).Select(i => Store.AppendAsync($"{_prefix}-late-{i}", ExpectedRevision.NoStream, [Event()])).ToList();

        await Store.DisposeAsync();

        await Task.WhenAll(queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.AppendAsync($"{_prefix}-after", ExpectedRevision.NoStream, [Event()]));
        await using var reopened = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });
        Assert.Single(await reopened.ReadStreamAsync($"{_prefix}-late-19", StreamReadOptions.All).ToListAsync());
    }

    [Fact]
    public void Limits_outside_their_range_are_refused_with_the_setting_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommitOptions(Writers: 0).Validated());
        Assert.Equal("Writers", error.ParamName);
        Assert.Equal("MaxAppendsPerGroup", Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommitOptions(MaxAppendsPerGroup: 0).Validated()).ParamName);
        Assert.Equal("MaxEventsPerGroup", Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommitOptions(MaxEventsPerGroup: 0).Validated()).ParamName);
    }

    private static EventData Event() =>
        new(Guid.NewGuid(), "thing-happened", Encoding.UTF8.GetBytes($"{{\"n\":\"{Guid.NewGuid():N}\"}}"), Encoding.UTF8.GetBytes("{\"m\":1}"));
}
