using System.Text.Json;

namespace OrderLedger.EventStore.Serialization;

/// <summary>
/// Reads <see cref="EventMetadata"/> in the exact shape <see cref="EventCodec"/> writes, with one pass of a
/// <see cref="Utf8JsonReader"/>. Every projection decodes the metadata of every event it reads, and the serializer's
/// path for a record with eleven constructor parameters cost more than the payload's (a sixth of the projector's CPU in a
/// rebuild): each argument cached boxed, then the constructor called. This reader takes no other shape: it declines
/// (returns false) on anything it was not written for — an unknown, escaped, repeated or missing property, another token
/// type, an actor kind spelt otherwise, trailing content — and the caller then asks the serializer, so the result is
/// always the serializer's.
/// </summary>
internal static class EventMetadataReader
{
    [Flags]
    private enum Seen
    {
        None = 0,
        CorrelationId = 1,
        CausationId = 2,
        CommandId = 4,
        StoreId = 8,
        Actor = 16,
        OccurredAt = 32,
        CommandType = 64,
        CommandHash = 128,
        HashVersion = 256,
        PrevHash = 512,
        Hash = 1024,
    }

    /// <summary>What every event written by <see cref="EventCodec"/> carries; the rest may be left out (nulls are not written).</summary>
    private const Seen Required = Seen.CorrelationId | Seen.CausationId | Seen.CommandId | Seen.Actor | Seen.OccurredAt;

    public static bool TryRead(ReadOnlySpan<byte> json, out EventMetadata? metadata)
    {
        metadata = null;
        try
        {
            return TryReadObject(json, out metadata);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Malformed JSON or text the reader cannot transcode: the serializer decides what that means.
            return false;
        }
    }

    private static bool TryReadObject(ReadOnlySpan<byte> json, out EventMetadata? metadata)
    {
        metadata = null;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = Seen.None;
        string? correlationId = null, causationId = null, commandId = null, storeId = null;
        string? commandType = null, commandHash = null, prevHash = null, hash = null;
        Actor? actor = null;
        DateTimeOffset occurredAt = default;
        int? hashVersion = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped || PropertyOf(ref reader) is not { } property || (seen & property) != 0)
            {
                return false;
            }

            seen |= property;
            if (!reader.Read())
            {
                return false;
            }

            var ok = property switch
            {
                // A command's correlation and causation are usually its own id: one string for the three.
                Seen.CorrelationId => TryText(ref reader, null, out correlationId),
                Seen.CausationId => TryText(ref reader, correlationId, out causationId),
                Seen.CommandId => TryText(ref reader, causationId, out commandId),
                Seen.StoreId => TryText(ref reader, null, out storeId),
                Seen.Actor => TryActor(ref reader, out actor),
                Seen.OccurredAt => reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out occurredAt),
                Seen.CommandType => TryText(ref reader, null, out commandType),
                Seen.CommandHash => TryText(ref reader, null, out commandHash),
                Seen.HashVersion => TryNumber(ref reader, out hashVersion),
                Seen.PrevHash => TryText(ref reader, null, out prevHash),
                Seen.Hash => TryText(ref reader, null, out hash),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || (seen & Required) != Required || reader.Read())
        {
            return false;
        }

        metadata = new EventMetadata(correlationId!, causationId!, commandId!, storeId, actor!, occurredAt, commandType, commandHash, hashVersion, prevHash, hash);
        return true;
    }

    private static Seen? PropertyOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("correlationId"u8) ? Seen.CorrelationId
        : reader.ValueTextEquals("causationId"u8) ? Seen.CausationId
        : reader.ValueTextEquals("commandId"u8) ? Seen.CommandId
        : reader.ValueTextEquals("storeId"u8) ? Seen.StoreId
        : reader.ValueTextEquals("actor"u8) ? Seen.Actor
        : reader.ValueTextEquals("occurredAt"u8) ? Seen.OccurredAt
        : reader.ValueTextEquals("commandType"u8) ? Seen.CommandType
        : reader.ValueTextEquals("commandHash"u8) ? Seen.CommandHash
        : reader.ValueTextEquals("hashVersion"u8) ? Seen.HashVersion
        : reader.ValueTextEquals("prevHash"u8) ? Seen.PrevHash
        : reader.ValueTextEquals("hash"u8) ? Seen.Hash
        : null;

    /// <summary>A string or null; <paramref name="same"/> is taken instead of a new string when the text equals it.</summary>
    private static bool TryText(ref Utf8JsonReader reader, string? same, out string? text)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                text = null;
                return true;
            case JsonTokenType.String:
                text = same is not null && !reader.ValueIsEscaped && reader.ValueTextEquals(same) ? same : reader.GetString();
                return true;
            default:
                text = null;
                return false;
        }
    }

    private static bool TryNumber(ref Utf8JsonReader reader, out int? number)
    {
        number = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
        {
            number = value;
            return true;
        }

        return false;
    }

    /// <summary>The actor as written: <c>{"kind":"Agent","id":"…"}</c> in that order, the kind by its exact name, or null.</summary>
    private static bool TryActor(ref Utf8JsonReader reader, out Actor? actor)
    {
        actor = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || !reader.ValueTextEquals("kind"u8)
            || !reader.Read() || reader.TokenType != JsonTokenType.String || KindOf(ref reader) is not { } kind
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || !reader.ValueTextEquals("id"u8)
            || !reader.Read() || !TryText(ref reader, null, out var id)
            || !reader.Read() || reader.TokenType != JsonTokenType.EndObject)
        {
            return false;
        }

        actor = new Actor(kind, id!);
        return true;
    }

    private static ActorKind? KindOf(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? null
        : reader.ValueTextEquals("Customer"u8) ? ActorKind.Customer
        : reader.ValueTextEquals("Agent"u8) ? ActorKind.Agent
        : reader.ValueTextEquals("Bot"u8) ? ActorKind.Bot
        : reader.ValueTextEquals("System"u8) ? ActorKind.System
        : null;
}
