using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Roster;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>One agent of a store's roster (<c>roster_agents</c>). <see cref="Rank"/>: agent, senior, supervisor.</summary>
public sealed record RosterAgentRow(string StoreId, string AgentId, string Rank, int Capacity, DateTimeOffset? ShiftStartedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// A conversation as assignment sees it (<c>roster_conversations</c>): whether it is with humans and open, who has it,
/// and its current escalation and that escalation's team (<see cref="TeamEscalatedAt"/> equal to
/// <see cref="EscalatedAt"/>: the team staffs the current escalation).
/// </summary>
public sealed record RosterConversationRow(
    string ConversationId,
    string StoreId,
    string CustomerId,
    bool Human,
    bool Open,
    DateTimeOffset? QueuedAt,
    string? AssignedAgent,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? EscalatedAt,
    string? TeamSenior,
    string? TeamSupervisor,
    DateTimeOffset? TeamEscalatedAt);

/// <summary>A buyer of a store (<c>roster_buyers</c>): the first order, and the agent the buyer is bound to.</summary>
public sealed record RosterBuyerRow(string StoreId, string CustomerId, string FirstOrderId, DateTimeOffset FirstOrderAt, string? BoundAgent);

/// <summary>A store's binding policy (<c>roster_stores</c>).</summary>
public sealed record RosterStoreRow(string StoreId, bool BindBuyers);

/// <summary>
/// <c>roster</c>: the stores' agents (shift, capacity, rank), each conversation's assignment and escalation team, the
/// buyers and their bindings. The supervisors' roster view and the assignment reactor read it (docs/read-models.md).
/// </summary>
public sealed class RosterProjection : IProjection
{
    public string Name => "roster";

    /// <summary>
    /// 2: an index of the open conversations whose escalation has no team yet, and the agents' loads read by index probes
    /// per agent (the assignment reactor's polls read every open, and every ever assigned, conversation of the store).
    /// </summary>
    public int Version => 2;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(
        typeof(ShiftStarted), typeof(ShiftEnded), typeof(AgentCapacitySet), typeof(AgentRankSet), typeof(BuyerBindingSet), typeof(BuyerBound),
        typeof(ConversationStarted), typeof(ConversationHandedOff), typeof(AgentAssigned), typeof(ConversationEscalated), typeof(EscalationTeamAssigned),
        typeof(ConversationResolved), typeof(ConversationReopened), typeof(OrderPlaced));

    public IReadOnlyList<string> Tables { get; } = ["roster_agents", "roster_conversations", "roster_buyers", "roster_stores"];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.roster_agents (
            store_id          text NOT NULL,
            agent_id          text NOT NULL,
            rank              text NOT NULL,
            capacity          integer NOT NULL,
            shift_started_at  timestamptz,
            updated_at        timestamptz NOT NULL,
            PRIMARY KEY (store_id, agent_id));
        CREATE TABLE {schema}.roster_conversations (
            conversation_id    text PRIMARY KEY,
            store_id           text NOT NULL,
            customer_id        text NOT NULL,
            human              boolean NOT NULL,
            open               boolean NOT NULL,
            queued_at          timestamptz,
            assigned_agent     text,
            assigned_at        timestamptz,
            escalated_at       timestamptz,
            team_senior        text,
            team_supervisor    text,
            team_escalated_at  timestamptz);
        CREATE INDEX ON {schema}.roster_conversations (queued_at, conversation_id) WHERE open AND human AND assigned_agent IS NULL;
        CREATE INDEX ON {schema}.roster_conversations (escalated_at, conversation_id) WHERE open AND escalated_at IS NOT NULL AND team_escalated_at IS DISTINCT FROM escalated_at;
        CREATE INDEX ON {schema}.roster_conversations (store_id, assigned_agent, assigned_at);
        CREATE INDEX ON {schema}.roster_conversations (store_id, assigned_agent) WHERE open;
        CREATE INDEX ON {schema}.roster_conversations (store_id, customer_id);
        CREATE TABLE {schema}.roster_buyers (
            store_id        text NOT NULL,
            customer_id     text NOT NULL,
            first_order_id  text NOT NULL,
            first_order_at  timestamptz NOT NULL,
            bound_agent     text,
            PRIMARY KEY (store_id, customer_id));
        CREATE TABLE {schema}.roster_stores (
            store_id     text PRIMARY KEY,
            bind_buyers  boolean NOT NULL);
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        await Agents.FoldAsync(context, batch, e => AgentKeyOf(e.Event), k => [k.StoreId, k.AgentId], r => new AgentKey(r.StoreId, r.AgentId), EvolveAgent, cancellationToken);
        await Conversations.FoldAsync(
            context, batch, e => e.Event is ConversationEvent c ? c.ConversationId : null, id => [id], r => r.ConversationId, EvolveConversation, cancellationToken);
        await Buyers.FoldAsync(context, batch, e => BuyerKeyOf(e.Event), k => [k.StoreId, k.CustomerId], r => new BuyerKey(r.StoreId, r.CustomerId), EvolveBuyer, cancellationToken);
        await Stores.FoldAsync(context, batch, e => e.Event is BuyerBindingSet b ? b.StoreId : null, id => [id], r => r.StoreId, EvolveStore, cancellationToken);
    }

    private sealed record AgentKey(string StoreId, string AgentId);

    private sealed record BuyerKey(string StoreId, string CustomerId);

    private static AgentKey? AgentKeyOf(object e) => e switch
    {
        ShiftStarted s => new(s.StoreId, s.AgentId),
        ShiftEnded s => new(s.StoreId, s.AgentId),
        AgentCapacitySet c => new(c.StoreId, c.AgentId),
        AgentRankSet r => new(r.StoreId, r.AgentId),
        _ => null,
    };

    private static BuyerKey? BuyerKeyOf(object e) => e switch
    {
        OrderPlaced o => new(o.StoreId, o.CustomerId),
        BuyerBound b => new(b.StoreId, b.CustomerId),
        _ => null,
    };

    private static RosterAgentRow? EvolveAgent(RosterAgentRow? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var agent = row ?? (AgentKeyOf(e.Event) is { } key
            ? new RosterAgentRow(key.StoreId, key.AgentId, AgentRank.Agent.Snake(), RosterDecider.DefaultCapacity, null, at)
            : null);
        return (agent, e.Event) switch
        {
            (null, _) => null,
            (_, ShiftStarted) => agent with { ShiftStartedAt = at, UpdatedAt = at },
            (_, ShiftEnded) => agent with { ShiftStartedAt = null, UpdatedAt = at },
            (_, AgentCapacitySet c) => agent with { Capacity = c.Capacity, UpdatedAt = at },
            (_, AgentRankSet r) => agent with { Rank = r.Rank.Snake(), UpdatedAt = at },
            _ => row,
        };
    }

    internal static RosterConversationRow? EvolveConversation(RosterConversationRow? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        return (row, e.Event) switch
        {
            (null, ConversationStarted s) => new RosterConversationRow(
                s.ConversationId, s.StoreId, s.CustomerId, s.Mode == ConversationMode.Human, true, s.Mode == ConversationMode.Human ? at : null,
                null, null, null, null, null, null),
            (null, _) => null,
            (_, ConversationHandedOff) => row with { Human = true, QueuedAt = row.QueuedAt ?? at },
            (_, AgentAssigned a) => row with { AssignedAgent = a.AgentId, AssignedAt = at },
            (_, ConversationEscalated) => row with { EscalatedAt = at },
            (_, EscalationTeamAssigned t) => row with { TeamSenior = t.SeniorAgentId, TeamSupervisor = t.SupervisorId, TeamEscalatedAt = EventTime.ToMicroseconds(t.EscalatedAt) },
            (_, ConversationResolved) => row with { Open = false },
            // As in the decider: a reopen ends the escalation.
            (_, ConversationReopened) => row with { Open = true, EscalatedAt = null },
            _ => row,
        };
    }

    private static RosterBuyerRow? EvolveBuyer(RosterBuyerRow? row, DecodedEvent e) => (row, e.Event) switch
    {
        (null, OrderPlaced o) => new RosterBuyerRow(o.StoreId, o.CustomerId, o.OrderId, e.OccurredAt(), null),
        (null, _) => null,
        (_, BuyerBound b) => row with { BoundAgent = b.AgentId },
        _ => row,
    };

    private static RosterStoreRow? EvolveStore(RosterStoreRow? row, DecodedEvent e) => e.Event is BuyerBindingSet b
        ? new RosterStoreRow(b.StoreId, b.BindBuyers)
        : row;

    internal static readonly RowTable<RosterAgentRow> Agents = new(
        "roster_agents",
        keyCount: 2,
        r => new RosterAgentRow(r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.TimeN(4), r.Time(5)),
        Col.Text<RosterAgentRow>("store_id", a => a.StoreId),
        Col.Text<RosterAgentRow>("agent_id", a => a.AgentId),
        Col.Text<RosterAgentRow>("rank", a => a.Rank),
        Col.Int<RosterAgentRow>("capacity", a => a.Capacity),
        Col.Time<RosterAgentRow>("shift_started_at", a => a.ShiftStartedAt),
        Col.Time<RosterAgentRow>("updated_at", a => a.UpdatedAt));

    internal static readonly RowTable<RosterConversationRow> Conversations = new(
        "roster_conversations",
        keyCount: 1,
        r => new RosterConversationRow(
            r.Text(0), r.Text(1), r.Text(2), r.Bool(3), r.Bool(4), r.TimeN(5), r.TextN(6), r.TimeN(7), r.TimeN(8), r.TextN(9), r.TextN(10), r.TimeN(11)),
        Col.Text<RosterConversationRow>("conversation_id", c => c.ConversationId),
        Col.Text<RosterConversationRow>("store_id", c => c.StoreId),
        Col.Text<RosterConversationRow>("customer_id", c => c.CustomerId),
        Col.Bool<RosterConversationRow>("human", c => c.Human),
        Col.Bool<RosterConversationRow>("open", c => c.Open),
        Col.Time<RosterConversationRow>("queued_at", c => c.QueuedAt),
        Col.Text<RosterConversationRow>("assigned_agent", c => c.AssignedAgent),
        Col.Time<RosterConversationRow>("assigned_at", c => c.AssignedAt),
        Col.Time<RosterConversationRow>("escalated_at", c => c.EscalatedAt),
        Col.Text<RosterConversationRow>("team_senior", c => c.TeamSenior),
        Col.Text<RosterConversationRow>("team_supervisor", c => c.TeamSupervisor),
        Col.Time<RosterConversationRow>("team_escalated_at", c => c.TeamEscalatedAt));

    internal static readonly RowTable<RosterBuyerRow> Buyers = new(
        "roster_buyers",
        keyCount: 2,
        r => new RosterBuyerRow(r.Text(0), r.Text(1), r.Text(2), r.Time(3), r.TextN(4)),
        Col.Text<RosterBuyerRow>("store_id", b => b.StoreId),
        Col.Text<RosterBuyerRow>("customer_id", b => b.CustomerId),
        Col.Text<RosterBuyerRow>("first_order_id", b => b.FirstOrderId),
        Col.Time<RosterBuyerRow>("first_order_at", b => b.FirstOrderAt),
        Col.Text<RosterBuyerRow>("bound_agent", b => b.BoundAgent));

    internal static readonly RowTable<RosterStoreRow> Stores = new(
        "roster_stores",
        keyCount: 1,
        r => new RosterStoreRow(r.Text(0), r.Bool(1)),
        Col.Text<RosterStoreRow>("store_id", s => s.StoreId),
        Col.Bool<RosterStoreRow>("bind_buyers", s => s.BindBuyers));
}

