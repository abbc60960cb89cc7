using System.Collections.Concurrent;
using OrderLedger.Application;
using OrderLedger.Domain.Inbox;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Connectors.Inbox;

/// <summary>
/// Keeps a verified notification as it arrived, on <c>inbox-{channel}-{storeId}</c>, before the platform gets its
/// answer: a crash after this loses nothing (the worker picks it up), and the raw input stays auditable. Every delivery
/// is kept, retries included; the commands made of them dedupe on the platform's ids.
/// </summary>
public sealed class ConnectorInbox(CommandService commands, EventTypeRegistry registry, TimeProvider time)
{
    // One writer per inbox stream in this process: a burst of callbacks for one store would otherwise race for the
    // stream's next revision and use up the handler's retries (other hosts still race, and those retries cover them).
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);

    public async Task<AppendResult> AppendAsync(string channel, string storeId, string message, CancellationToken cancellationToken)
    {
        var writer = _writers.GetOrAdd(Channels.InboxStream(channel, storeId), _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(cancellationToken);
        try
        {
            return await AppendOneAsync(channel, storeId, message, cancellationToken);
        }
        finally
        {
            writer.Release();
        }
    }

    private async Task<AppendResult> AppendOneAsync(string channel, string storeId, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var received = new InboxNotificationReceived(Channels.InboxId(channel, storeId), storeId, channel, Receiving.PlatformMessage.FormatOf(message), message, now);
        var context = new CommandContext($"inbox/{channel}/{Guid.NewGuid():N}", Actor.System($"connector-{channel}"), now, storeId);
        return await commands.Handler.AppendRawAsync(
            Channels.InboxStream(channel, storeId), ExpectedRevision.Any, [registry.Serialize(received)], context, cancellationToken);
    }
}
