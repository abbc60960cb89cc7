using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections;

/// <summary>The time projections file an event under; shared so every projection library agrees on it.</summary>
public static class EventTime
{
    /// <summary>Business time (metadata <c>occurredAt</c>); the log's own timestamp only for events without our metadata.</summary>
    public static DateTimeOffset OccurredAt(this DecodedEvent e) => e.Metadata?.OccurredAt ?? e.Record.Created;
}
