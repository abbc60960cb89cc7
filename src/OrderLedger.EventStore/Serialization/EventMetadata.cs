using System.Text.Json.Serialization;

namespace OrderLedger.EventStore.Serialization;

public enum ActorKind
{
    Customer,
    Agent,
    Bot,
    System,
}

public sealed record Actor(ActorKind Kind, string Id)
{
    public static Actor System(string id) => new(ActorKind.System, id);
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Id}";
}

/// <summary>Metadata every event carries (brief §2); <see cref="PrevHash"/> and <see cref="Hash"/> chain the stream (brief §6).</summary>
/// <param name="CommandType">The command that produced the event (its type name), to name it when its id is used again.</param>
/// <param name="CommandHash">The command's <see cref="CommandFingerprint"/>: a repeat of the id with another payload is refused.</param>
/// <param name="HashVersion">The hash scheme the event was sealed with (<see cref="Audit.HashChain"/>): absent for v1, 2 since v2.</param>
public sealed record EventMetadata(
    string CorrelationId,
    string CausationId,
    string CommandId,
    string? StoreId,
    Actor Actor,
    DateTimeOffset OccurredAt,
    string? CommandType = null,
    string? CommandHash = null,
    int? HashVersion = null,
    string? PrevHash = null,
    string? Hash = null);

/// <summary>Who asked for a change, on whose behalf and when (business time); becomes every resulting event's metadata.</summary>
public sealed record CommandContext(
    string CommandId,
    Actor Actor,
    DateTimeOffset OccurredAt,
    string? StoreId = null,
    string? CorrelationId = null,
    string? CausationId = null,
    CommandFingerprint? Fingerprint = null);

/// <summary>
/// What a command asked for, in short: its type and a hash of its payload. Recorded on its events so that a commandId
/// sent again with another command or payload is told apart from a retry (which replays).
/// </summary>
public sealed record CommandFingerprint(string Type, string Hash);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EventMetadata))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
