using OrderLedger.EventStore.EventStoreDb.Protocol;

namespace OrderLedger.EventStore.EventStoreDb;

/// <summary>
/// Turns a $all subscription's responses into the port's messages, across reconnections:
/// <list type="bullet">
/// <item>remembers the last position delivered (event, checkpoint or caught-up point): the next subscription
/// resumes strictly after it, and anything at or before it that a resumed subscription sends again is dropped;</item>
/// <item>drops system events ($-types) a caller's prefix filter let through;</item>
/// <item>reports <see cref="SubscriptionMessage.CaughtUp"/> once: on the server's caught_up (newer servers), or,
/// for servers that never send it, as soon as the subscription reaches the newest matching event that existed
/// when it started (<paramref name="head"/>), or at confirmation when it starts at or past that event;</item>
/// <item>passes checkpoints on only for a caller's filter (the default system-event filter is an implementation detail).</item>
/// </list>
/// fell_behind is ignored: the subscription stays "caught up" in the port's sense.
/// </summary>
internal sealed class SubscriptionTracker(Position? after, bool emitCheckpoints, Position? head)
{
    private bool _caughtUp;

    /// <summary>Where a (re)subscription starts, exclusively; null = the start of $all.</summary>
    public Position? ResumeAfter { get; private set; } = after == Position.Start ? null : after;

    public bool IsCaughtUp => _caughtUp;

    public IReadOnlyList<SubscriptionMessage> Handle(ReadResp response)
    {
        var messages = new List<SubscriptionMessage>(2);
        switch (response.ContentCase)
        {
            case ReadResp.ContentOneofCase.Confirmation:
                if (head is null || (ResumeAfter is { } start && start >= head.Value))
                {
                    MarkCaughtUp(messages, ResumeAfter ?? Position.Start);
                }

                break;

            case ReadResp.ContentOneofCase.Event:
                var record = ProtocolMapping.ToRecordedEvent(response.Event);
                if (ResumeAfter is { } last && record.Position <= last)
                {
                    break;
                }

                ResumeAfter = record.Position;
                if (!ProtocolMapping.IsSystemEventType(record.Type))
                {
                    messages.Add(new SubscriptionMessage.Event(record));
                }

                if (head is { } newest && record.Position >= newest)
                {
                    MarkCaughtUp(messages, record.Position);
                }

                break;

            case ReadResp.ContentOneofCase.Checkpoint:
                var checkpoint = ProtocolMapping.ToPosition(response.Checkpoint);
                if (ResumeAfter is { } previous && checkpoint <= previous)
                {
                    break;
                }

                ResumeAfter = checkpoint;
                if (emitCheckpoints)
                {
                    messages.Add(new SubscriptionMessage.Checkpoint(checkpoint));
                }

                if (head is { } reached && checkpoint >= reached)
                {
                    MarkCaughtUp(messages, checkpoint);
                }

                break;

            case ReadResp.ContentOneofCase.CaughtUp:
                if (response.CaughtUp.Position is { } position && (ResumeAfter is null || ProtocolMapping.ToPosition(position) > ResumeAfter.Value))
                {
                    ResumeAfter = ProtocolMapping.ToPosition(position);
                }

                MarkCaughtUp(messages, ResumeAfter ?? Position.Start);
                break;
        }

        return messages;
    }

    private void MarkCaughtUp(List<SubscriptionMessage> messages, Position position)
    {
        if (!_caughtUp)
        {
            _caughtUp = true;
            messages.Add(new SubscriptionMessage.CaughtUp(position));
        }
    }
}
