using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OrderLedger.Domain;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.CommandHandling;

/// <summary>
/// A command's identity for idempotency: its type and a SHA-256 of its payload as the caller gave it. Left out are the
/// business time (a retry without <c>occurredAt</c> gets a new server time) and the fields the handler looks up
/// (<see cref="LookedUpAttribute"/>), which may differ between the first attempt and a retry.
/// </summary>
public static class CommandFingerprints
{
    private static readonly JsonSerializerOptions Canonical = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutTimeAndLookUps } },
        Converters = { new JsonStringEnumConverter() },
    };

    public static CommandFingerprint Of(object command)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(command, command.GetType(), Canonical);
        return new CommandFingerprint(command.GetType().Name, Convert.ToHexStringLower(SHA256.HashData(payload).AsSpan(0, 16)));
    }

    /// <summary>The context of <paramref name="command"/>, fingerprinted unless a caller upstream already did (a workflow's steps share the original's).</summary>
    public static CommandContext WithFingerprintOf(this CommandContext context, object command) =>
        context.Fingerprint is null ? context with { Fingerprint = Of(command) } : context;

    /// <summary>
    /// <c>command.id-reused</c> when the stream's events of this commandId were written by another command or payload;
    /// null for a genuine retry, and for events written before fingerprints were recorded.
    /// </summary>
    public static DomainError? Reused(CommandContext context, RecordedCommand? original) =>
        original is { Hash: { } hash } && context.Fingerprint is { } current && (hash != current.Hash || original.Type != current.Type)
            ? DomainError.Invalid(
                CommandHandler.CommandIdReusedRule,
                $"Command id {context.CommandId} was already used for {original.Type} at {original.RecordedAt:O}; a retry must repeat that command exactly, a new command needs a new id.")
            : null;

    private static void LeaveOutTimeAndLookUps(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            var property = type.Properties[i];
            var lookedUp = property.AttributeProvider is ICustomAttributeProvider provider && provider.IsDefined(typeof(LookedUpAttribute), inherit: true);
            if (lookedUp || (property.Name == nameof(IDomainCommand.OccurredAt) && typeof(IDomainCommand).IsAssignableFrom(type.Type)))
            {
                type.Properties.RemoveAt(i);
            }
        }
    }
}

/// <summary>The command that wrote a stream's events of one commandId, as recorded in their metadata.</summary>
public sealed record RecordedCommand(string? Type, string? Hash, DateTimeOffset RecordedAt);
