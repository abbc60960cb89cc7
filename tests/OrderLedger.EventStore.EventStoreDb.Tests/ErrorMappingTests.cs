using System.Net;
using Grpc.Core;
using OrderLedger.EventStore.EventStoreDb.Protocol.Gossip;
using OrderLedger.EventStore.EventStoreDb.Tests.Fakes;
using State = OrderLedger.EventStore.EventStoreDb.Protocol.Gossip.MemberInfo.Types.VNodeState;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

public sealed class ErrorMappingTests
{
    [Fact]
    public void Wrong_expected_version_trailers_give_the_actual_revision()
    {
        var error = Server.Trailers(StatusCode.FailedPrecondition,
            ("exception", "wrong-expected-version"), ("stream-name", "order-1"), ("expected-version", "1"), ("actual-version", "5"));

        var mapped = Assert.IsType<WrongExpectedRevisionException>(ErrorMapping.ToPortException(error, "order-1", ExpectedRevision.Exact(1)));

        Assert.Equal(5ul, mapped.ActualRevision);
        Assert.Equal(ExpectedRevision.Exact(1), mapped.Expected);
        Assert.Same(error, mapped.InnerException);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    public void Wrong_expected_version_on_a_missing_stream_has_no_actual_revision(string actual)
    {
        var error = Server.Trailers(StatusCode.FailedPrecondition, ("exception", "wrong-expected-version"), ("actual-version", actual));

        var mapped = Assert.IsType<WrongExpectedRevisionException>(ErrorMapping.ToPortException(error, "order-1", ExpectedRevision.StreamExists));

        Assert.Null(mapped.ActualRevision);
    }

    [Fact]
    public void Stream_deleted_names_the_stream()
    {
        var error = Server.Trailers(StatusCode.FailedPrecondition, ("exception", "stream-deleted"), ("stream-name", "order-9"));

        var mapped = Assert.IsType<StreamDeletedException>(ErrorMapping.ToPortException(error));

        Assert.Equal("order-9", mapped.StreamId);
    }

    [Fact]
    public void Access_denied_by_trailer_or_by_status()
    {
        Assert.IsType<AccessDeniedException>(ErrorMapping.ToPortException(Server.Trailers(StatusCode.PermissionDenied, ("exception", "access-denied"))));
        Assert.IsType<AccessDeniedException>(ErrorMapping.ToPortException(new RpcException(new Status(StatusCode.Unauthenticated, "Bad credentials"))));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.Aborted)]
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.Internal)]
    public void Transient_failures_are_retried_then_reported_as_unavailable(StatusCode code)
    {
        var error = new RpcException(new Status(code, "Server Is Not Ready"));

        Assert.Equal(ErrorKind.Transient, ErrorMapping.Classify(error));
        Assert.IsType<EventStoreUnavailableException>(ErrorMapping.ToPortException(error));
    }

    [Fact]
    public void Not_leader_names_the_leader()
    {
        var error = Server.NotLeader("node2.example.com", 2113);

        Assert.Equal(ErrorKind.NotLeader, ErrorMapping.Classify(error));
        Assert.Equal(new DnsEndPoint("node2.example.com", 2113), ErrorMapping.LeaderEndpoint(error));
        Assert.IsType<EventStoreUnavailableException>(ErrorMapping.ToPortException(error));
    }

    [Fact]
    public void Not_leader_without_a_usable_endpoint_has_no_leader()
    {
        var error = Server.Trailers(StatusCode.NotFound, ("exception", "not-leader"), ("leader-endpoint-host", "node2"), ("leader-endpoint-port", "x"));

        Assert.Null(ErrorMapping.LeaderEndpoint(error));
    }

    [Fact]
    public void Stream_not_found_is_told_apart_so_reads_can_yield_nothing()
    {
        var error = Server.Trailers(StatusCode.NotFound, ("exception", "stream-not-found"), ("stream-name", "order-1"));

        Assert.Equal(ErrorKind.StreamNotFound, ErrorMapping.Classify(error));
    }

    [Theory]
    [InlineData("maximum-append-size-exceeded")]
    [InlineData("missing-required-metadata-property")]
    public void A_rejected_request_is_not_retried(string exception)
    {
        var error = Server.Trailers(StatusCode.InvalidArgument, ("exception", exception));

        Assert.Equal(ErrorKind.Rejected, ErrorMapping.Classify(error));
        Assert.IsType<EventStoreDbProtocolException>(ErrorMapping.ToPortException(error));
    }

    [Fact]
    public void A_cancelled_call_is_a_cancellation()
    {
        var error = new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));

        Assert.Equal(ErrorKind.Cancelled, ErrorMapping.Classify(error));
        Assert.IsAssignableFrom<OperationCanceledException>(ErrorMapping.ToPortException(error));
    }
}

public sealed class NodeSelectionTests
{
    private static MemberInfo Member(string host, State state, bool alive = true) => new()
    {
        InstanceId = ProtocolMapping.ToUuid(Guid.NewGuid()),
        State = state,
        IsAlive = alive,
        HttpEndPoint = new Protocol.Gossip.EndPoint { Address = host, Port = 2113 },
    };

    private static ClusterInfo Cluster(params MemberInfo[] members) => new() { Members = { members } };

    [Fact]
    public void Leader_preference_picks_the_live_leader()
    {
        var cluster = Cluster(Member("n1", State.Follower), Member("n2", State.Leader), Member("n3", State.Follower));

        Assert.Equal(new DnsEndPoint("n2", 2113), ProtocolMapping.SelectNode(cluster, NodePreference.Leader));
    }

    [Fact]
    public void Follower_preference_picks_a_follower()
    {
        var cluster = Cluster(Member("n1", State.Leader), Member("n2", State.Follower));

        Assert.Equal(new DnsEndPoint("n2", 2113), ProtocolMapping.SelectNode(cluster, NodePreference.Follower));
    }

    [Fact]
    public void Without_the_preferred_state_the_leader_comes_first()
    {
        var cluster = Cluster(Member("n1", State.Follower), Member("n2", State.Leader));

        Assert.Equal(new DnsEndPoint("n2", 2113), ProtocolMapping.SelectNode(cluster, NodePreference.ReadOnlyReplica));
    }

    [Fact]
    public void Dead_or_unready_nodes_are_never_chosen()
    {
        var cluster = Cluster(Member("n1", State.Leader, alive: false), Member("n2", State.CatchingUp), Member("n3", State.PreLeader));

        Assert.Null(ProtocolMapping.SelectNode(cluster, NodePreference.Leader));
        Assert.Null(ProtocolMapping.SelectNode(cluster, NodePreference.Random));
    }
}
