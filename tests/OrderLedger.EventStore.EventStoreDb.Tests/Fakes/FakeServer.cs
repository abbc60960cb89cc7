using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using OrderLedger.EventStore.EventStoreDb.Protocol;

namespace OrderLedger.EventStore.EventStoreDb.Tests.Fakes;

/// <summary>One step of a scripted server-streaming answer: a message, an error, or silence until cancelled.</summary>
public abstract record Step
{
    public sealed record Send(ReadResp Response) : Step;

    public sealed record Fail(RpcException Error) : Step;

    public sealed record Hang : Step;

    public static implicit operator Step(ReadResp response) => new Send(response);

    public static implicit operator Step(RpcException error) => new Fail(error);
}

/// <summary>
/// Stands in for EventStoreDB at the gRPC call level: each Read or Append call is answered by the test's script,
/// and every call is recorded with the node it went to and its headers.
/// </summary>
public sealed class FakeServer
{
    public Func<DnsEndPoint, ReadReq, IEnumerable<Step>> OnRead { get; set; } = (_, _) => [];

    public Func<DnsEndPoint, IReadOnlyList<AppendReq>, AppendResp> OnAppend { get; set; } =
        (_, _) => throw new InvalidOperationException("No append expected.");

    public Func<DnsEndPoint, OrderLedger.EventStore.EventStoreDb.Protocol.Gossip.ClusterInfo> OnGossip { get; set; } =
        _ => throw new InvalidOperationException("No gossip expected.");

    public ConcurrentQueue<DnsEndPoint> GossipCalls { get; } = new();

    /// <summary>An error with which the server ends an append call at once, before reading any event.</summary>
    public Func<DnsEndPoint, RpcException?> EndAppendEarly { get; set; } = _ => null;

    public ConcurrentQueue<(DnsEndPoint Node, ReadReq Request, Metadata Headers)> Reads { get; } = new();

    public ConcurrentQueue<(DnsEndPoint Node, IReadOnlyList<AppendReq> Messages, Metadata Headers, DateTime? Deadline)> Appends { get; } = new();

    public CallInvoker InvokerFor(DnsEndPoint node) => new Invoker(this, node);

