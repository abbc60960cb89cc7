using System.Diagnostics;
using OrderLedger.EventStore;

namespace OrderLedger.Api.Telemetry;

/// <summary>Times every append (and counts its events) around the configured event store; reads pass straight through.</summary>
public sealed class InstrumentedEventStore(IEventStore inner, ApiTelemetry telemetry) : IEventStore
{
    public Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
        TimedAsync("eventstore.append", streamId, events.Count, () => inner.AppendAsync(streamId, expected, events, cancellationToken));

    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
        TimedAsync("eventstore.append_batch", $"{appends.Count} streams", appends.Sum(a => a.Events.Count), () => inner.AppendBatchAsync(appends, cancellationToken));

    private async Task<T> TimedAsync<T>(string operation, string streams, int eventCount, Func<Task<T>> append)
    {
        using var activity = ApiTelemetry.Source.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("orderledger.stream", streams);
        activity?.SetTag("orderledger.events", eventCount);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await append();
            telemetry.Appended(eventCount, Stopwatch.GetElapsedTime(started), succeeded: true);
            return result;
        }
        catch (Exception ex)
        {
            telemetry.Appended(eventCount, Stopwatch.GetElapsedTime(started), succeeded: false);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, CancellationToken cancellationToken = default) =>
        inner.ReadStreamAsync(streamId, options, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(after, filter, maxCount, cancellationToken);

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, CancellationToken cancellationToken = default) =>
        inner.SubscribeToAllAsync(after, filter, cancellationToken);

    public Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default) => inner.ReadHeadPositionAsync(cancellationToken);

    public Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) => inner.FindEventAsync(eventId, cancellationToken);

    public bool FindsEventsById => inner.FindsEventsById;

    public Task<long> CountAllAfterAsync(Position? after, CancellationToken cancellationToken = default) => inner.CountAllAfterAsync(after, cancellationToken);
}
