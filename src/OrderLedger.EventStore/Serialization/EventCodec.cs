using System.Text.Json;
using OrderLedger.EventStore.Audit;

namespace OrderLedger.EventStore.Serialization;

/// <summary>A recorded event with its payload and metadata decoded.</summary>
public sealed record DecodedEvent(RecordedEvent Record, object Event, EventMetadata? Metadata);

/// <summary>Turns domain events into hash-chained <see cref="EventData"/> and recorded events back into records.</summary>
public sealed class EventCodec(EventTypeRegistry registry)
{
    public EventTypeRegistry Registry { get; } = registry;

    /// <summary>
    /// Encodes the events of one command. Ids are derived from the command id and the event's index; each event's
    /// hash chains to the previous one, starting from <paramref name="previousHash"/> (the stream's last hash, or
    /// null for a new stream).
    /// </summary>
    public IReadOnlyList<EventData> Encode(IReadOnlyList<object> events, CommandContext context, string? previousHash) =>
        EncodeRaw(events.Select(Registry.Serialize).ToList(), context, previousHash);

    /// <summary>
    /// Like <see cref="Encode"/> for payloads that are already JSON (type name and bytes), such as events posted
    /// by another system; the bytes are stored as given.
    /// </summary>
    public static IReadOnlyList<EventData> EncodeRaw(IReadOnlyList<(string TypeName, byte[] Data)> events, CommandContext context, string? previousHash)
    {
        var encoded = new List<EventData>(events.Count);
        var prevHash = previousHash ?? HashChain.GenesisHash;
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
                PrevHash: prevHash);
            var unsealed = JsonSerializer.SerializeToUtf8Bytes(metadata, MetadataJsonContext.Default.EventMetadata);
            var hash = HashChain.ComputeHash(prevHash, typeName, data, unsealed);
            encoded.Add(new EventData(EventIds.Of(context, index), typeName, data, HashChain.Seal(unsealed, hash)));
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
