using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using OrderLedger.EventStore;

namespace OrderLedger.Cli.Seeding;

/// <summary>
/// Write-through cache for the seeder: the command handlers read a whole stream before every decision; while seeding,
/// this process wrote those streams itself, so it keeps them in memory and reads each one from the store at most once.
/// A concurrency conflict (someone else wrote the stream) drops the cached copy, and the handler's retry reloads it.
/// </summary>
public sealed class CachingEventStore(IEventStore inner, int maxCachedEvents = 3_000_000) : IEventStore, IAsyncDisposable
{
    /// <summary>The store it wraps was made for it alone (the configured store's factory), so it goes with it: group commit's writers stop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (inner is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private readonly ConcurrentDictionary<string, List<RecordedEvent>> _streams = new(StringComparer.Ordinal);
    private long _cached;

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendResult result;
        try
        {
            result = await inner.AppendAsync(streamId, expected, events, cancellationToken);
        }
        catch (WrongExpectedRevisionException)
        {
            _streams.TryRemove(streamId, out _);
            throw;
        }

        Remember(streamId, events, result);
        return result;
    }

    public async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<AppendResult> results;
        try
        {
            results = await inner.AppendBatchAsync(appends, cancellationToken);
        }
        catch (WrongExpectedRevisionException ex)
        {
            _streams.TryRemove(ex.StreamId, out _);
            throw;
        }

        for (var i = 0; i < appends.Count; i++)
        {
            Remember(appends[i].StreamId, appends[i].Events, results[i]);
        }

        return results;
    }

    /// <summary>Adds appended events to a cached stream they follow on from; a cached copy they do not follow is dropped.</summary>
    private void Remember(string streamId, IReadOnlyList<EventData> events, AppendResult result)
    {
        if (_streams.TryGetValue(streamId, out var cached))
        {
            lock (cached)
            {
                var first = result.NextExpectedRevision + 1 - (ulong)events.Count;
                if (cached.Count == (int)first)
                {
                    var now = DateTimeOffset.UtcNow;
                    cached.AddRange(events.Select((e, i) => new RecordedEvent(streamId, first + (ulong)i, result.Position, e.EventId, e.Type, e.Data, e.Metadata, now, e.ContentType)));
                    Interlocked.Add(ref _cached, events.Count);
                    return;
                }
            }

            _streams.TryRemove(streamId, out _);
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!_streams.TryGetValue(streamId, out var cached))
        {
            cached = [];
            await foreach (var record in inner.ReadStreamAsync(streamId, StreamReadOptions.All, cancellationToken))
            {
                cached.Add(record);
            }

            if (Interlocked.Add(ref _cached, cached.Count) > maxCachedEvents)
            {
                _streams.Clear();
                Interlocked.Exchange(ref _cached, 0);
            }

            _streams[streamId] = cached;
        }

        RecordedEvent[] snapshot;
        lock (cached)
        {
            snapshot = [.. cached];
        }

        IEnumerable<RecordedEvent> selected = options.Direction == ReadDirection.Forwards
            ? snapshot.Where(e => options.FromRevision is not { } from || e.Revision >= from)
            : snapshot.Reverse().Where(e => options.FromRevision is not { } from || e.Revision <= from);
        foreach (var record in selected.Take((int)Math.Min(int.MaxValue, options.MaxCount)))
        {
            yield return record;
        }
    }

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(after, filter, maxCount, cancellationToken);

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, CancellationToken cancellationToken = default) =>
        inner.SubscribeToAllAsync(after, filter, cancellationToken);

    public Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default) => inner.ReadHeadPositionAsync(cancellationToken);

    public Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) => inner.FindEventAsync(eventId, cancellationToken);

    public bool FindsEventsById => inner.FindsEventsById;

    public Task<long> CountAllAfterAsync(Position? after, CancellationToken cancellationToken = default) => inner.CountAllAfterAsync(after, cancellationToken);
}