/// <summary>One agent on the supervisors' roster view: shift, capacity, rank and the open conversations they have now.</summary>
public sealed record RosterEntry(string AgentId, string Rank, int Capacity, bool OnShift, DateTimeOffset? ShiftStartedAt, int OpenConversations, DateTimeOffset? LastAssignedAt);

/// <summary>A conversation the assignment reactor has work for.</summary>
public sealed record AssignmentWork(string ConversationId, string StoreId, string CustomerId, DateTimeOffset? EscalatedAt);

/// <summary>A buyer whose binding is due: the store binds buyers, the buyer has ordered and has had an agent.</summary>
public sealed record BindingDue(string StoreId, string CustomerId, string FirstOrderId, string AgentId);

/// <summary>Reads <c>rm.roster_*</c>.</summary>
public sealed class RosterQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema) : ViewQueries(dataSource, viewSchema)
{
    /// <summary>The store's agents the roster knows, each with the open conversations assigned to them; on shift first, then by id.</summary>
    public Task<List<RosterEntry>> GetRosterAsync(string storeId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT a.agent_id, a.rank, a.capacity, a.shift_started_at, coalesce(l.open, 0)::int, l.last_assigned_at
            FROM {Views}.roster_agents a
            LEFT JOIN ({LoadsSql}) l ON l.agent = a.agent_id
            WHERE a.store_id = @storeId
            ORDER BY a.shift_started_at IS NULL, a.agent_id
            """,
            new { storeId },
            r => new RosterEntry(r.Text(0), r.Text(1), r.Int(2), r.TimeN(3) is not null, r.TimeN(3), r.Int(4), r.TimeN(5)),
            cancellationToken);

    /// <summary>Every agent of the store who has had a conversation: open ones now, and the last assignment.</summary>
    public async Task<Dictionary<string, AgentLoad>> GetLoadsAsync(string storeId, CancellationToken cancellationToken = default) =>
        (await ReadModelQuery.ListAsync(
            DataSource, LoadsSql, new { storeId },
            r => new AgentLoad(r.Text(0), r.Int(1), r.TimeN(2)), cancellationToken))
        .ToDictionary(l => l.AgentId, StringComparer.Ordinal);

    /// <summary>
    /// The store's agents found one index probe at a time (the next agent after the last), then each one's open count and
    /// last assignment by a probe of its own: the store's every conversation ever assigned is not read on each poll.
    /// </summary>
    private string LoadsSql => $"""
        WITH RECURSIVE agents AS (
            SELECT (SELECT min(assigned_agent) FROM {Views}.roster_conversations WHERE store_id = @storeId AND assigned_agent IS NOT NULL) AS agent
            UNION ALL
            SELECT (SELECT min(c.assigned_agent) FROM {Views}.roster_conversations c WHERE c.store_id = @storeId AND c.assigned_agent > a.agent)
            FROM agents a WHERE a.agent IS NOT NULL
        )
        SELECT a.agent,
               (SELECT count(*) FROM {Views}.roster_conversations c WHERE c.store_id = @storeId AND c.assigned_agent = a.agent AND c.open)::int AS open,
               (SELECT max(c.assigned_at) FROM {Views}.roster_conversations c WHERE c.store_id = @storeId AND c.assigned_agent = a.agent) AS last_assigned_at
        FROM agents a WHERE a.agent IS NOT NULL
        """;

    /// <summary>Open human conversations nobody has, longest queued first.</summary>
    public Task<List<AssignmentWork>> GetUnassignedAsync(int limit, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT conversation_id, store_id, customer_id, escalated_at FROM {Views}.roster_conversations
            WHERE open AND human AND assigned_agent IS NULL ORDER BY queued_at, conversation_id LIMIT @limit
            """,
            new { limit },
            Work,
            cancellationToken);

