using System.Diagnostics;
using OrderLedger.EventStore;

namespace OrderLedger.Api.Telemetry;

/// <summary>Times every append (and counts its events) around the configured event store; reads pass straight through.</summary>
public sealed class InstrumentedEventStore(IEventStore inner, ApiTelemetry telemetry) : IEventStore
{
    public async Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        using var activity = ApiTelemetry.Source.StartActivity("eventstore.append", ActivityKind.Client);
        activity?.SetTag("orderledger.stream", streamId);
        activity?.SetTag("orderledger.events", events.Count);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await inner.AppendAsync(streamId, expected, events, cancellationToken);
            telemetry.Appended(events.Count, Stopwatch.GetElapsedTime(started), succeeded: true);
            return result;
        }
        catch (Exception ex)
        {
            telemetry.Appended(events.Count, Stopwatch.GetElapsedTime(started), succeeded: false);
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
