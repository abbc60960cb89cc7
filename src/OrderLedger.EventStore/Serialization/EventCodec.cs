using System.Text.Json;
using OrderLedger.EventStore.Audit;

namespace OrderLedger.EventStore.Serialization;

/// <summary>Where a stream ends before an append: its id, last revision and last hash (nulls for a new stream).</summary>
public sealed record ChainTip(string StreamId, ulong? LastRevision, string? LastHash)
{
    /// <summary>The tip after <paramref name="lastEvent"/>, the stream's newest event (null: the stream is new).</summary>
    public static ChainTip After(string streamId, RecordedEvent? lastEvent) => new(streamId, lastEvent?.Revision, EventCodec.HashOf(lastEvent));

    /// <summary>The revision the first appended event takes.</summary>
    public ulong NextRevision => LastRevision is { } last ? last + 1 : 0;
}

/// <summary>A recorded event with its payload and metadata decoded.</summary>
public sealed record DecodedEvent(RecordedEvent Record, object Event, EventMetadata? Metadata);

/// <summary>Turns domain events into hash-chained <see cref="EventData"/> and recorded events back into records.</summary>
public sealed class EventCodec(EventTypeRegistry registry)
{
    public EventTypeRegistry Registry { get; } = registry;

    /// <summary>
    /// Encodes the events of one command, to be appended right after <paramref name="tip"/>. Ids are derived from the
    /// command id and the event's index; each event's hash (v2: it covers the stream id and revision too) chains to the
    /// previous one, starting from the tip's hash. The append must name the tip's revision as the one it follows.
    /// </summary>
    public IReadOnlyList<EventData> Encode(IReadOnlyList<object> events, CommandContext context, ChainTip tip) =>
        EncodeRaw(events.Select(Registry.Serialize).ToList(), context, tip);

    /// <summary>
    /// Like <see cref="Encode"/> for payloads that are already JSON (type name and bytes), such as events posted
    /// by another system; the bytes are stored as given.
    /// </summary>
    public static IReadOnlyList<EventData> EncodeRaw(IReadOnlyList<(string TypeName, byte[] Data)> events, CommandContext context, ChainTip tip)
    {
        var encoded = new List<EventData>(events.Count);
        var prevHash = tip.LastHash ?? HashChain.GenesisHash;
        for (var index = 0; index < events.Count; index++)
        {
            var (typeName, data) = events[index];
            var metadata = new EventMetadata(
                CorrelationId: context.CorrelationId ?? context.CommandId,
                CausationId: context.CausationId ?? context.CommandId,
                CommandId: context.CommandId,
                StoreId: context.StoreId,
                Actor: context.Actor,
                OccurredAt: context.OccurredAt,
                CommandType: context.Fingerprint?.Type,
                CommandHash: context.Fingerprint?.Hash,
                HashVersion: HashChain.CurrentVersion,
                PrevHash: prevHash);
            var unsealed = JsonSerializer.SerializeToUtf8Bytes(metadata, MetadataJsonContext.Default.EventMetadata);
            var eventId = EventIds.Of(context, index);
            var hash = HashChain.ComputeHashV2(tip.StreamId, tip.NextRevision + (ulong)index, eventId, typeName, data, unsealed, prevHash);
            encoded.Add(new EventData(eventId, typeName, data, HashChain.Seal(unsealed, hash)));
            prevHash = hash;
        }

        return encoded;
    }

    /// <summary>The hash recorded on a stream's last event: what the next append chains to (null for an empty stream).</summary>
    public static string? HashOf(RecordedEvent? lastEvent) =>
        lastEvent is null ? null : HashChain.TryUnseal(lastEvent.Metadata, out _, out var hash) ? hash : null;

    /// <summary>The event and its metadata, with any NUL in their text made storable (<see cref="StorableText"/>).</summary>
    public DecodedEvent Decode(RecordedEvent record) =>
        new(record, Registry.Deserialize(record.Type, StorableText.CleanJson(record.Data)), DecodeMetadata(StorableText.CleanJson(record.Metadata)));

    public static EventMetadata? DecodeMetadata(ReadOnlyMemory<byte> metadata)
    {
        if (metadata.IsEmpty)
        {
            return null;
        }

        return EventMetadataReader.TryRead(metadata.Span, out var read) ? read : DeserializeMetadata(metadata);
    }

    /// <summary>The serializer's reading, which <see cref="EventMetadataReader"/> matches on the shape it accepts.</summary>
    internal static EventMetadata? DeserializeMetadata(ReadOnlyMemory<byte> metadata)
    {
        try
        {
            return JsonSerializer.Deserialize(metadata.Span, MetadataJsonContext.Default.EventMetadata);
        }
        catch (JsonException)
        {
            // Events appended by other tools may carry metadata of another shape; they still replay.
            return null;
        }
    }
}
