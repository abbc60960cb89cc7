namespace OrderLedger.EventStore;

/// <summary>Base of every error the event store port reports; adapters translate their own errors into these.</summary>
public abstract class EventStoreException : Exception
{
    protected EventStoreException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>The stream was not at the revision the writer expected. Nothing was appended.</summary>
public sealed class WrongExpectedRevisionException : EventStoreException
{
    public WrongExpectedRevisionException(string streamId, ExpectedRevision expected, ulong? actualRevision, Exception? inner = null)
        : base($"Append to '{streamId}' expected revision {expected} but the stream is at {(actualRevision?.ToString() ?? "no stream")}.", inner)
    {
        StreamId = streamId;
        Expected = expected;
        ActualRevision = actualRevision;
    }

    public string StreamId { get; }
    public ExpectedRevision Expected { get; }

    /// <summary>The stream's last revision, or null when the stream does not exist.</summary>
    public ulong? ActualRevision { get; }
}

/// <summary>An event id already stored elsewhere (another stream, or another place in this one).</summary>
public sealed class DuplicateEventIdException : EventStoreException
{
    public DuplicateEventIdException(string streamId, Guid eventId, Exception? inner = null)
        : base($"Event id {eventId} appended to '{streamId}' is already stored at another place in the log.", inner)
    {
        StreamId = streamId;
        EventId = eventId;
    }

    public string StreamId { get; }
    public Guid EventId { get; }
}

public sealed class StreamDeletedException : EventStoreException
{
    public StreamDeletedException(string streamId, Exception? inner = null)
        : base($"Stream '{streamId}' has been deleted.", inner) => StreamId = streamId;

    public string StreamId { get; }
}

public sealed class AccessDeniedException : EventStoreException
{
    public AccessDeniedException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>The store could not be reached, after the adapter's own retries. Callers may retry later.</summary>
public sealed class EventStoreUnavailableException : EventStoreException
{
    public EventStoreUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
