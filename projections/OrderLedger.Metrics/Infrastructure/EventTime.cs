using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Metrics.Infrastructure;

internal static class EventTime
{
    /// <summary>Business time (brief §5): the metadata's <c>occurredAt</c>; the append time only for events without metadata.</summary>
    public static DateTimeOffset OccurredAt(this DecodedEvent e) => e.Metadata?.OccurredAt ?? e.Record.Created;
}
