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
/// <remarks>
/// One writer per inbox stream in this process, committing in groups: the notifications that arrive while an append
/// is in flight go into the next append together (at most <see cref="MaxGroup"/>), and each caller is answered once its
/// group is stored. One append at a time per stream means a burst does not race for the stream's next revision and use
/// up the handler's retries (other hosts still race, and those retries cover them); the groups mean that a burst costs
/// one round trip per group rather than one per notification.
/// </remarks>
public sealed class ConnectorInbox(CommandService commands, EventTypeRegistry registry, TimeProvider time)
{
    public const int MaxGroup = 100;

    private readonly ConcurrentDictionary<string, InboxWriter> _writers = new(StringComparer.Ordinal);

    public Task<AppendResult> AppendAsync(string channel, string storeId, string message, CancellationToken cancellationToken)
    {
        var writer = _writers.GetOrAdd(Channels.InboxStream(channel, storeId), _ => new InboxWriter(channel, storeId));
        var received = new InboxNotificationReceived(Channels.InboxId(channel, storeId), storeId, channel, Receiving.PlatformMessage.FormatOf(message), message, time.GetUtcNow());
        var pending = new PendingNotification(received, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (writer.Enqueue(pending))
        {
            // Not awaited: the group is stored whether or not the caller that started it is still waiting.
            _ = Task.Run(() => WriteGroupsAsync(writer), CancellationToken.None);
        }

        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteGroupsAsync(InboxWriter writer)
    {
        while (writer.NextGroup() is { } group)
        {
            try
            {
                var result = await AppendGroupAsync(writer, group);
                group.ForEach(p => p.Stored.SetResult(result));
            }
            catch (Exception ex)
            {
                group.ForEach(p => p.Stored.SetException(ex));
            }
        }
    }

    private Task<AppendResult> AppendGroupAsync(InboxWriter writer, List<PendingNotification> group)
    {
        var newest = group.Max(p => p.Notification.OccurredAt);
        var context = new CommandContext($"inbox/{writer.Channel}/{Guid.NewGuid():N}", Actor.System($"connector-{writer.Channel}"), newest, writer.StoreId);
        return commands.Handler.AppendRawAsync(
            Channels.InboxStream(writer.Channel, writer.StoreId), ExpectedRevision.Any,
            [.. group.Select(p => registry.Serialize(p.Notification))], context, CancellationToken.None);
    }

    private sealed record PendingNotification(InboxNotificationReceived Notification, TaskCompletionSource<AppendResult> Stored);

    private sealed class InboxWriter(string channel, string storeId)
    {
        private readonly Queue<PendingNotification> _queue = new();
        private bool _writing;

        public string Channel { get; } = channel;

        public string StoreId { get; } = storeId;

        /// <summary>Queues the notification; true when no group is being written, so the caller must start the writing.</summary>
        public bool Enqueue(PendingNotification pending)
        {
            lock (_queue)
            {
                _queue.Enqueue(pending);
                if (_writing)
                {
                    return false;
                }

                _writing = true;
                return true;
            }
        }

        /// <summary>The next group to write, or null (and the writing stops) when nothing is waiting.</summary>
        public List<PendingNotification>? NextGroup()
        {
            lock (_queue)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return null;
                }

                var group = new List<PendingNotification>(Math.Min(_queue.Count, MaxGroup));
                while (group.Count < MaxGroup && _queue.TryDequeue(out var next))
                {
                    group.Add(next);
                }

                return group;
            }
        }
    }
}
