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
public sealed record EventMetadata(
    string CorrelationId,
    string CausationId,
    string CommandId,
    string? StoreId,
    Actor Actor,
    DateTimeOffset OccurredAt,
    string? PrevHash = null,
    string? Hash = null);

/// <summary>Who asked for a change, on whose behalf and when (business time); becomes every resulting event's metadata.</summary>
public sealed record CommandContext(
    string CommandId,
    Actor Actor,
    DateTimeOffset OccurredAt,
    string? StoreId = null,
    string? CorrelationId = null,
    string? CausationId = null);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EventMetadata))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
