using System.Security.Cryptography;
using System.Text;

namespace OrderLedger.EventStore.Serialization;

/// <summary>
/// Event ids derived from the command that produced them, so a retried command yields the same ids and the
/// store recognises the retry (idempotent append).
/// </summary>
public static class EventIds
{
    /// <summary>
    /// The id of a command's event number <paramref name="index"/>, scoped by the store the events belong to: command ids
    /// are chosen by callers, and without the scope one store could take an id another store's connector will send
    /// (its command would then be refused as a reused id).
    /// </summary>
    public static Guid Of(CommandContext context, int index) =>
        For(context.StoreId is { Length: > 0 } store ? $"{store.Length}:{store}/{context.CommandId}" : context.CommandId, index);

    public static Guid For(string commandId, int index)
    {
        ArgumentException.ThrowIfNullOrEmpty(commandId);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"orderledger-event:{commandId}:{index}"));
        var bytes = hash.AsSpan(0, 16);
        // Mark as an RFC 9562 name-based UUID (version 8, variant 10) so it cannot collide with random v4 ids.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
