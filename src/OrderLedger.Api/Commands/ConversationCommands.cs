using OrderLedger.Domain.Conversations;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Customer-service conversations (stream <c>conversation-{conversationId}</c>): messages, hand-offs, replies,
/// resolution, ratings and NPS. Message ids default to a new id; the agent of an assignment or reply defaults to the caller.
/// </summary>
public static class ConversationCommands
{
    public static void MapConversationCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<StartConversationBody>("/conversations/{conversationId}", "Start a conversation (a second open one about the same order is escalated; its priority comes of the store's VIP rule and the stated urgency).", (b, f) =>
            new StartConversation(
                f.Route("conversationId"), f.Text(b.StoreId), f.Text(b.CustomerId), f.Text(b.Channel), string.IsNullOrWhiteSpace(b.OrderId) ? null : b.OrderId, b.BotEnabled ?? false,
                b.UnresolvedAboutSameOrder is null ? [] : f.List(b.UnresolvedAboutSameOrder), f.OccurredAt) { Urgency = b.Urgency ?? IssueUrgency.None });
        api.MapCommand<UrgencyBody>("/conversations/{conversationId}/urgency", "State the issue's urgency (None clears it); the priority follows: VIP, else urgent, else normal.", (b, f) =>
            new SetConversationUrgency(f.Route("conversationId"), f.Value(b.Urgency), f.OccurredAt));
        api.MapCommand<ClassificationBody>("/conversations/{conversationId}/classification", "Classify the conversation: category, complaint or not, tags (replaces the previous classification, also after the resolution; staff only).", (b, f) =>
            new ClassifyConversation(f.Route("conversationId"), f.Value(b.Category), f.Value(b.IsComplaint), b.Tags is null ? [] : f.List(b.Tags), f.OccurredAt))
            .RequireAuthorization(Security.Policies.StaffCommands);
        api.MapCommand<MessageBody>("/conversations/{conversationId}/messages", "Record a customer message (reopens a resolved conversation).", (b, f) =>
            new ReceiveCustomerMessage(f.Route("conversationId"), b.MessageId ?? NewId(), f.Text(b.Text), f.OccurredAt));
        api.MapCommand<MessageBody>("/conversations/{conversationId}/bot-replies", "Record a bot reply.", (b, f) =>
            new SendBotReply(f.Route("conversationId"), b.MessageId ?? NewId(), f.Text(b.Text), f.OccurredAt));
        api.MapCommand<ReasonBody>("/conversations/{conversationId}/handoff", "Hand the conversation off to a human.", (b, f) =>
            new HandOffToHuman(f.Route("conversationId"), f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<AssignAgentBody>("/conversations/{conversationId}/assignment", "Assign an agent (defaults to the caller).", (b, f) =>
            new AssignAgent(f.Route("conversationId"), b.AgentId ?? f.Caller, f.OccurredAt));
        api.MapCommand<AgentReplyBody>("/conversations/{conversationId}/agent-replies", "Record a human agent's reply (needs an assigned agent).", (b, f) =>
            new SendAgentReply(f.Route("conversationId"), b.AgentId ?? f.Caller, b.MessageId ?? NewId(), f.Text(b.Text), f.OccurredAt));
        api.MapCommand<ReasonBody>("/conversations/{conversationId}/escalation", "Escalate the conversation.", (b, f) =>
            new EscalateConversation(f.Route("conversationId"), f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<EscalationResolutionBody>("/conversations/{conversationId}/escalation-resolution", "Give an escalation's written resolution: what was decided, the compensation, the improvement (the author defaults to the caller; staff only).", (b, f) =>
            new WriteEscalationResolution(f.Route("conversationId"), b.WrittenBy ?? f.Caller, f.Text(b.Resolution), b.Compensation, f.Text(b.Improvement), f.OccurredAt))
            .RequireAuthorization(Security.Policies.StaffCommands);
        api.MapCommand<ResolveBody>("/conversations/{conversationId}/resolution", "Resolve the conversation.", (b, f) =>
            new ResolveConversation(f.Route("conversationId"), b.ResolvedBy ?? f.Caller, f.OccurredAt));
        api.MapCommand<RatingBody>("/conversations/{conversationId}/satisfaction", "Record the customer's satisfaction rating.", (b, f) =>
            new RateSatisfaction(f.Route("conversationId"), f.Value(b.Rating), f.OccurredAt));
        api.MapCommand<EmptyBody>("/conversations/{conversationId}/nps-survey", "Record that the NPS survey was sent.", (_, f) =>
            new SendNpsSurvey(f.Route("conversationId"), f.OccurredAt));
        api.MapCommand<NpsAnswerBody>("/conversations/{conversationId}/nps-answer", "Record the customer's NPS answer (0–10).", (b, f) =>
            new AnswerNps(f.Route("conversationId"), f.Value(b.Score), f.OccurredAt));
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}

public sealed record StartConversationBody(
    string? StoreId, string? CustomerId, string? Channel, string? OrderId, bool? BotEnabled, IReadOnlyList<string?>? UnresolvedAboutSameOrder) : CommandBody
{
    /// <summary>The issue's urgency (an overdue order, a damaged parcel…); left out: an ordinary question.</summary>
    public IssueUrgency? Urgency { get; init; }
}

public sealed record UrgencyBody(IssueUrgency? Urgency) : CommandBody;

/// <param name="Tags">Free tags (at most 10, each 1–32 characters, no two alike but for case); left out: none.</param>
public sealed record ClassificationBody(ConversationCategory? Category, bool? IsComplaint, IReadOnlyList<string?>? Tags) : CommandBody;

public sealed record MessageBody(string? Text, string? MessageId) : CommandBody;

public sealed record AssignAgentBody(string? AgentId) : CommandBody;

public sealed record AgentReplyBody(string? Text, string? AgentId, string? MessageId) : CommandBody;

/// <param name="Compensation">What the customer is given (a coupon, a partial refund…); left out when nothing is.</param>
public sealed record EscalationResolutionBody(string? Resolution, string? Compensation, string? Improvement, string? WrittenBy) : CommandBody;

public sealed record ResolveBody(string? ResolvedBy) : CommandBody;

public sealed record RatingBody(SatisfactionRating? Rating) : CommandBody;

public sealed record NpsAnswerBody(int? Score) : CommandBody;
