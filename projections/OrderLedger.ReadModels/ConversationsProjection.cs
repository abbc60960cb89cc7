using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>
/// One row of <c>conversations</c>. <see cref="Status"/>: open, resolved. <see cref="Mode"/>: bot, human.
/// <see cref="WaitingSince"/>: when the open inquiry started (brief §5: the first customer message in human mode, or the
/// hand-off, with no inquiry open); cleared by the first agent reply or the resolution. Null: nobody waits for a human.
/// </summary>
public sealed record ConversationSummary(
    string ConversationId,
    string StoreId,
    string CustomerId,
    string Channel,
    string? OrderId,
    string Status,
    string Mode,
    string? AssignedAgent,
    bool Escalated,
    DateTimeOffset? WaitingSince,
    int Messages,
    int Reopens,
    string? Satisfaction,
    int? NpsScore,
    DateTimeOffset StartedAt,
    DateTimeOffset? HandedOffAt,
    DateTimeOffset? LastCustomerMessageAt,
    DateTimeOffset? LastAgentReplyAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>vip, urgent or normal (<see cref="ConversationPriority"/>); the queue serves them in that order.</summary>
    public string Priority { get; init; } = "normal";

    /// <summary>The issue's urgency as stated (none, order_overdue, parcel_damaged, …).</summary>
    public string Urgency { get; init; } = "none";

    /// <summary>
    /// Why the system opened the case (paid-not-shipped, no-tracking-scan, unreservable-line; docs/domain.md,
    /// "Proactive cases"); null: the customer or an agent started it.
    /// </summary>
    public string? ProactiveReason { get; init; }

    /// <summary>The latest classification's category (logistics, quality, refund, product_question, payment, other); null: not classified.</summary>
    public string? Category { get; init; }

    /// <summary>The latest classification says it is a complaint.</summary>
    public bool IsComplaint { get; init; }

    /// <summary>The latest classification's tags, in the order given.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>A conversation waiting for a human, with how long it has waited at the given time and its SLA state (against its priority's first-reply target).</summary>
/// <param name="SlaAtRisk">Waited at least the at-risk share of the target, not yet past it.</param>
/// <param name="SlaBreached">Waited longer than the target (exactly the target is still in time, brief §5).</param>
public sealed record QueuedConversation(ConversationSummary Conversation, TimeSpan Waiting, bool SlaAtRisk, bool SlaBreached);

/// <summary><c>conversations</c>: one row per conversation from its own stream; the live queue is the open, human-mode rows with <c>waiting_since</c>.</summary>
public sealed class ConversationsProjection : IProjection
{
    public const string Table = "conversations";

    public string Name => "conversations";

    /// <summary>2: the priority and urgency (<c>conversation-priority-set</c>). 3: the reason of a proactive case. 4: the classification (<c>conversation-classified</c>), the queue index by priority.</summary>
    public int Version => 4;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(
        typeof(ConversationStarted), typeof(ConversationPrioritySet), typeof(CustomerMessageReceived), typeof(BotReplied), typeof(ConversationHandedOff), typeof(AgentAssigned),
        typeof(AgentReplied), typeof(ConversationEscalated), typeof(ConversationResolved), typeof(ConversationReopened), typeof(SatisfactionRated),
        typeof(NpsAnswered), typeof(ConversationClassified));

    public IReadOnlyList<string> Tables { get; } = [Table];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.conversations (
            conversation_id           text PRIMARY KEY,
            store_id                  text NOT NULL,
            customer_id               text NOT NULL,
            channel                   text NOT NULL,
            order_id                  text,
            status                    text NOT NULL,
            mode                      text NOT NULL,
            assigned_agent            text,
            escalated                 boolean NOT NULL,
            waiting_since             timestamptz,
            messages                  integer NOT NULL,
            reopens                   integer NOT NULL,
            satisfaction              text,
            nps_score                 integer,
            started_at                timestamptz NOT NULL,
            handed_off_at             timestamptz,
            last_customer_message_at  timestamptz,
            last_agent_reply_at       timestamptz,
            resolved_at               timestamptz,
            updated_at                timestamptz NOT NULL,
            priority                  text NOT NULL,
            urgency                   text NOT NULL,
            proactive_reason          text,
            category                  text,
            is_complaint              boolean NOT NULL,
            tags                      jsonb NOT NULL
        );
        CREATE INDEX ON {schema}.conversations (store_id, waiting_since) WHERE waiting_since IS NOT NULL;
        CREATE INDEX ON {schema}.conversations (store_id, ({QueueRank}), waiting_since, conversation_id)
            WHERE waiting_since IS NOT NULL AND status = 'open' AND mode = 'human';
        CREATE INDEX ON {schema}.conversations (customer_id, started_at DESC);
        """;

    /// <summary>
    /// The queue's first key: <see cref="ConversationPriorities.Rank"/> of the row's priority. The queue index holds the
    /// same expression, so a store's queue is read in order from the index instead of sorting every waiting row.
    /// </summary>
    internal static readonly string QueueRank =
        $"CASE priority {string.Join(' ', Enum.GetValues<ConversationPriority>().Select(p => $"WHEN '{p.Snake()}' THEN {ConversationPriorities.Rank(p)}"))} ELSE {ConversationPriorities.Rank(ConversationPriority.Normal)} END";

    public Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken) =>
        Rows.FoldAsync(context, batch, e => e.Event is ConversationEvent c ? c.ConversationId : null, id => [id], c => c.ConversationId, Evolve, cancellationToken);

    internal static ConversationSummary? Evolve(ConversationSummary? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var next = (row, e.Event) switch
        {
            (null, ConversationStarted s) => new ConversationSummary(
                s.ConversationId, s.StoreId, s.CustomerId, s.Channel, s.OrderId, "open", s.Mode.Snake(), null, false, null, 0, 0, null, null,
                at, null, null, null, null, at)
            {
                ProactiveReason = s.ProactiveReason is { } reason ? ProactiveCases.Name(reason) : null,
            },
            (null, _) => null,
            (_, ConversationPrioritySet p) => row with { Priority = p.Priority.Snake(), Urgency = p.Urgency.Snake() },
            (_, ConversationClassified k) => row with { Category = k.Category.Snake(), IsComplaint = k.IsComplaint, Tags = k.Tags },
            (_, CustomerMessageReceived) => row with
            {
                Messages = row.Messages + 1,
                LastCustomerMessageAt = at,
                WaitingSince = row is { Status: "open", Mode: "human" } ? row.WaitingSince ?? at : row.WaitingSince,
            },
            (_, BotReplied) => row with { Messages = row.Messages + 1 },
            (_, ConversationHandedOff) => row with { Mode = "human", HandedOffAt = at, WaitingSince = row.WaitingSince ?? at },
            (_, AgentAssigned a) => row with { AssignedAgent = a.AgentId },
            (_, AgentReplied) => row with { Messages = row.Messages + 1, LastAgentReplyAt = at, WaitingSince = null },
            (_, ConversationEscalated) => row with { Escalated = true },
            (_, ConversationResolved) => row with { Status = "resolved", ResolvedAt = at, WaitingSince = null },
            (_, ConversationReopened) => row with { Status = "open", Escalated = false, Reopens = row.Reopens + 1 },
            (_, SatisfactionRated r) => row with { Satisfaction = r.Rating.Snake() },
            (_, NpsAnswered n) => row with { NpsScore = n.Score },
            _ => row,
        };

        return next is null || ReferenceEquals(next, row) ? next : next with { UpdatedAt = at };
    }

    internal static readonly RowTable<ConversationSummary> Rows = new(
        Table,
        keyCount: 1,
        r => new ConversationSummary(
            r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.TextN(4), r.Text(5), r.Text(6), r.TextN(7), r.Bool(8), r.TimeN(9), r.Int(10),
            r.Int(11), r.TextN(12), r.IntN(13), r.Time(14), r.TimeN(15), r.TimeN(16), r.TimeN(17), r.TimeN(18), r.Time(19))
        {
            Priority = r.Text(20), Urgency = r.Text(21), ProactiveReason = r.TextN(22), Category = r.TextN(23), IsComplaint = r.Bool(24), Tags = r.Texts(25),
        },
        Col.Text<ConversationSummary>("conversation_id", c => c.ConversationId),
        Col.Text<ConversationSummary>("store_id", c => c.StoreId),
        Col.Text<ConversationSummary>("customer_id", c => c.CustomerId),
        Col.Text<ConversationSummary>("channel", c => c.Channel),
        Col.Text<ConversationSummary>("order_id", c => c.OrderId),
        Col.Text<ConversationSummary>("status", c => c.Status),
        Col.Text<ConversationSummary>("mode", c => c.Mode),
        Col.Text<ConversationSummary>("assigned_agent", c => c.AssignedAgent),
        Col.Bool<ConversationSummary>("escalated", c => c.Escalated),
        Col.Time<ConversationSummary>("waiting_since", c => c.WaitingSince),
        Col.Int<ConversationSummary>("messages", c => c.Messages),
        Col.Int<ConversationSummary>("reopens", c => c.Reopens),
        Col.Text<ConversationSummary>("satisfaction", c => c.Satisfaction),
        Col.IntN<ConversationSummary>("nps_score", c => c.NpsScore),
        Col.Time<ConversationSummary>("started_at", c => c.StartedAt),
        Col.Time<ConversationSummary>("handed_off_at", c => c.HandedOffAt),
        Col.Time<ConversationSummary>("last_customer_message_at", c => c.LastCustomerMessageAt),
        Col.Time<ConversationSummary>("last_agent_reply_at", c => c.LastAgentReplyAt),
        Col.Time<ConversationSummary>("resolved_at", c => c.ResolvedAt),
        Col.Time<ConversationSummary>("updated_at", c => c.UpdatedAt),
        Col.Text<ConversationSummary>("priority", c => c.Priority),
        Col.Text<ConversationSummary>("urgency", c => c.Urgency),
        Col.Text<ConversationSummary>("proactive_reason", c => c.ProactiveReason),
        Col.Text<ConversationSummary>("category", c => c.Category),
        Col.Bool<ConversationSummary>("is_complaint", c => c.IsComplaint),
        Col.Texts<ConversationSummary>("tags", c => c.Tags));
}

/// <summary>A tag and how many of a customer's conversations carry it.</summary>
public sealed record TagCount(string Tag, int Conversations);

/// <summary>Reads <c>rm.conversations</c>.</summary>
public sealed class ConversationQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
    : ViewQueries(dataSource, viewSchema)
{
    /// <summary>A conversation is at risk once it has waited this share of the SLA target.</summary>
    public const double DefaultAtRiskShare = 0.8;

    private static readonly string Columns = ConversationsProjection.Rows.SelectList;

    private static readonly string PriorityRank = ConversationsProjection.QueueRank;

    public Task<ConversationSummary?> GetAsync(string conversationId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.SingleOrDefaultAsync(
            DataSource, $"SELECT {Columns} FROM {Views}.conversations WHERE conversation_id = @conversationId", new { conversationId },
            ConversationsProjection.Rows.Read, cancellationToken);

    /// <summary>
    /// The store's first-reply target of each priority, keyed as <see cref="ConversationSummary.Priority"/>, for
    /// <see cref="GetQueueAsync"/>: what the queue, its alert and the cockpit all hold a wait to. Each target is kept
    /// between 1 s and <paramref name="maxSeconds"/>.
    /// </summary>
    public static Dictionary<string, TimeSpan> FirstReplyTargets(OrderLedger.Domain.Stores.StoreState store, int maxSeconds = int.MaxValue) =>
        Enum.GetValues<ConversationPriority>().ToDictionary(
            p => p.Snake(), p => TimeSpan.FromSeconds(Math.Clamp(store.SlaFor(p).FirstReplySeconds, 1, maxSeconds)), StringComparer.Ordinal);

    /// <summary>
    /// The live queue at <paramref name="now"/>: open conversations waiting for a human in the given stores, by priority
    /// (vip, urgent, normal), then longest wait first, each with its wait and SLA state against its priority's target in
    /// <paramref name="targetByPriority"/> (keys as <see cref="ConversationSummary.Priority"/>), else
    /// <paramref name="slaTarget"/> (at risk from <paramref name="atRiskShare"/> of the target). <paramref name="agentId"/>
    /// narrows it to one agent's conversations.
    /// </summary>
    public async Task<List<QueuedConversation>> GetQueueAsync(
        IReadOnlyCollection<string> storeIds,
        DateTimeOffset now,
        TimeSpan slaTarget,
        string? agentId = null,
        double atRiskShare = DefaultAtRiskShare,
        int limit = 200,
        IReadOnlyDictionary<string, TimeSpan>? targetByPriority = null,
        CancellationToken cancellationToken = default)
    {
        var rows = await ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM unnest(@storeIds) AS wanted(store)
            CROSS JOIN LATERAL (
                SELECT * FROM {Views}.conversations
                WHERE store_id = wanted.store AND waiting_since IS NOT NULL AND status = 'open' AND mode = 'human'
                  AND (@agentId::text IS NULL OR assigned_agent = @agentId)
                ORDER BY {PriorityRank}, waiting_since, conversation_id LIMIT @limit) AS queued
            ORDER BY {PriorityRank}, waiting_since, conversation_id LIMIT @limit
            """,
            new { storeIds = ReadModelQuery.Array(storeIds), agentId, limit = ReadModelQuery.Clamp(limit) },
            ConversationsProjection.Rows.Read,
            cancellationToken);

        return
        [
            .. rows.Select(c =>
            {
                var waiting = now - c.WaitingSince!.Value;
                var target = targetByPriority?.GetValueOrDefault(c.Priority) is { } own && own > TimeSpan.Zero ? own : slaTarget;
                var breached = waiting > target;
                return new QueuedConversation(c, waiting, !breached && waiting >= target * atRiskShare, breached);
            }),
        ];
    }

    /// <summary>The stores (of the given ones; null: every store) where this customer id has conversations, for a search by customer id.</summary>
    public Task<List<string>> StoresWithCustomerAsync(IReadOnlyCollection<string>? storeIds, string customerId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT DISTINCT store_id FROM {Views}.conversations
            WHERE customer_id = @customerId AND {(storeIds is null ? "TRUE" : "store_id = ANY(@storeIds)")} ORDER BY store_id
            """,
            new { customerId, storeIds = storeIds is null ? [] : ReadModelQuery.Array(storeIds) },
            r => r.Text(0),
            cancellationToken);

    /// <summary>
    /// The tags of the customer's conversations in the given stores (null: every store), as their latest classification
    /// gives them: each with the number of conversations that carry it, most frequent first (then by tag, code point order), the first
    /// <paramref name="limit"/>.
    /// </summary>
    public Task<List<TagCount>> TagsForCustomerAsync(
        IReadOnlyCollection<string>? storeIds, string customerId, int limit = 10, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT t.tag, count(DISTINCT c.conversation_id)::int AS conversations
            FROM {Views}.conversations c CROSS JOIN LATERAL jsonb_array_elements_text(c.tags) AS t(tag)
            WHERE c.customer_id = @customerId AND {(storeIds is null ? "TRUE" : "c.store_id = ANY(@storeIds)")}
            GROUP BY t.tag ORDER BY conversations DESC, t.tag COLLATE "C" LIMIT @limit
            """,
            new { customerId, storeIds = storeIds is null ? [] : ReadModelQuery.Array(storeIds), limit = ReadModelQuery.Clamp(limit) },
            r => new TagCount(r.Text(0), r.Int(1)),
            cancellationToken);

    /// <summary>A customer's conversations in the given stores, newest first.</summary>
    public Task<List<ConversationSummary>> ListForCustomerAsync(
        IReadOnlyCollection<string> storeIds, string customerId, int limit = 50, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM {Views}.conversations
            WHERE customer_id = @customerId AND store_id = ANY(@storeIds)
            ORDER BY started_at DESC, conversation_id LIMIT @limit
            """,
            new { customerId, storeIds = ReadModelQuery.Array(storeIds), limit = ReadModelQuery.Clamp(limit) },
            ConversationsProjection.Rows.Read,
            cancellationToken);
}
