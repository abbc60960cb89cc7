namespace OrderLedger.EventStore;

/// <summary>An event ready to be appended: bytes as they will be stored, never re-encoded.</summary>
public sealed record EventData(
    Guid EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte> Metadata,
    string ContentType = EventData.JsonContentType)
{
    public const string JsonContentType = "application/json";
}

/// <summary>An event as read back from the log.</summary>
public sealed record RecordedEvent(
    string StreamId,
    ulong Revision,
    Position Position,
    Guid EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte> Metadata,
    DateTimeOffset Created,
    string ContentType = EventData.JsonContentType)
{
    /// <summary>The part of the stream id before the first dash (EventStoreDB's category convention).</summary>
    public string Category => StreamCategory.Of(StreamId);
}

public static class StreamCategory
{
    public static string Of(string streamId)
    {
        var dash = streamId.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? streamId : streamId[..dash];
    }
}

/// <param name="NextExpectedRevision">The stream's last revision after the append.</param>
/// <param name="Position">The position of the last event written (or found, for an idempotent retry).</param>
public sealed record AppendResult(ulong NextExpectedRevision, Position Position);
