using System.Collections.Immutable;

namespace OrderLedger.Domain.Conversations;

// ---- Commands ----------------------------------------------------------------------------------------------

public abstract record ConversationCommand(string ConversationId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <param name="BotEnabled">Whether the channel has a bot; without one the conversation starts in human mode.</param>
/// <param name="UnresolvedAboutSameOrder">
/// Other unresolved conversations of the same customer about the same order (looked up by the caller). A second
/// unresolved contact about one order is escalated at once.
/// </param>
public sealed record StartConversation(
    string ConversationId,
    string StoreId,
    string CustomerId,
    string Channel,
    string? OrderId,
    bool BotEnabled,
    [property: LookedUp] IReadOnlyList<string> UnresolvedAboutSameOrder,
    DateTimeOffset OccurredAt) : ConversationCommand(ConversationId)
{
    /// <summary>
    /// For a contact about no order: the customer's other unresolved conversations about no order that started within
    /// <see cref="ConversationDecider.RepeatContactDays"/> before this one (looked up by the caller). Such a second
    /// contact is escalated at once, as a second contact about one order is.
    /// </summary>
    [LookedUp]
    public IReadOnlyList<string> RecentUnresolvedWithoutOrder { get; init; } = [];

    /// <summary>
    /// The customer's standing under the store's VIP rule (looked up by the caller: paid amount of the last 12 months,
    /// member level, the rule); null: a regular customer.
    /// </summary>
    [LookedUp]
    public CustomerStanding? Standing { get; init; }

    /// <summary>The issue's urgency as the starter states it (an ordinary question unless said).</summary>
    public IssueUrgency Urgency { get; init; } = IssueUrgency.None;

    /// <summary>Why the system opened this case before the customer complained; null: the customer (or an agent) started it.</summary>
    public ProactiveReason? ProactiveReason { get; init; }
}

/// <summary>An agent or supervisor states (or clears) the issue's urgency; the priority follows (<see cref="ConversationPriorities.Of"/>).</summary>
public sealed record SetConversationUrgency(string ConversationId, IssueUrgency Urgency, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record ReceiveCustomerMessage(string ConversationId, string MessageId, string Text, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record SendBotReply(string ConversationId, string MessageId, string Text, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record HandOffToHuman(string ConversationId, string Reason, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record AssignAgent(string ConversationId, string AgentId, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record SendAgentReply(string ConversationId, string AgentId, string MessageId, string Text, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record EscalateConversation(string ConversationId, string Reason, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record ResolveConversation(string ConversationId, string ResolvedBy, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record RateSatisfaction(string ConversationId, SatisfactionRating Rating, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record SendNpsSurvey(string ConversationId, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

public sealed record AnswerNps(string ConversationId, int Score, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

/// <summary>Sent by the escalation reactor when an escalated conversation is still unresolved at its resolution deadline.</summary>
public sealed record RecordEscalationDeadlineMissed(string ConversationId, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

/// <summary>
/// The written resolution an escalation owes the customer within <see cref="ConversationDecider.EscalationResolutionHours"/>:
/// what was decided, the compensation given (none: null) and what changes so it does not happen again. It is part of
/// the conversation the customer sees (the transcript and the customer's timeline).
/// </summary>
public sealed record WriteEscalationResolution(
    string ConversationId, string WrittenBy, string Resolution, string? Compensation, string Improvement, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

/// <summary>
/// Sent by the assignment reactor: the agent the roster chose takes the conversation from the queue. Unlike
/// <see cref="AssignAgent"/> it never reassigns: a conversation someone claimed meanwhile stays theirs.
/// </summary>
public sealed record RouteToAgent(string ConversationId, string AgentId, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

/// <summary>Sent by the assignment reactor: the senior agent and the supervisor on shift take the current escalation together.</summary>
public sealed record AssignEscalationTeam(string ConversationId, string SeniorAgentId, string SupervisorId, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

/// <summary>What made the proactive-case reactor open a case (docs/domain.md, "Proactive cases").</summary>
public enum ProactiveReason
{
    /// <summary>Paid and not handed to the carrier within the store's shipping promise.</summary>
    PaidNotShipped,

    /// <summary>A parcel with the carrier and no scan for the store's hours.</summary>
    NoTrackingScan,

    /// <summary>The order was rejected because a line could not be reserved.</summary>
    UnreservableLine,
}

public enum ConversationMode
{
    Bot,
    Human,
}

public enum SatisfactionRating
{
    Satisfied,
    Neutral,
    Dissatisfied,
}

// ---- Events ------------------------------------------------------------------------------------------------

/// <summary>
/// A fact on a conversation's stream, <c>conversation-{ConversationId}</c>. Every event of the family carries the id; each event's
/// positional parameter overrides the abstract property, which keeps the JSON as it was (docs/domain.md, "event ids").
/// </summary>
public abstract record ConversationEvent
{
    public abstract string ConversationId { get; init; }
}

public sealed record ConversationStarted(
    string ConversationId,
    string StoreId,
    string CustomerId,
    string Channel,
    string? OrderId,
    ConversationMode Mode,
    DateTimeOffset OccurredAt) : ConversationEvent, IStoreScoped
{
    /// <summary>
    /// Why the system opened the case; null (and left out of the JSON): the customer or an agent started it. A body
    /// property, not a positional one, so it is the payload's last field and older payloads stay as they were.
    /// </summary>
    public ProactiveReason? ProactiveReason { get; init; }
}

/// <summary>
/// The conversation's priority from its customer's tier and its issue's urgency; recorded at the start when it is not
/// <see cref="ConversationPriority.Normal"/> (no event: normal) and whenever the urgency changes.
/// </summary>
public sealed record ConversationPrioritySet(
    string ConversationId, ConversationPriority Priority, CustomerTier Tier, IssueUrgency Urgency, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record CustomerMessageReceived(string ConversationId, string MessageId, string Text, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record BotReplied(string ConversationId, string MessageId, string Text, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record ConversationHandedOff(string ConversationId, string Reason, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record AgentAssigned(string ConversationId, string AgentId, string? PreviousAgentId, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record AgentReplied(string ConversationId, string AgentId, string MessageId, string Text, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record ConversationEscalated(string ConversationId, string Reason, IReadOnlyList<string> RelatedConversationIds, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record ConversationResolved(string ConversationId, string ResolvedBy, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record ConversationReopened(string ConversationId, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record SatisfactionRated(string ConversationId, SatisfactionRating Rating, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record NpsSurveySent(string ConversationId, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record NpsAnswered(string ConversationId, int Score, DateTimeOffset OccurredAt) : ConversationEvent;

/// <summary>An escalated conversation was still unresolved at its deadline (<see cref="ConversationDecider.EscalationResolutionHours"/> after the escalation).</summary>
public sealed record EscalationDeadlineMissed(string ConversationId, DateTimeOffset EscalatedAt, DateTimeOffset DeadlineAt, DateTimeOffset OccurredAt) : ConversationEvent;

/// <param name="DeadlineAt">The escalation's deadline; written after it, the resolution is late (and the miss was recorded).</param>
public sealed record EscalationResolutionWritten(
    string ConversationId,
    string WrittenBy,
    string Resolution,
    string? Compensation,
    string Improvement,
    DateTimeOffset EscalatedAt,
    DateTimeOffset DeadlineAt,
    DateTimeOffset OccurredAt) : ConversationEvent;

/// <param name="EscalatedAt">The escalation the team was assigned to.</param>
public sealed record EscalationTeamAssigned(
    string ConversationId, string SeniorAgentId, string SupervisorId, DateTimeOffset EscalatedAt, DateTimeOffset OccurredAt) : ConversationEvent;

// ---- State -------------------------------------------------------------------------------------------------

public enum ConversationStatus
{
    None,
    Open,
    Resolved,
}

public sealed record ConversationState(
    ConversationStatus Status,
    string ConversationId,
    string StoreId,
    string? OrderId,
    ConversationMode Mode,
    string? AssignedAgent,
    bool Escalated,
    bool RatedSinceResolution,
    bool SurveySent,
    bool NpsAnswered,
    int Reopens,
    ImmutableHashSet<string> MessageIds) : IStoreScoped
{
    /// <summary>When the current escalation happened (null when not escalated).</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>The current escalation's deadline was missed (recorded once per escalation).</summary>
    public bool DeadlineMissed { get; init; }

    /// <summary>The current escalation's written resolution was given.</summary>
    public bool ResolutionWritten { get; init; }

    public CustomerTier Tier { get; init; } = CustomerTier.Regular;

    public IssueUrgency Urgency { get; init; } = IssueUrgency.None;

    public ConversationPriority Priority { get; init; } = ConversationPriority.Normal;

    /// <summary>The last escalation team assigned (null: none yet); it staffs the current escalation when its <c>EscalatedAt</c> is the current one's.</summary>
    public EscalationTeamAssigned? EscalationTeam { get; init; }

    /// <summary>The latest classification (null: not classified yet).</summary>
    public ConversationClassification? Classification { get; init; }

    /// <summary>The team of the escalation in progress, if one was assigned to it.</summary>
    public EscalationTeamAssigned? CurrentEscalationTeam => EscalationTeam is { } team && team.EscalatedAt == EscalatedAt ? team : null;

    public static ConversationState Initial { get; } =
        new(ConversationStatus.None, "", "", null, ConversationMode.Bot, null, false, false, false, false, 0, ImmutableHashSet<string>.Empty);
}

// ---- Decider -----------------------------------------------------------------------------------------------

/// <summary>A customer-service conversation (stream <c>conversation-{conversationId}</c>).</summary>
public static class ConversationDecider
{
    public const string RepeatContactReason = "repeat-contact";

    /// <summary><see cref="HandOffToHuman.Reason"/> when the bot hand-off reactor moved a customer the bot left without a useful answer.</summary>
    public const string BotNoAnswerReason = "bot-no-answer";

    /// <summary><see cref="ResolveConversation.ResolvedBy"/> when the customer closed the conversation (a withdrawal, docs/metrics.md).</summary>
    public const string ResolvedByCustomer = "customer";

    /// <summary><see cref="ResolveConversation.ResolvedBy"/> when the bot resolved the conversation.</summary>
    public const string ResolvedByBot = "bot";

    /// <summary>Two unresolved contacts of one customer about no order within this many days are the same problem.</summary>
    public const int RepeatContactDays = 7;

    /// <summary>An escalated conversation is to be resolved within this many hours; a miss is recorded.</summary>
    public const int EscalationResolutionHours = 48;

    public static Decider<ConversationCommand, ConversationEvent, ConversationState> Decider { get; } = new(Decide, Evolve, ConversationState.Initial);

    public static Decision<ConversationEvent> Decide(ConversationCommand command, ConversationState state) => (command, state.Status) switch
    {
        (StartConversation c, ConversationStatus.None) => Start(c),
        (StartConversation, _) => Decision<ConversationEvent>.Nothing,
        (_, ConversationStatus.None) => DomainError.Conflict("conversation.not-found", $"Conversation {command.ConversationId} was not started."),

        (ReceiveCustomerMessage c, _) when state.MessageIds.Contains(c.MessageId) => Decision<ConversationEvent>.Nothing,
        (ReceiveCustomerMessage c, ConversationStatus.Resolved) => new ConversationEvent[]
        {
            new ConversationReopened(c.ConversationId, c.OccurredAt),
            new CustomerMessageReceived(c.ConversationId, c.MessageId, c.Text, c.OccurredAt),
        },
        (ReceiveCustomerMessage c, _) => new CustomerMessageReceived(c.ConversationId, c.MessageId, c.Text, c.OccurredAt),

        (SendBotReply c, _) when state.MessageIds.Contains(c.MessageId) => Decision<ConversationEvent>.Nothing,
        (SendBotReply, ConversationStatus.Resolved) => Resolved(),
        (SendBotReply c, _) => new BotReplied(c.ConversationId, c.MessageId, c.Text, c.OccurredAt),

        (HandOffToHuman, ConversationStatus.Resolved) => Resolved(),
        (HandOffToHuman, _) when state.Mode == ConversationMode.Human => Decision<ConversationEvent>.Nothing,
        (HandOffToHuman c, _) => new ConversationHandedOff(c.ConversationId, c.Reason, c.OccurredAt),

        (AssignAgent, ConversationStatus.Resolved) => Resolved(),
        (AssignAgent, _) when state.Mode == ConversationMode.Bot =>
            DomainError.Conflict("conversation.not-handed-off", "Hand the conversation off to a human before assigning an agent."),
        (AssignAgent c, _) when c.AgentId == state.AssignedAgent => Decision<ConversationEvent>.Nothing,
        (AssignAgent c, _) => new AgentAssigned(c.ConversationId, c.AgentId, state.AssignedAgent, c.OccurredAt),

        (SendAgentReply c, _) when state.MessageIds.Contains(c.MessageId) => Decision<ConversationEvent>.Nothing,
        (SendAgentReply, ConversationStatus.Resolved) => Resolved(),
        (SendAgentReply c, _) when state.CurrentEscalationTeam is { } team && (c.AgentId == team.SeniorAgentId || c.AgentId == team.SupervisorId) =>
            new AgentReplied(c.ConversationId, c.AgentId, c.MessageId, c.Text, c.OccurredAt),
        (SendAgentReply, _) when state.AssignedAgent is null =>
            DomainError.Conflict("conversation.agent-not-assigned", "An agent replies only once the conversation is assigned."),
        (SendAgentReply c, _) when c.AgentId != state.AssignedAgent =>
            DomainError.Conflict("conversation.assigned-to-another-agent", $"The conversation is assigned to {state.AssignedAgent}, not {c.AgentId}."),
        (SendAgentReply c, _) => new AgentReplied(c.ConversationId, c.AgentId, c.MessageId, c.Text, c.OccurredAt),

        (EscalateConversation, ConversationStatus.Resolved) => Resolved(),
        (EscalateConversation, _) when state.Escalated => Decision<ConversationEvent>.Nothing,
        (EscalateConversation c, _) => new ConversationEscalated(c.ConversationId, c.Reason, [], c.OccurredAt),

        (ResolveConversation, ConversationStatus.Resolved) => Decision<ConversationEvent>.Nothing,
        (ResolveConversation c, _) => new ConversationResolved(c.ConversationId, c.ResolvedBy, c.OccurredAt),

        (RateSatisfaction, ConversationStatus.Open) => DomainError.Conflict("conversation.not-resolved", "Satisfaction is rated after the conversation is resolved."),
        (RateSatisfaction, _) when state.RatedSinceResolution => DomainError.Conflict("conversation.already-rated", "This resolution was already rated."),
        (RateSatisfaction c, _) => new SatisfactionRated(c.ConversationId, c.Rating, c.OccurredAt),

        (SendNpsSurvey, _) when state.SurveySent => Decision<ConversationEvent>.Nothing,
        (SendNpsSurvey, ConversationStatus.Open) => DomainError.Conflict("conversation.not-resolved", "The NPS survey goes out after the conversation is resolved."),
        (SendNpsSurvey c, _) => new NpsSurveySent(c.ConversationId, c.OccurredAt),

        (AnswerNps c, _) when c.Score is < 0 or > 10 => DomainError.Invalid("nps.score-out-of-range", "An NPS answer is a score from 0 to 10."),
        (AnswerNps, _) when !state.SurveySent => DomainError.Conflict("nps.survey-not-sent", "No NPS survey was sent for this conversation."),
        (AnswerNps, _) when state.NpsAnswered => DomainError.Conflict("nps.already-answered", "The NPS survey was already answered."),
        (AnswerNps c, _) => new NpsAnswered(c.ConversationId, c.Score, c.OccurredAt),

        (RecordEscalationDeadlineMissed, ConversationStatus.Resolved) => Decision<ConversationEvent>.Nothing,
        (RecordEscalationDeadlineMissed, _) when state.EscalatedAt is null =>
            DomainError.Conflict("conversation.not-escalated", "The conversation is not escalated; it has no resolution deadline."),
        (RecordEscalationDeadlineMissed, _) when state.DeadlineMissed || state.ResolutionWritten => Decision<ConversationEvent>.Nothing,
        (RecordEscalationDeadlineMissed c, _) when c.OccurredAt < state.EscalatedAt!.Value.AddHours(EscalationResolutionHours) =>
            DomainError.Conflict("conversation.deadline-not-reached", $"The resolution deadline is {state.EscalatedAt.Value.AddHours(EscalationResolutionHours):O}."),
        (RecordEscalationDeadlineMissed c, _) =>
            new EscalationDeadlineMissed(c.ConversationId, state.EscalatedAt!.Value, state.EscalatedAt.Value.AddHours(EscalationResolutionHours), c.OccurredAt),

        (WriteEscalationResolution c, _) => WriteResolution(c, state),

        (SetConversationUrgency, ConversationStatus.Resolved) => Resolved(),
        (SetConversationUrgency c, _) when c.Urgency == state.Urgency => Decision<ConversationEvent>.Nothing,
        (SetConversationUrgency c, _) =>
            new ConversationPrioritySet(c.ConversationId, ConversationPriorities.Of(state.Tier, c.Urgency), state.Tier, c.Urgency, c.OccurredAt),

        (RouteToAgent, ConversationStatus.Resolved) => Resolved(),
        (RouteToAgent, _) when state.Mode == ConversationMode.Bot =>
            DomainError.Conflict("conversation.not-handed-off", "Hand the conversation off to a human before assigning an agent."),
        (RouteToAgent, _) when state.AssignedAgent is not null => Decision<ConversationEvent>.Nothing,
        (RouteToAgent c, _) => new AgentAssigned(c.ConversationId, c.AgentId, null, c.OccurredAt),

        (AssignEscalationTeam c, _) => AssignTeam(c, state),

        (ClassifyConversation c, _) => ConversationClassifications.Classify(c, state.Classification),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown conversation command."),
    };

    public static ConversationState Evolve(ConversationState state, ConversationEvent @event) => @event switch
    {
        ConversationStarted e => state with { Status = ConversationStatus.Open, ConversationId = e.ConversationId, StoreId = e.StoreId, OrderId = e.OrderId, Mode = e.Mode },
        CustomerMessageReceived e => state with { MessageIds = state.MessageIds.Add(e.MessageId) },
        BotReplied e => state with { MessageIds = state.MessageIds.Add(e.MessageId) },
        ConversationHandedOff => state with { Mode = ConversationMode.Human },
        AgentAssigned e => state with { AssignedAgent = e.AgentId },
        AgentReplied e => state with { MessageIds = state.MessageIds.Add(e.MessageId) },
        ConversationEscalated e => state with { Escalated = true, EscalatedAt = e.OccurredAt, DeadlineMissed = false, ResolutionWritten = false },
        EscalationResolutionWritten => state with { ResolutionWritten = true },
        ConversationPrioritySet e => state with { Priority = e.Priority, Tier = e.Tier, Urgency = e.Urgency },
        EscalationDeadlineMissed => state with { DeadlineMissed = true },
        EscalationTeamAssigned e => state with { EscalationTeam = e },
        ConversationClassified e => state with { Classification = new ConversationClassification(e.Category, e.IsComplaint, e.Tags) },
        ConversationResolved => state with { Status = ConversationStatus.Resolved, RatedSinceResolution = false },
        ConversationReopened => state with { Status = ConversationStatus.Open, Escalated = false, EscalatedAt = null, Reopens = state.Reopens + 1 },
        SatisfactionRated => state with { RatedSinceResolution = true },
        NpsSurveySent => state with { SurveySent = true },
        NpsAnswered => state with { NpsAnswered = true },
        _ => state,
    };

    private static Decision<ConversationEvent> Start(StartConversation c)
    {
        if (string.IsNullOrWhiteSpace(c.Channel) || string.IsNullOrWhiteSpace(c.CustomerId))
        {
            return DomainError.Invalid("conversation.channel-required", "A conversation names its customer and channel.");
        }

        var started = new ConversationStarted(
            c.ConversationId, c.StoreId, c.CustomerId, c.Channel, c.OrderId, c.BotEnabled ? ConversationMode.Bot : ConversationMode.Human, c.OccurredAt)
        {
            ProactiveReason = c.ProactiveReason,
        };
        var events = new List<ConversationEvent> { started };
        var tier = c.Standing?.Tier ?? CustomerTier.Regular;
        var priority = ConversationPriorities.Of(tier, c.Urgency);
        if (priority != ConversationPriority.Normal)
        {
            events.Add(new ConversationPrioritySet(c.ConversationId, priority, tier, c.Urgency, c.OccurredAt));
        }

        var others = (c.OrderId is not null ? c.UnresolvedAboutSameOrder : c.RecentUnresolvedWithoutOrder).Where(id => id != c.ConversationId).ToList();
        if (others.Count > 0)
        {
            events.Add(new ConversationEscalated(c.ConversationId, RepeatContactReason, others, c.OccurredAt));
        }

        return events.Count == 1 ? started : events.ToArray();
    }

    /// <summary>
    /// Allowed once per escalation, also after the conversation was resolved (the written answer may follow the chat)
    /// and after the deadline (late, as the event's deadline shows); not once a reopen ended the escalation.
    /// </summary>
    private static Decision<ConversationEvent> WriteResolution(WriteEscalationResolution c, ConversationState state)
    {
        if (state.EscalatedAt is not { } escalatedAt)
        {
            return DomainError.Conflict("conversation.not-escalated", "Only an escalated conversation gets a written resolution.");
        }

        if (state.ResolutionWritten)
        {
            return DomainError.Conflict("escalation.resolution-already-written", "This escalation's written resolution was already given.");
        }

        if (string.IsNullOrWhiteSpace(c.WrittenBy) || string.IsNullOrWhiteSpace(c.Resolution) || string.IsNullOrWhiteSpace(c.Improvement))
        {
            return DomainError.Invalid("escalation.resolution-incomplete", "A written resolution names its author, what was decided and the improvement.");
        }

        var compensation = string.IsNullOrWhiteSpace(c.Compensation) ? null : c.Compensation;
        return new EscalationResolutionWritten(
            c.ConversationId, c.WrittenBy, c.Resolution, compensation, c.Improvement, escalatedAt, escalatedAt.AddHours(EscalationResolutionHours), c.OccurredAt);
    }

    /// <summary>Once per escalation, dated at it or later; like the written resolution, also after the chat was resolved.</summary>
    private static Decision<ConversationEvent> AssignTeam(AssignEscalationTeam c, ConversationState state)
    {
        if (state.EscalatedAt is not { } escalatedAt)
        {
            return DomainError.Conflict("conversation.not-escalated", "Only an escalated conversation gets an escalation team.");
        }

        if (state.CurrentEscalationTeam is not null)
        {
            return Decision<ConversationEvent>.Nothing;
        }

        if (string.IsNullOrWhiteSpace(c.SeniorAgentId) || string.IsNullOrWhiteSpace(c.SupervisorId) || c.SeniorAgentId == c.SupervisorId)
        {
            return DomainError.Invalid("escalation.team-incomplete", "An escalation team is a senior agent and a supervisor, two people.");
        }

        return new EscalationTeamAssigned(c.ConversationId, c.SeniorAgentId, c.SupervisorId, escalatedAt, c.OccurredAt);
    }

    private static DomainError Resolved() =>
        DomainError.Conflict("conversation.resolved", "The conversation is resolved; it reopens only with a new customer message.");
}
