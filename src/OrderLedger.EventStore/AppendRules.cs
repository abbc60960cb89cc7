using System.Text.Json;

namespace OrderLedger.EventStore;

/// <summary>
/// What every adapter refuses before it writes, so both stores hold the same kinds of events: stream ids and event
/// types without control characters and within a length (PostgreSQL text cannot hold NUL; EventStoreDB could). A
/// refusal is an <see cref="ArgumentException"/> naming the parameter; nothing is written. Event data is the writer's
/// business: the API refuses data and metadata that are not UTF-8 JSON or hold <c>\u0000</c> (<see cref="IsCleanJson"/>),
/// and projections make any NUL in older events storable when they decode them.
/// </summary>
public static class AppendRules
{
    public const int MaxStreamIdLength = 500;
    public const int MaxEventTypeLength = 200;

    public static void CheckStreamId(string streamId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        if (streamId.Length > MaxStreamIdLength || HasControlCharacter(streamId))
        {
            throw new ArgumentException($"A stream id has at most {MaxStreamIdLength} characters and no control characters.", nameof(streamId));
        }
    }

    public static void Check(string streamId, IReadOnlyList<EventData> events)
    {
        CheckStreamId(streamId);
        if (streamId.StartsWith('$'))
        {
            throw new ArgumentException($"Stream ids starting with '$' are reserved for system streams: '{streamId}'.", nameof(streamId));
        }

        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        foreach (var e in events)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(e.Type, nameof(events));
            if (e.Type.StartsWith('$'))
            {
                throw new ArgumentException($"Event types starting with '$' are reserved for system events: '{e.Type}'.", nameof(events));
            }

            if (e.Type.Length > MaxEventTypeLength || HasControlCharacter(e.Type))
            {
                throw new ArgumentException($"An event type has at most {MaxEventTypeLength} characters and no control characters.", nameof(events));
            }
        }

        if (events.Select(e => e.EventId).Distinct().Count() != events.Count)
        {
            throw new ArgumentException("The events of one append must have distinct ids.", nameof(events));
        }
    }

    /// <summary>
    /// <see cref="Check"/> for every part of a batch, and across the parts: each stream once (a caller joins the events
    /// of consecutive commands on one stream into one part) and every event id once.
    /// </summary>
    public static void CheckBatch(IReadOnlyList<StreamAppend> appends)
    {
        ArgumentNullException.ThrowIfNull(appends);
        if (appends.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one append.", nameof(appends));
        }

        var streams = new HashSet<string>(StringComparer.Ordinal);
        var eventIds = new HashSet<Guid>();
        foreach (var append in appends)
        {
            ArgumentNullException.ThrowIfNull(append, nameof(appends));
            Check(append.StreamId, append.Events);
            if (!streams.Add(append.StreamId))
            {
                throw new ArgumentException($"A batch names each stream once; '{append.StreamId}' appears twice.", nameof(appends));
            }

            if (!append.Events.All(e => eventIds.Add(e.EventId)))
            {
                throw new ArgumentException("The events of one batch must have distinct ids.", nameof(appends));
            }
        }
    }

    public static bool HasControlCharacter(string text) => text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || text.Contains('\u007f', StringComparison.Ordinal);

    /// <summary>One forward pass of the reader: it refuses invalid UTF-8 and raw control bytes; escapes are checked for NUL.</summary>
    public static bool IsCleanJson(ReadOnlySpan<byte> json, bool allowEmpty)
    {
        if (json.IsEmpty)
        {
            return allowEmpty;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader is { TokenType: JsonTokenType.String or JsonTokenType.PropertyName, ValueIsEscaped: true }
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
