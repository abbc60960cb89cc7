namespace OrderLedger.EventStore;

/// <summary>
/// The event store port (docs/event-store.md). Every adapter passes the same contract test suite
/// (tests/OrderLedger.EventStore.Tests/Contract).
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Appends all <paramref name="events"/> atomically, or none. Throws <see cref="WrongExpectedRevisionException"/>
    /// when the stream is not where <paramref name="expected"/> says. Appending the same event ids again at the
    /// same place returns the original result and writes nothing.
    /// </summary>
    Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several streams' events (many commands' worth, for seeding and imports) as one unit: every part's
    /// expected revision is checked as <see cref="AppendAsync"/> checks it, and either every part is written or none
    /// (<see cref="WrongExpectedRevisionException"/> or <see cref="DuplicateEventIdException"/> name the stream that
    /// failed). A part already stored at its place (a retry) returns its original result and is not written again.
    /// Each stream appears at most once per batch. Results come in the order of <paramref name="appends"/>. How far an
    /// adapter's server makes this atomic: docs/event-store.md, "Batches".
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default);

    /// <summary>Reads one stream; an absent stream yields nothing.</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, CancellationToken cancellationToken = default);

    /// <summary>Reads $all forwards, strictly after <paramref name="after"/> (null = from the start), skipping system events.</summary>
    IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// Catch-up then live subscription to $all, strictly after <paramref name="after"/>. Events arrive in position
    /// order, none skipped; a broken connection is retried from the last delivered position by the adapter itself.
    /// </summary>
    IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, CancellationToken cancellationToken = default);

    /// <summary>The position of the newest event in $all, or null for an empty log.</summary>
    Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Where the event with this id is stored, or null when it is not — or when the store keeps no index by event id
    /// (<see cref="FindsEventsById"/> false: EventStoreDB, docs/eventstoredb.md). Command handlers use it to see that a
    /// command id was already used on another stream before a command that writes several streams appends anything.
    /// </summary>
    Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>Whether <see cref="FindEventAsync"/> answers from an index of every event id (false: it always answers null).</summary>
    bool FindsEventsById { get; }

    /// <summary>
    /// How many events of $all lie strictly after <paramref name="after"/> (null = from the start), for lag and rebuild
    /// progress: exact up to a bound of the adapter's, estimated beyond it, so asking never reads a long backlog. Without
    /// an adapter's own count it is <see cref="EventCounting.CountByReadingAsync"/>.
    /// </summary>
    Task<long> CountAllAfterAsync(Position? after, CancellationToken cancellationToken = default) =>
        EventCounting.CountByReadingAsync(this, after, cancellationToken);
}

/// <summary>One stream's part of <see cref="IEventStore.AppendBatchAsync"/>: what <see cref="IEventStore.AppendAsync"/> takes.</summary>
public sealed record StreamAppend(string StreamId, ExpectedRevision Expected, IReadOnlyList<EventData> Events);

/// <summary>The stream and revision an event is stored at.</summary>
public sealed record EventLocation(string StreamId, ulong Revision);

public enum ReadDirection
{
    Forwards,
    Backwards,
}

/// <param name="FromRevision">Inclusive; null = the first event (forwards) or the last (backwards).</param>
public sealed record StreamReadOptions(ReadDirection Direction = ReadDirection.Forwards, ulong? FromRevision = null, long MaxCount = long.MaxValue)
{
    public static StreamReadOptions All { get; } = new();
    public static StreamReadOptions Last(long count) => new(ReadDirection.Backwards, null, count);
}

public enum EventFilterKind
{
    StreamPrefix,
    EventTypePrefix,
}

/// <summary>A server-side filter: keeps events whose stream id (or type) starts with any of the prefixes.</summary>
public sealed record EventFilter(EventFilterKind Kind, IReadOnlyList<string> Prefixes)
{
    public static EventFilter StreamPrefix(params string[] prefixes) => new(EventFilterKind.StreamPrefix, Validated(prefixes));
    public static EventFilter EventTypePrefix(params string[] prefixes) => new(EventFilterKind.EventTypePrefix, Validated(prefixes));

    public bool Matches(RecordedEvent e) =>
        Prefixes.Any(prefix => (Kind == EventFilterKind.StreamPrefix ? e.StreamId : e.Type).StartsWith(prefix, StringComparison.Ordinal));

    private static string[] Validated(string[] prefixes)
    {
        if (prefixes.Length == 0 || prefixes.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("A filter needs at least one non-empty prefix.", nameof(prefixes));
        }

        return prefixes;
    }
}

/// <summary>What a subscription delivers: events, a one-time "caught up" marker, and checkpoints for filtered reads.</summary>
public abstract record SubscriptionMessage
{
    private SubscriptionMessage()
    {
    }

    public sealed record Event(RecordedEvent Record) : SubscriptionMessage;

    /// <summary>Everything committed up to <see cref="Position"/> has been delivered; from now on the subscription is live.</summary>
    public sealed record CaughtUp(Position Position) : SubscriptionMessage;

    /// <summary>No event matching the filter lies at or before <see cref="Position"/> that was not delivered; safe to store as a checkpoint.</summary>
    public sealed record Checkpoint(Position Position) : SubscriptionMessage;
}
