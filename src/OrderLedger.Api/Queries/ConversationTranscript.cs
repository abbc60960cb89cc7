using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Api.Queries;

/// <summary>
/// One line of a conversation's transcript. <see cref="Kind"/>: <c>customer</c>, <c>bot</c>, <c>agent</c> (messages, with
/// their full text), or what happened to the conversation: <c>started</c>, <c>handed-off</c>, <c>assigned</c>,
/// <c>escalated</c>, <c>resolved</c>, <c>reopened</c>, <c>rated</c>, <c>nps-survey</c>, <c>nps-answered</c>,
/// <c>deadline-missed</c>, <c>written-resolution</c> (an escalation's written answer: its text, then the compensation
/// and the improvement on lines of their own), <c>work-order-opened</c> (the department, then the summary) and
/// <c>work-order-closed</c> (the department, then the resolution it came back with). <see cref="Author"/>: the agent who replied, was assigned, resolved or
/// wrote the resolution.
/// </summary>
public sealed record TranscriptEntry(ulong Revision, DateTimeOffset OccurredAt, string Kind, string? Author, string? Text, string? MessageId);

/// <summary>A conversation's whole transcript, read from its own stream (so never behind the read models), oldest first.</summary>
public sealed record ConversationTranscript(string ConversationId, string StoreId, IReadOnlyList<TranscriptEntry> Entries)
{
    /// <summary>The transcript of the conversation's stream; null when the stream does not exist.</summary>
    public static async Task<ConversationTranscript?> ReadAsync(IEventStore store, EventCodec codec, string conversationId, CancellationToken cancellationToken)
    {
        var entries = new List<TranscriptEntry>();
        string? storeId = null;
        await foreach (var record in store.ReadStreamAsync(StreamIds.Conversation(conversationId), StreamReadOptions.All, cancellationToken))
        {
            var decoded = codec.Decode(record);
            storeId ??= decoded.Metadata?.StoreId ?? (decoded.Event as ConversationStarted)?.StoreId;
            var occurredAt = decoded.Metadata?.OccurredAt ?? record.Created;
            if (EntryOf(decoded.Event) is var (kind, author, text, messageId))
            {
                entries.Add(new TranscriptEntry(record.Revision, occurredAt, kind, author, text, messageId));
            }
        }

        return storeId is null ? null : new ConversationTranscript(conversationId, storeId, entries);
    }

    private static (string Kind, string? Author, string? Text, string? MessageId)? EntryOf(object e) => e switch
    {
        CustomerMessageReceived m => ("customer", null, m.Text, m.MessageId),
        BotReplied m => ("bot", null, m.Text, m.MessageId),
        AgentReplied m => ("agent", m.AgentId, m.Text, m.MessageId),
        ConversationStarted s => ("started", null, s.OrderId is null ? s.Channel : $"{s.Channel} · {s.OrderId}", null),
        ConversationHandedOff h => ("handed-off", null, h.Reason, null),
        AgentAssigned a => ("assigned", a.AgentId, null, null),
        ConversationEscalated x => ("escalated", null, x.Reason, null),
        ConversationResolved r => ("resolved", r.ResolvedBy, null, null),
        ConversationReopened => ("reopened", null, null, null),
        SatisfactionRated r => ("rated", null, r.Rating.ToString(), null),
        NpsSurveySent => ("nps-survey", null, null, null),
        NpsAnswered n => ("nps-answered", null, $"{n.Score}/10", null),
        EscalationDeadlineMissed => ("deadline-missed", null, null, null),
        EscalationTeamAssigned t => ("escalation-team", t.SeniorAgentId, $"{t.SeniorAgentId} (senior agent), {t.SupervisorId} (supervisor)", null),
        EscalationResolutionWritten w => ("written-resolution", w.WrittenBy, WrittenResolution(w), null),
        ConversationWorkOrderOpened w => ("work-order-opened", null, $"{w.Department} · {w.TicketId}\n{w.Summary}", null),
        ConversationWorkOrderClosed w => ("work-order-closed", null, $"{w.Department} · {w.TicketId}\n{w.Resolution}", null),
        _ => null,
    };

    private static string WrittenResolution(EscalationResolutionWritten w) =>
        $"{w.Resolution}\nCompensation: {w.Compensation ?? "none"}\nImprovement: {w.Improvement}";
}