    public EventStoreDbEventStore CreateStore(string connectionString = "esdb://localhost:2113?tls=false", EventStoreDbOptions? options = null) =>
        new(new EventStoreDbConnection(EventStoreDbConnectionString.Parse(connectionString), InvokerFor),
            options ?? new EventStoreDbOptions { RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5) });

    private sealed class Invoker(FakeServer server, DnsEndPoint node) : CallInvoker
    {
        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            if (request is not ReadReq read)
            {
                throw new NotSupportedException(method.FullName);
            }

            Assert.Equal("/event_store.client.streams.Streams/Read", method.FullName);
            server.Reads.Enqueue((node, read, options.Headers ?? []));
            var reader = new ScriptedReader(server.OnRead(node, read).ToList(), options.CancellationToken);
            return new AsyncServerStreamingCall<TResponse>(
                (IAsyncStreamReader<TResponse>)(object)reader,
                Task.FromResult(new Metadata()),
                () => Status.DefaultSuccess,
                () => [],
                () => { });
        }

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options)
        {
            Assert.Equal("/event_store.client.streams.Streams/Append", method.FullName);
            if (server.EndAppendEarly(node) is { } early)
            {
                return new AsyncClientStreamingCall<TRequest, TResponse>(
                    (IClientStreamWriter<TRequest>)(object)new CompletedCallWriter(),
                    Task.FromException<TResponse>(early),
                    Task.FromResult(new Metadata()),
                    () => early.Status,
                    () => early.Trailers,
                    () => { });
            }

            var writer = new CollectingWriter();
            var response = writer.Completed.ContinueWith(
                task =>
                {
                    server.Appends.Enqueue((node, task.Result, options.Headers ?? [], options.Deadline));
                    return (TResponse)(object)server.OnAppend(node, task.Result);
                },
                TaskScheduler.Default);
            return new AsyncClientStreamingCall<TRequest, TResponse>(
                (IClientStreamWriter<TRequest>)(object)writer,
                response,
                Task.FromResult(new Metadata()),
                () => Status.DefaultSuccess,
                () => [],
                () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException(method.FullName);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            Assert.Equal("/event_store.client.gossip.Gossip/Read", method.FullName);
            server.GossipCalls.Enqueue(node);
            Task<TResponse> response;
            try
            {
                response = Task.FromResult((TResponse)(object)server.OnGossip(node));
            }
            catch (RpcException ex)
            {
                response = Task.FromException<TResponse>(ex);
            }

            return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException(method.FullName);
    }

    private sealed class ScriptedReader(List<Step> steps, CancellationToken callCancellation) : IAsyncStreamReader<ReadResp>
    {
        private int _next;

        public ReadResp Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (_next >= steps.Count)
            {
                return false;
            }

            switch (steps[_next++])
            {
                case Step.Send send:
                    Current = send.Response;
                    return true;
                case Step.Fail fail:
                    throw fail.Error;
                default:
                    using (var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callCancellation))
                    {
                        try
                        {
                            await Task.Delay(Timeout.Infinite, both.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            throw new RpcException(new Status(StatusCode.Cancelled, "Call cancelled by the client."));
                        }
                    }

                    return false;
            }
        }
    }

    /// <summary>What Grpc.Net.Client does when the server has already ended the call.</summary>
    private sealed class CompletedCallWriter : IClientStreamWriter<AppendReq>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(AppendReq message) => throw new InvalidOperationException("Can't write the message because the call is complete.");

        public Task WriteAsync(AppendReq message, CancellationToken cancellationToken) => WriteAsync(message);

        public Task CompleteAsync() => WriteAsync(new AppendReq());
    }

    private sealed class CollectingWriter : IClientStreamWriter<AppendReq>
    {
        private readonly List<AppendReq> _messages = [];
        private readonly TaskCompletionSource<IReadOnlyList<AppendReq>> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<IReadOnlyList<AppendReq>> Completed => _completed.Task;

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(AppendReq message)
        {
            _messages.Add(message);
            return Task.CompletedTask;
        }

        public Task WriteAsync(AppendReq message, CancellationToken cancellationToken) => WriteAsync(message);

        public Task CompleteAsync()
        {
            _completed.TrySetResult(_messages);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Builders for the server's messages, as the server would send them.</summary>
public static class Server
{
    public static ReadResp Confirmation() => new() { Confirmation = new ReadResp.Types.SubscriptionConfirmation { SubscriptionId = "sub-1" } };

    public static ReadResp NotFound(string stream) =>
        new() { StreamNotFound = new ReadResp.Types.StreamNotFound { StreamIdentifier = ProtocolMapping.ToStreamIdentifier(stream) } };

    public static ReadResp Checkpoint(ulong commit, ulong prepare) =>
        new() { Checkpoint = new ReadResp.Types.Checkpoint { CommitPosition = commit, PreparePosition = prepare } };

    public static ReadResp CaughtUp(ulong? commit = null) => new()
    {
        CaughtUp = commit is { } c
            ? new ReadResp.Types.CaughtUp { Position = new ReadResp.Types.Position { CommitPosition = c, PreparePosition = c } }
            : new ReadResp.Types.CaughtUp(),
    };

    public static ReadResp FellBehind() => new() { FellBehind = new ReadResp.Types.FellBehind() };

    /// <summary>An event whose commit and prepare positions both equal <paramref name="position"/>.</summary>
    public static ReadResp Event(string stream, ulong revision, ulong position, string type = "thing-happened", Guid? id = null, string data = "{}", string metadata = "{}") => new()
    {
        Event = new ReadResp.Types.ReadEvent
        {
            Event = new ReadResp.Types.ReadEvent.Types.RecordedEvent
            {
                Id = ProtocolMapping.ToUuid(id ?? Guid.NewGuid()),
                StreamIdentifier = ProtocolMapping.ToStreamIdentifier(stream),
                StreamRevision = revision,
                CommitPosition = position,
                PreparePosition = position,
                Metadata = { ["type"] = type, ["content-type"] = "application/json", ["created"] = "17000000000000000" },
                Data = ByteString.CopyFromUtf8(data),
                CustomMetadata = ByteString.CopyFromUtf8(metadata),
            },
            CommitPosition = position,
        },
    };

    public static AppendResp Success(ulong revision, ulong? position) => new()
    {
        Success = position is { } p
            ? new AppendResp.Types.Success { CurrentRevision = revision, Position = new AppendResp.Types.Position { CommitPosition = p, PreparePosition = p } }
            : new AppendResp.Types.Success { CurrentRevision = revision, NoPosition = new Empty() },
    };

    public static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, "Connection refused"));

    public static RpcException NotLeader(string host, int port) => new(
        new Status(StatusCode.NotFound, "Leader info available"),
        new Metadata { { "exception", "not-leader" }, { "leader-endpoint-host", host }, { "leader-endpoint-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) } });

    public static RpcException Trailers(StatusCode code, params (string Key, string Value)[] trailers)
    {
        var metadata = new Metadata();
        foreach (var (key, value) in trailers)
        {
            metadata.Add(key, value);
        }

        return new RpcException(new Status(code, "details"), metadata);
    }
}
