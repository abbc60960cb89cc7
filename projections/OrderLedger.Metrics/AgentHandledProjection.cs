using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics;

/// <summary>
/// Conversations each agent handled (docs/metrics.md, "Handled per agent"), for <see cref="AgentHandledQueries"/>:
/// <list type="bullet">
/// <item><c>metric_handled_conversations</c>: each conversation's store, the agent who has it now and how often it was resolved.</item>
/// <item><c>metric_handled_resolutions</c>: one row per resolution by staff (not the customer, not the bot) of a
/// conversation that had an agent: that agent, the time and the store-local day.</item>
/// <item><c>metric_handled_stores</c>: each store's time zone, from its policy events.</item>
/// </list>
/// </summary>
public sealed class AgentHandledProjection : IProjection
{
    public const string StoresTable = "metric_handled_stores";
    public const string ConversationsTable = "metric_handled_conversations";
    public const string ResolutionsTable = "metric_handled_resolutions";

    private static readonly StoreCalendars Calendars = new(StoresTable);

    public string Name => "metric_agent_handled";

    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf([
        .. StoreCalendars.Events, typeof(ConversationStarted), typeof(AgentAssigned), typeof(ConversationResolved)]);

    public IReadOnlyList<string> Tables { get; } = [StoresTable, ConversationsTable, ResolutionsTable];

