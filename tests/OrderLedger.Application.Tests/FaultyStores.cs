using OrderLedger.EventStore;

namespace OrderLedger.Application.Tests;

/// <summary>The process "dies": thrown by <see cref="CrashingStore"/> right after an append it was told to crash after.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>Delegates to a real store, but throws after the n-th successful append that matches a predicate (the append itself is durable).</summary>
public sealed class CrashingStore(IEventStore inner, Func<string, bool> matches, int crashAfter) : IEventStore
{
    private int _matched;

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        var result = await inner.AppendAsync(streamId, expected, events, cancellationToken);
        if (matches(streamId) && Interlocked.Increment(ref _matched) == crashAfter)
        {
            throw new SimulatedCrashException($"process died after appending to {streamId}");
        }

        return result;
    }

    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
        inner.AppendBatchAsync(appends, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, CancellationToken cancellationToken = default) =>
        inner.ReadStreamAsync(streamId, options, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(after, filter, maxCount, cancellationToken);

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, CancellationToken cancellationToken = default) =>
        inner.SubscribeToAllAsync(after, filter, cancellationToken);

    public Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default) => inner.ReadHeadPositionAsync(cancellationToken);

    public Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) => inner.FindEventAsync(eventId, cancellationToken);

    public bool FindsEventsById => inner.FindsEventsById;
}

/// <summary>Before every append to a matching stream, another writer gets there first (runs <paramref name="interfere"/>).</summary>
public sealed class InterferingStore(IEventStore inner, Func<string, bool> matches, Func<IEventStore, string, Task> interfere) : IEventStore
{
    public int Interferences { get; private set; }

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        if (matches(streamId))
        {
            Interferences++;
            await interfere(inner, streamId);
        }

        return await inner.AppendAsync(streamId, expected, events, cancellationToken);
    }

    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
        inner.AppendBatchAsync(appends, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, CancellationToken cancellationToken = default) =>
        inner.ReadStreamAsync(streamId, options, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(after, filter, maxCount, cancellationToken);

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, CancellationToken cancellationToken = default) =>
        inner.SubscribeToAllAsync(after, filter, cancellationToken);

    public Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default) => inner.ReadHeadPositionAsync(cancellationToken);

    public Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) => inner.FindEventAsync(eventId, cancellationToken);

    public bool FindsEventsById => inner.FindsEventsById;
}
