using System.Net;
using System.Runtime.CompilerServices;
using Grpc.Core;
using OrderLedger.EventStore.EventStoreDb.Protocol;

namespace OrderLedger.EventStore.EventStoreDb;

/// <summary>
/// The event store port on EventStoreDB, over its gRPC Streams service (docs/eventstoredb.md).
/// Calls that fail transiently, or land on a follower, are retried (appends too: EventStoreDB recognises a
/// repeated event id at the same place and does not write it twice). Subscriptions resume by themselves
/// from the last position they delivered.
/// </summary>
public sealed class EventStoreDbEventStore : IEventStore, IDisposable, IAsyncDisposable
{
    private readonly EventStoreDbConnection _connection;
    private readonly EventStoreDbOptions _options;

    public EventStoreDbEventStore(string connectionString, EventStoreDbOptions? options = null)
        : this(EventStoreDbConnectionString.Parse(connectionString), options)
    {
    }

    public EventStoreDbEventStore(EventStoreDbConnectionString settings, EventStoreDbOptions? options = null)
        : this(new EventStoreDbConnection(settings), options)
    {
    }

    /// <summary>For tests: calls go through <paramref name="connection"/>'s call invokers.</summary>
    internal EventStoreDbEventStore(EventStoreDbConnection connection, EventStoreDbOptions? options)
    {
        _connection = connection;
        _options = options ?? new EventStoreDbOptions();
    }

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendRules.Check(streamId, events);

        var options = ProtocolMapping.ToAppendOptions(streamId, expected);
        var messages = events.Select(ProtocolMapping.ToProposedMessage).ToList();
        var response = await ExecuteAsync(
            async (invoker, ct) =>
            {
                using var call = new Streams.StreamsClient(invoker).Append(_connection.CallOptions(ct, _connection.Settings.DefaultDeadline));
                try
                {
                    await call.RequestStream.WriteAsync(options, ct);
                    foreach (var message in messages)
                    {
                        await call.RequestStream.WriteAsync(message, ct);
                    }

                    await call.RequestStream.CompleteAsync();
                }
                catch (InvalidOperationException) when (call.ResponseAsync.IsCompleted)
                {
                    // The server ended the call before taking every event (e.g. access denied, too large):
                    // its answer below says why.
                }

                return await call.ResponseAsync;
            },
            streamId,
            expected,
            cancellationToken);

        var outcome = ProtocolMapping.ToAppendOutcome(response, streamId, expected);
        var revision = outcome.CurrentRevision
            ?? throw new EventStoreDbProtocolException($"The server reported no stream revision after appending {events.Count} event(s) to '{streamId}'.");

