using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections;

/// <summary>The time projections file an event under; shared so every projection library agrees on it.</summary>
public static class EventTime
{
    /// <summary>
    /// Business time (metadata <c>occurredAt</c>); the log's own timestamp only for events without our metadata.
    /// Cut to whole microseconds, what a <c>timestamptz</c> keeps: a row folded in memory and a row read back from its
    /// table then compute the same durations, so a read model does not depend on where batches happened to end.
    /// </summary>
    public static DateTimeOffset OccurredAt(this DecodedEvent e) => ToMicroseconds(e.Metadata?.OccurredAt ?? e.Record.Created);

    /// <summary>A time cut to whole microseconds (PostgreSQL's resolution), keeping its offset.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));
}
