using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Audit;

/// <summary>One step of a stream's history: the event and the aggregate's state right after it.</summary>
public sealed record HistoryStep(DecodedEvent Event, object? StateAfter)
{
    /// <summary>Business time of the event (its metadata's occurredAt), or when it was stored if it has none.</summary>
    public DateTimeOffset OccurredAt => Event.Metadata?.OccurredAt ?? Event.Record.Created;
}

/// <summary>Replays a stream event by event with the state after each, and the state as of any moment.</summary>
public sealed class StreamHistory(IEventStore store, EventCodec codec)
{
    public async Task<IReadOnlyList<HistoryStep>> ReplayAsync(string streamId, CancellationToken cancellationToken = default)
    {
        var fold = StateFold.ForStream(streamId);
        var state = fold?.Initial;
        var steps = new List<HistoryStep>();
        await foreach (var record in store.ReadStreamAsync(streamId, StreamReadOptions.All, cancellationToken))
        {
            var decoded = codec.Decode(record);
            state = fold is null ? null : fold.Evolve(state!, decoded.Event);
            steps.Add(new HistoryStep(decoded, state));
        }

        return steps;
    }

    /// <summary>
    /// The state after the last event whose business time is at or before <paramref name="at"/>; null when the
    /// stream had no event by then. Events are applied in stream order, as the domain applied them.
    /// </summary>
    public static HistoryStep? AsOf(IReadOnlyList<HistoryStep> steps, DateTimeOffset at) =>
        steps.LastOrDefault(step => step.OccurredAt <= at);
}