        // The port reports the last event's position. A single event's write position is that event's; for a
        // batch, and for an idempotent retry (nothing written, no position reported), read the last event back.
        var position = outcome.Position is { } written && events.Count == 1
            ? written
            : await PositionOfAsync(streamId, revision, cancellationToken);
        return new AppendResult(revision, position);
    }

    /// <summary>
    /// EventStoreDB 23.10 commits one stream per write (its gRPC <c>BatchAppend</c> too is atomic per stream only), so a
    /// batch is checked whole first and then written part by part: a wrong expected revision anywhere writes nothing,
    /// but a writer that moves one of the streams between the check and its part's write fails that part after the
    /// earlier parts were written. Retrying the same batch then completes it, since each written part is recognised as
    /// already stored (docs/eventstoredb.md, "Batches").
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default)
    {
        AppendRules.CheckBatch(appends);
        await Task.WhenAll(appends.Select(part => CheckBatchPartAsync(part, cancellationToken)));
        var results = new List<AppendResult>(appends.Count);
        foreach (var part in appends)
        {
            results.Add(await AppendAsync(part.StreamId, part.Expected, part.Events, cancellationToken));
        }

        return results;
    }

    /// <summary>Throws as the part's append would: its expectation holds, or its events already stand where it expected them (a retry).</summary>
    private async Task CheckBatchPartAsync(StreamAppend part, CancellationToken cancellationToken)
    {
        var last = await ReadStreamAsync(part.StreamId, StreamReadOptions.Last(1), requiresLeader: true, cancellationToken).FirstOrDefaultAsync(cancellationToken);
        var actual = last?.Revision;
        if (part.Expected.HoldsFor(actual))
        {
            return;
        }

        ulong? firstRevision = part.Expected.Kind switch
        {
            ExpectedRevisionKind.NoStream => 0,
            ExpectedRevisionKind.Exact => part.Expected.Revision + 1,
            _ => null,
        };
        if (firstRevision is { } from)
        {
            var stored = await ReadStreamAsync(part.StreamId, new StreamReadOptions(ReadDirection.Forwards, from, part.Events.Count), requiresLeader: true, cancellationToken)
                .Select(e => e.EventId).ToListAsync(cancellationToken);
            if (stored.SequenceEqual(part.Events.Select(e => e.EventId)))
            {
                return;
            }
        }

        throw new WrongExpectedRevisionException(part.StreamId, part.Expected, actual);
    }

    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, CancellationToken cancellationToken = default) =>
        ReadStreamAsync(streamId, options, requiresLeader: false, cancellationToken);

    private async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, bool requiresLeader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        AppendRules.CheckStreamId(streamId);
        ArgumentNullException.ThrowIfNull(options);
        var remaining = options.MaxCount;
        var from = options.FromRevision;
        var failures = 0;
        while (remaining > 0)
        {
            var request = ProtocolMapping.ToReadStreamRequest(streamId, options with { FromRevision = from, MaxCount = remaining });
            var invoker = await _connection.GetInvokerAsync(cancellationToken, requiresLeader);
            using var call = new Streams.StreamsClient(invoker).Read(request, _connection.CallOptions(cancellationToken, requiresLeader: requiresLeader));
            while (true)
            {
                var (response, error) = await NextAsync(call.ResponseStream, cancellationToken);
                if (error is not null)
                {
                    if (ErrorMapping.Classify(error) == ErrorKind.StreamNotFound)
                    {
                        yield break;
                    }

                    await RecoverOrThrowAsync(error, ++failures, streamId, cancellationToken, requiresLeader);
                    break;
                }

                if (response is null || response.ContentCase == ReadResp.ContentOneofCase.StreamNotFound)
                {
                    yield break;
                }

                if (response.ContentCase != ReadResp.ContentOneofCase.Event)
                {
                    continue;
                }

                var record = ProtocolMapping.ToRecordedEvent(response.Event);
                failures = 0;
                yield return record;
                remaining--;
                if (remaining == 0 || (options.Direction == ReadDirection.Backwards && record.Revision == 0))
                {
                    yield break;
                }

                // Where a retry after a broken connection picks up.
                from = options.Direction == ReadDirection.Forwards ? record.Revision + 1 : record.Revision - 1;
            }
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var remaining = maxCount;
        var cursor = after == Position.Start ? null : after;
        var failures = 0;
        while (remaining > 0)
        {
            // The server reads from a position inclusively: one more, to drop the event at the cursor itself.
            var requested = cursor is null ? (ulong)remaining : (ulong)remaining + 1;
            var invoker = await _connection.GetInvokerAsync(cancellationToken);
            using var call = new Streams.StreamsClient(invoker)
                .Read(ProtocolMapping.ToReadAllRequest(cursor, filter, requested), _connection.CallOptions(cancellationToken));
            ulong received = 0;
            var broken = false;
            while (true)
            {
                var (response, error) = await NextAsync(call.ResponseStream, cancellationToken);
                if (error is not null)
                {
                    await RecoverOrThrowAsync(error, ++failures, streamId: null, cancellationToken);
                    broken = true;
                    break;
                }

                if (response is null)
                {
                    break;
                }

                if (response.ContentCase != ReadResp.ContentOneofCase.Event)
                {
                    continue;
                }

                received++;
                var record = ProtocolMapping.ToRecordedEvent(response.Event);
                if (cursor is { } seen && record.Position <= seen)
                {
                    continue;
                }

                cursor = record.Position;
                if (ProtocolMapping.IsSystemEventType(record.Type))
                {
                    continue;
                }

                failures = 0;
                yield return record;
                if (--remaining == 0)
                {
                    yield break;
                }
            }

            if (!broken && received < requested)
            {
                yield break;
            }
        }
    }

    public async IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        SubscriptionTracker? tracker = null;
        var failures = 0;
        Exception? lastError = null;
        while (true)
        {
            if (tracker is null)
            {
                // The newest matching event now: reaching it means caught up, for servers that never say so.
                try
                {
                    tracker = new SubscriptionTracker(after, filter is not null, await ReadHeadAsync(filter, cancellationToken));
                }
                catch (EventStoreUnavailableException ex)
                {
                    lastError = ex;
                }
            }

            if (tracker is not null)
            {
                var invoker = await _connection.GetInvokerAsync(cancellationToken);
                using var call = new Streams.StreamsClient(invoker)
                    .Read(ProtocolMapping.ToSubscribeToAllRequest(tracker.ResumeAfter, filter), _connection.CallOptions(cancellationToken));
                while (true)
                {
                    var (response, error) = await NextAsync(call.ResponseStream, cancellationToken);
                    if (error is not null)
                    {
                        ThrowIfFinal(error, cancellationToken);
                        lastError = error;
                        Reconnect(error);
                        break;
                    }

                    if (response is null)
                    {
                        break;
                    }

                    failures = 0;
                    foreach (var message in tracker.Handle(response))
                    {
                        yield return message;
                    }
                }
            }

            if (++failures >= _options.SubscriptionReconnectAttempts)
            {
                throw new EventStoreUnavailableException(
                    $"The subscription to $all could not be resumed after {failures} attempts (last position {tracker?.ResumeAfter?.ToString() ?? "start"}).",
                    lastError);
            }

            await Task.Delay(_options.Backoff(failures), cancellationToken);
        }
    }

    public Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default) => ReadHeadAsync(null, cancellationToken);

    /// <summary>
    /// EventStoreDB keeps no index by event id, and a read of <c>$all</c> per command is not a look-up; a marker stream
    /// written beside every append would double the writes without a transaction to keep the two in step
    /// (docs/eventstoredb.md, "Event ids"). So this adapter cannot say, and answers null.
    /// </summary>
    public Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) => Task.FromResult<EventLocation?>(null);

    public bool FindsEventsById => false;

    /// <summary>The server keeps no count of $all, so the events are read (and, past a bound, estimated from positions).</summary>
    public Task<long> CountAllAfterAsync(Position? after, CancellationToken cancellationToken = default) =>
        EventCounting.CountByReadingAsync(this, after, cancellationToken);

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The newest event the filter keeps (system events excluded when there is no filter). No deadline: with a
    /// narrow filter the server may scan far back.
    /// </summary>
    private Task<Position?> ReadHeadAsync(EventFilter? filter, CancellationToken cancellationToken) =>
        ExecuteAsync<Position?>(
            async (invoker, ct) =>
            {
                using var call = new Streams.StreamsClient(invoker)
                    .Read(ProtocolMapping.ToReadHeadRequest(filter), _connection.CallOptions(ct));
                while (await call.ResponseStream.MoveNext(ct))
                {
                    if (call.ResponseStream.Current.ContentCase == ReadResp.ContentOneofCase.Event)
                    {
                        return ProtocolMapping.ToRecordedEvent(call.ResponseStream.Current.Event).Position;
                    }
                }

                return null;
            },
            streamId: null,
            expected: null,
            cancellationToken);

    private async Task<Position> PositionOfAsync(string streamId, ulong revision, CancellationToken cancellationToken)
    {
        // The leader has every acknowledged append; a follower (nodePreference=follower) may not have replicated it yet.
        await foreach (var record in ReadStreamAsync(streamId, new StreamReadOptions(ReadDirection.Forwards, revision, 1), requiresLeader: true, cancellationToken))
        {
            return record.Position;
        }

        throw new EventStoreDbProtocolException($"The append to '{streamId}' succeeded at revision {revision}, but that event cannot be read back.");
    }

    private async Task<T> ExecuteAsync<T>(
        Func<CallInvoker, CancellationToken, Task<T>> operation,
        string? streamId,
        ExpectedRevision? expected,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var invoker = await _connection.GetInvokerAsync(cancellationToken);
            try
            {
                return await operation(invoker, cancellationToken);
            }
            catch (RpcException ex)
            {
                var kind = KindOf(ex, cancellationToken);
                if (kind is not (ErrorKind.Transient or ErrorKind.NotLeader) || attempt >= _options.RetryAttempts)
                {
                    throw Final(ex, kind, streamId, expected, cancellationToken);
                }

                await PauseBeforeRetryAsync(ex, kind, attempt, cancellationToken);
            }
        }
    }

    private async Task RecoverOrThrowAsync(RpcException error, int failures, string? streamId, CancellationToken cancellationToken, bool requiresLeader = false)
    {
        var kind = KindOf(error, cancellationToken);
        if (kind is not (ErrorKind.Transient or ErrorKind.NotLeader) || failures >= _options.RetryAttempts)
        {
            throw Final(error, kind, streamId, null, cancellationToken);
        }

        await PauseBeforeRetryAsync(error, kind, failures, cancellationToken, requiresLeader);
    }

    private async Task PauseBeforeRetryAsync(RpcException error, ErrorKind kind, int attempt, CancellationToken cancellationToken, bool requiresLeader = false)
    {
        if (Reconnect(error, requiresLeader) is null || kind != ErrorKind.NotLeader)
        {
            await Task.Delay(_options.Backoff(attempt), cancellationToken);
        }
    }

    /// <summary>Points the connection at the leader a follower named (returned), or has a cluster found again.</summary>
    private DnsEndPoint? Reconnect(RpcException error, bool requiresLeader = false)
    {
        if (ErrorMapping.Classify(error) == ErrorKind.NotLeader)
        {
            var leader = ErrorMapping.LeaderEndpoint(error);
            _connection.SwitchToLeader(leader, requiresLeader);
            return leader;
        }

        _connection.Reset();
        return null;
    }

    private static void ThrowIfFinal(RpcException error, CancellationToken cancellationToken)
    {
        var kind = KindOf(error, cancellationToken);
        if (kind is ErrorKind.Cancelled or ErrorKind.AccessDenied or ErrorKind.Rejected)
        {
            throw Final(error, kind, null, null, cancellationToken);
        }
    }

    /// <summary>A call cancelled by the server (not by the caller) is a dropped connection like any other.</summary>
    private static ErrorKind KindOf(RpcException error, CancellationToken cancellationToken)
    {
        var kind = ErrorMapping.Classify(error);
        return kind == ErrorKind.Cancelled && !cancellationToken.IsCancellationRequested ? ErrorKind.Transient : kind;
    }

    private static Exception Final(RpcException error, ErrorKind kind, string? streamId, ExpectedRevision? expected, CancellationToken cancellationToken) =>
        kind == ErrorKind.Cancelled
            ? new OperationCanceledException("The EventStoreDB call was cancelled.", error, cancellationToken)
            : ErrorMapping.ToPortException(error, streamId, expected);

    private static async Task<(ReadResp? Response, RpcException? Error)> NextAsync(IAsyncStreamReader<ReadResp> stream, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.MoveNext(cancellationToken) ? (stream.Current, null) : (null, null);
        }
        catch (RpcException ex)
        {
            return (null, ex);
        }
    }
}
