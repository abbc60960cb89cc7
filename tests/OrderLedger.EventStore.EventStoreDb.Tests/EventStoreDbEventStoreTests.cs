using System.Net;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.EventStore.EventStoreDb.Protocol;
using OrderLedger.EventStore.EventStoreDb.Tests.Fakes;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

/// <summary>The adapter against a scripted stand-in for the server: what it sends, and how it reacts to answers and failures.</summary>
public sealed class EventStoreDbEventStoreTests
{
    private static readonly DnsEndPoint Node = new("localhost", 2113);
    private readonly FakeServer _server = new();

    private static EventData Event(string type = "order-placed") =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes("{\"n\":1}"), Encoding.UTF8.GetBytes("{\"m\":1}"));

    private static async Task<List<T>> ToList<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    // ---- append ----

    [Fact]
    public async Task An_append_sends_the_options_then_one_message_per_event_and_returns_revision_and_position()
    {
        _server.OnAppend = (_, _) => Server.Success(0, 700);
        using var store = _server.CreateStore();
        var e = Event();

        var result = await store.AppendAsync("order-1", ExpectedRevision.NoStream, [e]);

        Assert.Equal(new AppendResult(0, new Position(700, 700)), result);
        var (node, messages, headers, deadline) = Assert.Single(_server.Appends);
        Assert.Equal(Node, node);
        Assert.Equal(AppendReq.ContentOneofCase.Options, messages[0].ContentCase);
        Assert.Equal(AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.NoStream, messages[0].Options.ExpectedStreamRevisionCase);
        Assert.Equal(e.EventId, ProtocolMapping.ToGuid(Assert.Single(messages.Skip(1)).ProposedMessage.Id));
        Assert.Equal("true", headers.GetValue("requires-leader"));
        Assert.Null(headers.GetValue("authorization"));
        Assert.NotNull(deadline);
    }

    [Fact]
    public async Task Credentials_travel_as_a_basic_authorization_header()
    {
        _server.OnAppend = (_, _) => Server.Success(0, 1);
        using var store = _server.CreateStore("esdb://admin:changeit@localhost:2113?tls=false");

        await store.AppendAsync("order-1", ExpectedRevision.Any, [Event()]);

        var headers = Assert.Single(_server.Appends).Headers;
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:changeit")), headers.GetValue("authorization"));
    }

    [Fact]
    public async Task A_batch_reports_the_position_of_its_last_event_read_back_from_the_stream()
    {
        _server.OnAppend = (_, _) => Server.Success(2, 100);
        _server.OnRead = (_, request) => [Server.Event("order-1", request.Options.Stream.Revision, 300)];
        using var store = _server.CreateStore();

        var result = await store.AppendAsync("order-1", ExpectedRevision.NoStream, [Event(), Event(), Event()]);

        Assert.Equal(new AppendResult(2, new Position(300, 300)), result);
        var read = Assert.Single(_server.Reads).Request.Options;
        Assert.Equal(2ul, read.Stream.Revision);
        Assert.Equal(1ul, read.Count);
    }

    [Fact]
    public async Task An_idempotent_retry_reports_the_original_events_position()
    {
        _server.OnAppend = (_, _) => Server.Success(0, null);
        _server.OnRead = (_, _) => [Server.Event("order-1", 0, 42)];
        using var store = _server.CreateStore();

        var result = await store.AppendAsync("order-1", ExpectedRevision.NoStream, [Event()]);

        Assert.Equal(new AppendResult(0, new Position(42, 42)), result);
    }

    [Fact]
    public async Task A_wrong_expected_version_answer_becomes_the_ports_concurrency_error()
    {
        _server.OnAppend = (_, _) => new AppendResp
        {
            WrongExpectedVersion = new AppendResp.Types.WrongExpectedVersion { CurrentRevision = 2, ExpectedRevision = 0 },
        };
        using var store = _server.CreateStore();

        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => store.AppendAsync("order-1", ExpectedRevision.Exact(0), [Event()]));

        Assert.Equal(2ul, error.ActualRevision);
        Assert.Single(_server.Appends);
    }

    [Fact]
    public async Task An_unavailable_node_is_retried_with_the_same_event_ids()
    {
        var calls = 0;
        _server.OnAppend = (_, _) => ++calls < 3 ? throw Server.Unavailable() : Server.Success(0, 5);
        using var store = _server.CreateStore();
        var e = Event();

        var result = await store.AppendAsync("order-1", ExpectedRevision.NoStream, [e]);

        Assert.Equal(0ul, result.NextExpectedRevision);
        Assert.Equal(3, _server.Appends.Count);
        Assert.All(_server.Appends, a => Assert.Equal(e.EventId, ProtocolMapping.ToGuid(a.Messages[1].ProposedMessage.Id)));
    }

    [Fact]
    public async Task A_node_that_stays_unavailable_ends_in_the_ports_unavailable_error()
    {
        _server.OnAppend = (_, _) => throw Server.Unavailable();
        using var store = _server.CreateStore(options: new EventStoreDbOptions { RetryAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(1) });

        var error = await Assert.ThrowsAsync<EventStoreUnavailableException>(() => store.AppendAsync("order-1", ExpectedRevision.Any, [Event()]));

        Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(3, _server.Appends.Count);
    }

    [Fact]
    public async Task A_follower_that_names_the_leader_sends_the_call_there()
    {
        var leader = new DnsEndPoint("node2", 2113);
        _server.OnAppend = (node, _) => node.Equals(leader) ? Server.Success(0, 9) : throw Server.NotLeader("node2", 2113);
        using var store = _server.CreateStore("esdb://node1:2113?tls=false");

        await store.AppendAsync("order-1", ExpectedRevision.Any, [Event()]);
        await store.AppendAsync("order-2", ExpectedRevision.Any, [Event()]);

        Assert.Equal([new DnsEndPoint("node1", 2113), leader, leader], _server.Appends.Select(a => a.Node));
    }

    [Fact]
    public async Task A_deleted_stream_is_reported_and_not_retried()
    {
        _server.OnAppend = (_, _) => throw Server.Trailers(StatusCode.FailedPrecondition, ("exception", "stream-deleted"), ("stream-name", "order-1"));
        using var store = _server.CreateStore();

        var error = await Assert.ThrowsAsync<StreamDeletedException>(() => store.AppendAsync("order-1", ExpectedRevision.Any, [Event()]));

        Assert.Equal("order-1", error.StreamId);
        Assert.Single(_server.Appends);
    }

    [Fact]
    public async Task A_call_the_server_ends_before_taking_the_events_reports_the_servers_reason()
    {
        _server.EndAppendEarly = _ => Server.Trailers(StatusCode.PermissionDenied, ("exception", "access-denied"));
        using var store = _server.CreateStore();

        await Assert.ThrowsAsync<AccessDeniedException>(() => store.AppendAsync("order-1", ExpectedRevision.Any, [Event()]));
    }

    [Fact]
    public async Task An_empty_append_is_refused_before_calling_the_server()
    {
        using var store = _server.CreateStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("order-1", ExpectedRevision.Any, []));
        Assert.Empty(_server.Appends);
    }

    [Fact]
    public async Task A_cluster_is_found_through_gossip_and_calls_go_to_the_preferred_node()
    {
        _server.OnGossip = seed => seed.Host == "seed1"
            ? throw Server.Unavailable()
            : new Protocol.Gossip.ClusterInfo
            {
                Members =
                {
                    Member("node-a", Protocol.Gossip.MemberInfo.Types.VNodeState.Follower),
                    Member("node-b", Protocol.Gossip.MemberInfo.Types.VNodeState.Leader),
                },
            };
        _server.OnAppend = (_, _) => Server.Success(0, 1);
        using var store = _server.CreateStore("esdb://seed1:2113,seed2:2113?tls=false&nodePreference=leader");

        await store.AppendAsync("order-1", ExpectedRevision.Any, [Event()]);

        Assert.Equal([new DnsEndPoint("seed1", 2113), new DnsEndPoint("seed2", 2113)], _server.GossipCalls);
        Assert.Equal(new DnsEndPoint("node-b", 2113), Assert.Single(_server.Appends).Node);
    }

    [Fact]
    public async Task With_follower_preference_a_batch_reads_its_own_position_back_from_the_leader_and_other_reads_stay_on_the_follower()
    {
        var (follower, leader) = (new DnsEndPoint("node-a", 2113), new DnsEndPoint("node-b", 2113));
        _server.OnGossip = _ => new Protocol.Gossip.ClusterInfo
        {
            Members = { Member("node-a", Protocol.Gossip.MemberInfo.Types.VNodeState.Follower), Member("node-b", Protocol.Gossip.MemberInfo.Types.VNodeState.Leader) },
        };
        _server.OnAppend = (_, _) => Server.Success(1, 100);
        // The follower has not replicated the append yet; asked for the leader (the one-event read back), it names it.
        _server.OnRead = (node, request) => node.Equals(leader)
            ? [Server.Event("order-1", request.Options.Stream.Revision, 300)]
            : request.Options.Count == 1 ? [Server.NotLeader("node-b", 2113)] : [];
        using var store = _server.CreateStore("esdb://seed1:2113,seed2:2113?tls=false&nodePreference=follower&maxDiscoverAttempts=1");

        var result = await store.AppendAsync("order-1", ExpectedRevision.NoStream, [Event(), Event()]);
        await store.ReadStreamAsync("order-1", StreamReadOptions.All).ToListAsync();

        Assert.Equal(new AppendResult(1, new Position(300, 300)), result);
        Assert.Equal(follower, Assert.Single(_server.Appends).Node);
        var reads = _server.Reads.ToList();
        Assert.Equal([follower, leader, follower], reads.Select(r => r.Node));
        Assert.Equal(["true", "true", null], reads.Select(r => r.Headers.GetValue("requires-leader")));
    }

    [Fact]
    public async Task Gossip_that_never_finds_a_node_ends_in_unavailable()
    {
        _server.OnGossip = _ => new Protocol.Gossip.ClusterInfo();
        using var store = _server.CreateStore("esdb+discover://cluster:2113?tls=false&maxDiscoverAttempts=2&discoveryInterval=1");

        await Assert.ThrowsAsync<EventStoreUnavailableException>(() => store.AppendAsync("order-1", ExpectedRevision.Any, [Event()]));
        Assert.Equal(2, _server.GossipCalls.Count);
        Assert.Empty(_server.Appends);
    }

    private static Protocol.Gossip.MemberInfo Member(string host, Protocol.Gossip.MemberInfo.Types.VNodeState state) => new()
    {
        State = state,
        IsAlive = true,
        HttpEndPoint = new Protocol.Gossip.EndPoint { Address = host, Port = 2113 },
    };

    // ---- stream reads ----

    [Fact]
    public async Task A_missing_stream_reads_as_empty_whether_answered_by_message_or_by_error()
    {
        using var store = _server.CreateStore();

        _server.OnRead = (_, _) => [Server.NotFound("order-1")];
        Assert.Empty(await ToList(store.ReadStreamAsync("order-1", StreamReadOptions.All)));

        _server.OnRead = (_, _) => [Server.Trailers(StatusCode.NotFound, ("exception", "stream-not-found"))];
        Assert.Empty(await ToList(store.ReadStreamAsync("order-1", StreamReadOptions.All)));
    }

    [Fact]
    public async Task A_broken_stream_read_resumes_at_the_next_revision_for_the_remaining_count()
    {
        var attempt = 0;
        _server.OnRead = (_, request) => ++attempt == 1
            ? [Server.Event("s", 0, 10), Server.Event("s", 1, 20), Server.Unavailable()]
            : [Server.Event("s", request.Options.Stream.Revision, 30), Server.Event("s", request.Options.Stream.Revision + 1, 40)];
        using var store = _server.CreateStore();

        var read = await ToList(store.ReadStreamAsync("s", new StreamReadOptions(MaxCount: 4)));

        Assert.Equal(new ulong[] { 0, 1, 2, 3 }, read.Select(e => e.Revision));
        var retry = _server.Reads.Last().Request.Options;
        Assert.Equal(2ul, retry.Stream.Revision);
        Assert.Equal(2ul, retry.Count);
    }

    [Fact]
    public async Task A_deleted_stream_read_throws()
    {
        _server.OnRead = (_, _) => [Server.Trailers(StatusCode.FailedPrecondition, ("exception", "stream-deleted"), ("stream-name", "s"))];
        using var store = _server.CreateStore();

        await Assert.ThrowsAsync<StreamDeletedException>(() => ToList(store.ReadStreamAsync("s", StreamReadOptions.All)));
    }

    [Fact]
    public async Task A_zero_count_reads_nothing_without_a_call()
    {
        using var store = _server.CreateStore();

        Assert.Empty(await ToList(store.ReadStreamAsync("s", new StreamReadOptions(MaxCount: 0))));
        Assert.Empty(await ToList(store.ReadAllAsync(null, null, 0)));
        Assert.Empty(_server.Reads);
    }

    // ---- $all ----

    [Fact]
    public async Task Reading_all_after_a_position_drops_the_event_at_that_position()
    {
        _server.OnRead = (_, _) => [Server.Event("a", 0, 100), Server.Event("a", 1, 200), Server.Event("b", 0, 300)];
        using var store = _server.CreateStore();

        var read = await ToList(store.ReadAllAsync(new Position(100, 100), null, 2));

        Assert.Equal(new[] { new Position(200, 200), new Position(300, 300) }, read.Select(e => e.Position));
        Assert.Equal(3ul, _server.Reads.Single().Request.Options.Count);
    }

    [Fact]
    public async Task System_events_let_through_by_a_prefix_filter_are_dropped_and_the_count_still_filled()
    {
        var pages = new Queue<Step[]>([
            [Server.Event("order-1", 0, 100), Server.Event("order-1", 1, 200, "$metadata")],
            [Server.Event("order-1", 1, 200, "$metadata"), Server.Event("order-2", 0, 300)],
        ]);
        _server.OnRead = (_, _) => pages.Dequeue();
        using var store = _server.CreateStore();

        var read = await ToList(store.ReadAllAsync(null, EventFilter.StreamPrefix("order-"), 2));

        Assert.Equal(new[] { "order-1", "order-2" }, read.Select(e => e.StreamId));
        var second = _server.Reads.Last().Request.Options;
        Assert.Equal(200ul, second.All.Position.CommitPosition);
        Assert.Equal(2ul, second.Count);
    }

    [Fact]
    public async Task The_head_is_the_newest_non_system_event_or_null()
    {
        using var store = _server.CreateStore();

        _server.OnRead = (_, _) => [Server.Event("order-1", 4, 777)];
        Assert.Equal(new Position(777, 777), await store.ReadHeadPositionAsync());

        _server.OnRead = (_, _) => [];
        Assert.Null(await store.ReadHeadPositionAsync());
    }

    // ---- subscriptions ----

    private static bool IsHeadRead(ReadReq request) => request.Options.ReadDirection == ReadReq.Types.Options.Types.ReadDirection.Backwards;

    [Fact]
    public async Task A_dropped_subscription_resumes_after_the_last_delivered_event_without_duplicates()
    {
        var subscriptions = 0;
        _server.OnRead = (_, request) => IsHeadRead(request)
            ? [Server.Event("a", 3, 400)]
            : ++subscriptions == 1
                ? [Server.Confirmation(), Server.Event("a", 0, 100), Server.Event("a", 1, 200), Server.Unavailable()]
                : [Server.Confirmation(), Server.Event("a", 1, 200), Server.Event("a", 2, 300), Server.Event("a", 3, 400), new Step.Hang()];
        using var store = _server.CreateStore();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var messages = new List<SubscriptionMessage>();
        await foreach (var message in store.SubscribeToAllAsync(null, null, cts.Token))
        {
            messages.Add(message);
            if (message is SubscriptionMessage.CaughtUp)
            {
                break;
            }
        }

        Assert.Equal(new ulong[] { 0, 1, 2, 3 }, messages.OfType<SubscriptionMessage.Event>().Select(m => m.Record.Revision));
        Assert.Equal(new Position(400, 400), Assert.IsType<SubscriptionMessage.CaughtUp>(messages[^1]).Position);
        var resumed = _server.Reads.Last().Request.Options;
        Assert.Equal(ReadReq.Types.Options.CountOptionOneofCase.Subscription, resumed.CountOptionCase);
        Assert.Equal(200ul, resumed.All.Position.CommitPosition);
    }

    [Fact]
    public async Task A_subscription_that_starts_while_the_server_is_down_waits_for_it()
    {
        var calls = 0;
        _server.OnRead = (_, request) => ++calls <= 7
            ? [Server.Unavailable()]
            : IsHeadRead(request) ? [Server.Event("a", 0, 100)] : [Server.Confirmation(), Server.Event("a", 0, 100), new Step.Hang()];
        using var store = _server.CreateStore(options: new EventStoreDbOptions { RetryAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(2) });

        var first = await FirstMessage(store.SubscribeToAllAsync(null, null));

        Assert.Equal(0ul, Assert.IsType<SubscriptionMessage.Event>(first).Record.Revision);
    }

    [Fact]
    public async Task A_subscription_on_a_follower_moves_to_the_leader()
    {
        var leader = new DnsEndPoint("node2", 2113);
        _server.OnRead = (node, request) => IsHeadRead(request)
            ? []
            : node.Equals(leader) ? [Server.Confirmation(), Server.Event("a", 0, 100), new Step.Hang()] : [Server.NotLeader("node2", 2113)];
        using var store = _server.CreateStore("esdb://node1:2113?tls=false");

        var messages = new List<SubscriptionMessage>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var message in store.SubscribeToAllAsync(null, null, cts.Token))
        {
            messages.Add(message);
            if (message is SubscriptionMessage.Event)
            {
                break;
            }
        }

        Assert.Equal(leader, _server.Reads.Last().Node);
        Assert.IsType<SubscriptionMessage.CaughtUp>(messages[0]);
    }

    [Fact]
    public async Task A_subscription_starts_strictly_after_the_given_position()
    {
        _server.OnRead = (_, request) => IsHeadRead(request) ? [] : [Server.Confirmation(), new Step.Hang()];
        using var store = _server.CreateStore();

        var first = await FirstMessage(store.SubscribeToAllAsync(new Position(50, 40), EventFilter.EventTypePrefix("order-")));

        Assert.IsType<SubscriptionMessage.CaughtUp>(first);
        var options = _server.Reads.Last().Request.Options;
        Assert.Equal((50ul, 40ul), (options.All.Position.CommitPosition, options.All.Position.PreparePosition));
        Assert.Equal(new[] { "order-" }, options.Filter.EventType.Prefix);
    }

    [Fact]
    public async Task Access_denied_ends_the_subscription()
    {
        _server.OnRead = (_, request) => IsHeadRead(request) ? [] : [Server.Trailers(StatusCode.PermissionDenied, ("exception", "access-denied"))];
        using var store = _server.CreateStore();

        await Assert.ThrowsAsync<AccessDeniedException>(() => FirstMessage(store.SubscribeToAllAsync(null, null)));
    }

    [Fact]
    public async Task A_subscription_that_cannot_reconnect_gives_up_as_unavailable()
    {
        _server.OnRead = (_, request) => IsHeadRead(request) ? [] : [Server.Unavailable()];
        using var store = _server.CreateStore(options: new EventStoreDbOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(2),
            SubscriptionReconnectAttempts = 4,
        });

        await Assert.ThrowsAsync<EventStoreUnavailableException>(() => FirstMessage(store.SubscribeToAllAsync(null, null)));
        Assert.Equal(4, _server.Reads.Count(r => !IsHeadRead(r.Request)));
    }

    [Fact]
    public async Task Cancelling_a_live_subscription_ends_it_with_a_cancellation()
    {
        _server.OnRead = (_, request) => IsHeadRead(request) ? [] : [Server.Confirmation(), new Step.Hang()];
        using var store = _server.CreateStore();
        using var cts = new CancellationTokenSource();

        var task = Task.Run(async () =>
        {
            await foreach (var message in store.SubscribeToAllAsync(null, null, cts.Token))
            {
                if (message is SubscriptionMessage.CaughtUp)
                {
                    await cts.CancelAsync();
                }
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    private static async Task<SubscriptionMessage> FirstMessage(IAsyncEnumerable<SubscriptionMessage> subscription)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var message in subscription.WithCancellation(cts.Token))
        {
            return message;
        }

        throw new InvalidOperationException("The subscription ended without a message.");
    }

    // ---- registration ----

    [Fact]
    public void The_service_collection_extension_registers_the_port()
    {
        var services = new ServiceCollection().AddEventStoreDbEventStore("esdb://localhost:2113?tls=false");
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IEventStore>();

        Assert.IsType<EventStoreDbEventStore>(store);
        Assert.Same(store, provider.GetRequiredService<EventStoreDbEventStore>());
        Assert.False(provider.GetRequiredService<EventStoreDbConnectionString>().Tls);
    }

    [Fact]
    public void A_bad_connection_string_fails_at_registration()
    {
        Assert.Throws<FormatException>(() => new ServiceCollection().AddEventStoreDbEventStore("esdb://localhost:port"));
    }
}