    /// <summary>Open conversations whose current escalation has no team yet, oldest escalation first.</summary>
    public Task<List<AssignmentWork>> GetEscalationsWithoutTeamAsync(int limit, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT conversation_id, store_id, customer_id, escalated_at FROM {Views}.roster_conversations
            WHERE open AND escalated_at IS NOT NULL AND team_escalated_at IS DISTINCT FROM escalated_at
            ORDER BY escalated_at, conversation_id LIMIT @limit
            """,
            new { limit },
            Work,
            cancellationToken);

    /// <summary>
    /// Buyers to bind: in a store that binds buyers, with an order, not bound yet, with a conversation that has an agent —
    /// bound to the agent of their most recently assigned conversation.
    /// </summary>
    public Task<List<BindingDue>> GetBindingsDueAsync(int limit, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT b.store_id, b.customer_id, b.first_order_id, c.assigned_agent
            FROM {Views}.roster_buyers b
            JOIN {Views}.roster_stores s ON s.store_id = b.store_id AND s.bind_buyers
            JOIN LATERAL (
                SELECT assigned_agent FROM {Views}.roster_conversations c
                WHERE c.store_id = b.store_id AND c.customer_id = b.customer_id AND c.assigned_agent IS NOT NULL
                ORDER BY c.assigned_at DESC, c.conversation_id LIMIT 1) c ON TRUE
            WHERE b.bound_agent IS NULL
            ORDER BY b.first_order_at, b.store_id, b.customer_id LIMIT @limit
            """,
            new { limit },
            r => new BindingDue(r.Text(0), r.Text(1), r.Text(2), r.Text(3)),
            cancellationToken);

    private static AssignmentWork Work(NpgsqlDataReader r) => new(r.Text(0), r.Text(1), r.Text(2), r.TimeN(3));
}