    public string CreateTablesSql(string schema) => Calendars.CreateTableSql(schema) + $"""

        CREATE TABLE {schema}.{ConversationsTable} (
            conversation_id  text PRIMARY KEY,
            store_id         text NOT NULL,
            assigned_agent   text,
            resolutions      integer NOT NULL
        );
        CREATE TABLE {schema}.{ResolutionsTable} (
            conversation_id  text NOT NULL,
            resolution       integer NOT NULL,
            store_id         text NOT NULL,
            agent_id         text NOT NULL,
            resolved_at      timestamptz NOT NULL,
            local_day        date NOT NULL,
            PRIMARY KEY (conversation_id, resolution)
        );
        CREATE INDEX ON {schema}.{ResolutionsTable} (store_id, resolved_at);
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var ids = batch.Select(e => e.Event is ConversationEvent c ? c.ConversationId : null).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var conversations = (await Conversations.LoadAsync(context, [.. ids.Select(id => new[] { id })], cancellationToken))
            .ToDictionary(c => c.ConversationId, StringComparer.Ordinal);
        var storeIds = batch.Select(e => e.Event is IStoreScoped scoped ? scoped.StoreId : null).OfType<string>().Concat(conversations.Values.Select(c => c.StoreId));
        var calendars = await Calendars.LoadAsync(context, storeIds, cancellationToken);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var resolutions = new List<Resolution>();
        foreach (var e in batch)
        {
            var at = e.OccurredAt();
            switch (e.Event)
            {
                case var store when StoreCalendars.StoreIdOf(store) is { } storeId:
                    calendars.Apply(storeId, store, at);
                    break;
                case ConversationStarted s when !conversations.ContainsKey(s.ConversationId):
                    conversations[s.ConversationId] = new HandledConversation(s.ConversationId, s.StoreId, null, 0);
                    changed.Add(s.ConversationId);
                    break;
                case AgentAssigned a when conversations.TryGetValue(a.ConversationId, out var c):
                    conversations[a.ConversationId] = c with { AssignedAgent = a.AgentId };
                    changed.Add(a.ConversationId);
                    break;
                case ConversationResolved r when conversations.TryGetValue(r.ConversationId, out var c):
                    var next = c with { Resolutions = c.Resolutions + 1 };
                    conversations[r.ConversationId] = next;
                    changed.Add(r.ConversationId);
                    if (HandledByStaff(r) && c.AssignedAgent is { } agent)
                    {
                        resolutions.Add(new Resolution(c.ConversationId, next.Resolutions, c.StoreId, agent, at, calendars.At(c.StoreId, at).LocalDay(at)));
                    }

                    break;
            }
        }

        await calendars.SaveAsync(context, cancellationToken);
        await Conversations.UpsertAsync(context, [.. changed.Select(id => conversations[id])], cancellationToken);
        await Resolutions.UpsertAsync(context, resolutions, cancellationToken);
    }

    /// <summary>A resolution by staff: neither the customer closing the chat (a withdrawal) nor the bot settling it.</summary>
    private static bool HandledByStaff(ConversationResolved r) =>
        r.ResolvedBy is not (ConversationDecider.ResolvedByCustomer or ConversationDecider.ResolvedByBot);

    internal sealed record HandledConversation(string ConversationId, string StoreId, string? AssignedAgent, int Resolutions);

    internal sealed record Resolution(string ConversationId, int Number, string StoreId, string AgentId, DateTimeOffset ResolvedAt, DateOnly LocalDay);

    private static readonly RowTable<HandledConversation> Conversations = new(
        ConversationsTable,
        keyCount: 1,
        r => new HandledConversation(r.Text(0), r.Text(1), r.TextN(2), r.Int(3)),
        Col.Text<HandledConversation>("conversation_id", c => c.ConversationId),
        Col.Text<HandledConversation>("store_id", c => c.StoreId),
        Col.Text<HandledConversation>("assigned_agent", c => c.AssignedAgent),
        Col.Int<HandledConversation>("resolutions", c => c.Resolutions));

    private static readonly RowTable<Resolution> Resolutions = new(
        ResolutionsTable,
        keyCount: 2,
        r => new Resolution(r.Text(0), r.Int(1), r.Text(2), r.Text(3), r.Time(4), r.DayN(5)!.Value),
        Col.Text<Resolution>("conversation_id", x => x.ConversationId),
        Col.Int<Resolution>("resolution", x => x.Number),
        Col.Text<Resolution>("store_id", x => x.StoreId),
        Col.Text<Resolution>("agent_id", x => x.AgentId),
        Col.Time<Resolution>("resolved_at", x => x.ResolvedAt),
        Col.Day<Resolution>("local_day", x => x.LocalDay));
}

/// <summary>One agent's handled conversations on one store-local day.</summary>
public sealed record HandledDay(DateOnly Day, long Handled);

/// <summary>An agent's handled conversations over the window (distinct conversations), with the days that had any.</summary>
public sealed record AgentHandled(string AgentId, long Handled, IReadOnlyList<HandledDay> Days);

/// <summary>
/// Handled per agent over a window (docs/metrics.md, "Handled per agent"), from <see cref="AgentHandledProjection"/>'s
/// rows: the distinct conversations an agent resolved in the window (a conversation resolved twice counts once; on a
/// day, once that day). Resolutions after <c>now</c> are not counted.
/// </summary>
public sealed class AgentHandledQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
{
    private readonly MetricSql _sql = new(dataSource, viewSchema);

    public async Task<IReadOnlyList<AgentHandled>> GetAsync(
        string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var resolutions = _sql.View(AgentHandledProjection.ResolutionsTable);
        var where = $"{MetricSql.Is(storeId, "store_id", "store")} AND {MetricSql.Is(agentId, "agent_id", "agent")} AND {window.Where("local_day", "resolved_at")}";
        var totals = await _sql.ListAsync(
            $"SELECT agent_id, count(DISTINCT conversation_id) FROM {resolutions} WHERE {where} GROUP BY agent_id ORDER BY agent_id",
            storeId, agentId, window, now, r => (Agent: r.Text(0), Handled: r.Long(1)), cancellationToken);
        var days = await _sql.ListAsync(
            $"SELECT agent_id, local_day, count(DISTINCT conversation_id) FROM {resolutions} WHERE {where} GROUP BY agent_id, local_day ORDER BY agent_id, local_day",
            storeId, agentId, window, now, r => (Agent: r.Text(0), Day: new HandledDay(r.DayN(1)!.Value, r.Long(2))), cancellationToken);
        return [.. totals.Select(t => new AgentHandled(t.Agent, t.Handled, [.. days.Where(d => d.Agent == t.Agent).Select(d => d.Day)]))];
    }
}
