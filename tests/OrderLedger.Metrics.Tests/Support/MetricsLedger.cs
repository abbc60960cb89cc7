using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Domain;
using OrderLedger.Domain.Allocation;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Audit;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Testing;

namespace OrderLedger.Metrics.Tests.Support;

/// <summary>
/// The "given" of a metric spec: commands through <see cref="CommandService"/> (every rule of the deciders checked,
/// each command at its own business time, by the actor who would send it) into the real PostgreSQL event store — or,
/// for the cross-check's generated history, domain events appended as they are (encoded, hash-chained) — read back
/// from <c>$all</c>, decoded, and projected the way the runtime does it: tables in a fresh schema, batches in
/// transactions, then the <c>rm.*</c> views pointed at the build.
/// </summary>
public sealed class MetricsLedger : IAsyncDisposable
{
    private static readonly EventCodec Codec = new(DomainEventTypes.CreateRegistry());

    private readonly TestDatabase database;
    private readonly IEventStore store;
    private readonly Position? start;
    private readonly CommandService commands;
    private int appended;

    /// <summary>The stores registered so far (by <see cref="StoreAsync"/> or a commerce helper), so each is registered once.</summary>
    public HashSet<string> RegisteredStores { get; } = [];

    /// <summary>The stores whose shop (warehouse, stock, refund policies) a commerce helper has set up.</summary>
    public HashSet<string> ShopsSetUp { get; } = [];

    private MetricsLedger(TestDatabase database, IEventStore store, Position? start)
    {
        this.database = database;
        this.store = store;
        this.start = start;
        commands = new ServiceCollection().AddSingleton(store).AddSingleton(Codec).AddOrderLedgerApplication()
            .BuildServiceProvider().GetRequiredService<CommandService>();
    }

    /// <summary>
    /// A ledger with an event store of its own (a fresh schema in <paramref name="database"/>): the specs of a class
    /// share the database and reuse ids (store S1, conversation CV1), and the deciders must not see another spec's streams.
    /// </summary>
    public static async Task<MetricsLedger> OpenAsync(TestDatabase database) =>
        await OpenAsync(database, await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions
        {
            ConnectionString = database.ConnectionString,
            Schema = "es_" + Guid.NewGuid().ToString("N")[..12],
        }));

    /// <summary>Appends to <paramref name="store"/> (disposed with the ledger); read models in <paramref name="database"/>.</summary>
    public static async Task<MetricsLedger> OpenAsync(TestDatabase database, IEventStore store) =>
        new(database, store, await store.ReadHeadPositionAsync());

    public MetricQueries Queries => new(database.DataSource);

    /// <summary>Runs a command as <paramref name="actor"/> (the system by default) at its own business time; the outcome, accepted or not.</summary>
    public async Task<CommandOutcome> TryAsync(IDomainCommand command, Actor? actor = null)
    {
        var outcome = await commands.ExecuteAsync(command, new CommandContext(Guid.NewGuid().ToString("N"), actor ?? Actor.System("spec"), command.OccurredAt));
        Interlocked.Add(ref appended, outcome.Events.Count());
        return outcome;
    }

    /// <summary>Runs a command that must be accepted.</summary>
    public async Task<CommandOutcome> RunAsync(IDomainCommand command, Actor? actor = null)
    {
        var outcome = await TryAsync(command, actor);
        Xunit.Assert.True(outcome.IsSuccess, $"{command}: {outcome.Error}");
        return outcome;
    }

    /// <summary>Appends <paramref name="events"/> to a stream as one command happening at <paramref name="at"/>.</summary>
    public async Task AppendAsync(string streamId, DateTimeOffset at, params object[] events)
    {
        var last = await store.ReadStreamAsync(streamId, StreamReadOptions.Last(1)).FirstOrDefaultAsync();
        var context = new CommandContext(Guid.NewGuid().ToString("N"), Actor.System("spec"), at);
        await store.AppendAsync(streamId, ExpectedRevision.After(last?.Revision), Codec.Encode(events, context, ChainTip.After(streamId, last)));
        Interlocked.Add(ref appended, events.Length);
    }

    /// <summary>
    /// Appends a new stream in one append, each event encoded as its own command at its own business time
    /// (<paramref name="events"/>: time and event), hash-chained as the store expects.
    /// </summary>
    public async Task AppendStreamAsync(string streamId, IReadOnlyList<(DateTimeOffset At, object Event)> events, string? storeId = null)
    {
        var data = new List<EventData>(events.Count);
        var tip = new ChainTip(streamId, null, null);
        foreach (var (at, e) in events)
        {
            var encoded = Codec.Encode([e], new CommandContext(Guid.NewGuid().ToString("N"), ActorOf(e), at, storeId), tip)[0];
            HashChain.TryUnseal(encoded.Metadata, out _, out var hash);
            tip = new ChainTip(streamId, tip.NextRevision, hash);
            data.Add(encoded);
        }

        await store.AppendAsync(streamId, ExpectedRevision.NoStream, data);
        Interlocked.Add(ref appended, events.Count);
    }

    /// <summary>A generated resolution "by the customer" is the customer's act (a withdrawal while an inquiry is open).</summary>
    private static Actor ActorOf(object e) =>
        e is ConversationResolved { ResolvedBy: ConversationDecider.ResolvedByCustomer } ? new Actor(ActorKind.Customer, "spec") : Actor.System("spec");

    /// <summary>Registers the store (and sets its service hours) at 00:00 on the spec day, through the store decider.</summary>
    public async Task StoreAsync(string storeId, string timeZone, TimeOnly? opens = null, TimeOnly? closes = null)
    {
        await RunAsync(new RegisterStore(storeId, storeId, timeZone, "CNY", Day.At("00:00")));
        RegisteredStores.Add(storeId);
        if (opens is not null)
        {
            await ServiceHoursAsync(storeId, opens.Value, closes!.Value, timeZone, Day.At("00:00"));
        }
    }

    public Task ServiceHoursAsync(string storeId, TimeOnly opens, TimeOnly closes, string timeZone, DateTimeOffset at) =>
        RunAsync(new SetServiceHours(storeId, opens, closes, timeZone, at));

    public ConversationScript Conversation(string conversationId, string storeId = "S1", string customerId = "C1") =>
        new(this, conversationId, storeId, customerId);

    /// <summary>Everything appended since <see cref="OpenAsync"/>, in <c>$all</c> order, decoded.</summary>
    public async Task<IReadOnlyList<DecodedEvent>> ReadAsync()
    {
        var all = await Eventually.Get(
            async () => await store.ReadAllAsync(start, null, long.MaxValue).ToListAsync(),
            events => events.Count >= appended,
            because: $"{appended} appended events readable from $all");
        return [.. all.Select(Codec.Decode)];
    }

    /// <summary>
    /// Builds the metric projections (and, with <paramref name="withCoreReadModels"/>, the core shipments and stock
    /// levels) from everything appended, in batches of <paramref name="batchSize"/>, and publishes them as <c>rm.*</c>.
    /// </summary>
    public async Task<MetricQueries> ProjectAsync(int batchSize = int.MaxValue, bool withCoreReadModels = false, IReadOnlyList<DecodedEvent>? events = null)
    {
        events ??= await ReadAsync();
        IProjection[] projections = withCoreReadModels
            ? [new ServiceMetricsProjection(), new CommerceMetricsProjection(), new ReadModels.ShipmentsProjection(), new ReadModels.StockLevelsProjection()]
            : [new ServiceMetricsProjection(), new CommerceMetricsProjection()];
        foreach (var projection in projections)
        {
            await Projector.BuildAndPublishAsync(database.DataSource, projection, events, batchSize);
        }

        return Queries;
    }

    public ValueTask DisposeAsync() => store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>
/// One conversation's commands, each through the conversation decider and by the actor who sends it: the customer
/// writes, rates and answers; the bot replies and hands off; agents are assigned, reply and resolve.
/// </summary>
public sealed class ConversationScript(MetricsLedger ledger, string conversationId, string storeId, string customerId)
{
    private static readonly Actor CustomerActor = new(ActorKind.Customer, "ingest");
    private static readonly Actor BotActor = new(ActorKind.Bot, "ingest");

    private int messages;

    private string NextMessageId() => $"{conversationId}-m{++messages}";

    private static Actor AgentActor(string agentId) => new(ActorKind.Agent, agentId);

    public Task Started(DateTimeOffset at, ConversationMode mode = ConversationMode.Human, string? orderId = null) =>
        ledger.RunAsync(new StartConversation(conversationId, storeId, customerId, "chat", orderId, mode == ConversationMode.Bot, [], at), CustomerActor);

    /// <summary>Started in human mode with the standing the edge would look up and the urgency the starter states.</summary>
    public Task StartedAs(DateTimeOffset at, CustomerStanding? standing, IssueUrgency urgency = IssueUrgency.None) =>
        ledger.RunAsync(new StartConversation(conversationId, storeId, customerId, "chat", null, false, [], at) { Standing = standing, Urgency = urgency }, CustomerActor);

    public Task Urgency(IssueUrgency urgency, string agentId, DateTimeOffset at) =>
        ledger.RunAsync(new SetConversationUrgency(conversationId, urgency, at), AgentActor(agentId));

    public Task Classify(ConversationCategory category, bool complaint, string agentId, DateTimeOffset at) =>
        ledger.RunAsync(new ClassifyConversation(conversationId, category, complaint, [], at), AgentActor(agentId));

    /// <summary>A customer message; into a resolved conversation it reopens it (as the decider records it).</summary>
    public Task Customer(DateTimeOffset at) => ledger.RunAsync(new ReceiveCustomerMessage(conversationId, NextMessageId(), "hello?", at), CustomerActor);

    public Task Bot(DateTimeOffset at) => ledger.RunAsync(new SendBotReply(conversationId, NextMessageId(), "A bot answer.", at), BotActor);

    public Task HandOff(DateTimeOffset at) => ledger.RunAsync(new HandOffToHuman(conversationId, "asked-for-human", at), BotActor);

    public Task Assign(string agentId, DateTimeOffset at) => ledger.RunAsync(new AssignAgent(conversationId, agentId, at), AgentActor(agentId));

    public Task Agent(string agentId, DateTimeOffset at) =>
        ledger.RunAsync(new SendAgentReply(conversationId, agentId, NextMessageId(), "An agent answer.", at), AgentActor(agentId));

    /// <summary>Resolved by an agent, or (<paramref name="by"/> "customer" / "bot") closed by the customer or the bot.</summary>
    public Task Resolve(DateTimeOffset at, string by = "agent") =>
        ledger.RunAsync(new ResolveConversation(conversationId, by, at), by switch
        {
            ConversationDecider.ResolvedByCustomer => CustomerActor,
            ConversationDecider.ResolvedByBot => BotActor,
            _ => AgentActor(by),
        });

    /// <summary>A customer writes into a resolved conversation: it reopens with that message.</summary>
    public Task Reopen(DateTimeOffset at) => ledger.RunAsync(new ReceiveCustomerMessage(conversationId, NextMessageId(), "again", at), CustomerActor);

    public Task Rate(SatisfactionRating rating, DateTimeOffset at) => ledger.RunAsync(new RateSatisfaction(conversationId, rating, at), CustomerActor);

    public Task SurveySent(DateTimeOffset at) => ledger.RunAsync(new SendNpsSurvey(conversationId, at));

    public Task Nps(int score, DateTimeOffset at) => ledger.RunAsync(new AnswerNps(conversationId, score, at), CustomerActor);

    /// <summary>Started in human mode with an agent assigned, the usual opening of a spec about replies.</summary>
    public async Task OpenedWith(string agentId, DateTimeOffset at, string? orderId = null)
    {
        await Started(at, ConversationMode.Human, orderId);
        await Assign(agentId, at);
    }
}

/// <summary>Business times of the specs: a fixed Monday, 2 March 2026, in UTC unless a spec says otherwise.</summary>
public static class Day
{
    public static readonly DateOnly Monday = new(2026, 3, 2);

    /// <summary>"10:00:40" on the spec day (UTC).</summary>
    public static DateTimeOffset At(string time) => At(Monday, time);

    public static DateTimeOffset At(DateOnly day, string time) =>
        new(day.ToDateTime(TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture)), TimeSpan.Zero);

    /// <summary>"10:00" <paramref name="days"/> days after the spec day.</summary>
    public static DateTimeOffset After(int days, string time) => At(Monday.AddDays(days), time);
}

/// <summary>Runs projections the way the runtime does, minus its loop.</summary>
public static class Projector
{
    public static async Task<string> BuildAndPublishAsync(NpgsqlDataSource dataSource, IProjection projection, IReadOnlyList<DecodedEvent> events, int batchSize = int.MaxValue)
    {
        var schema = "spec_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(dataSource, $"CREATE SCHEMA {schema}; {projection.CreateTablesSql(schema)}");
        foreach (var batch in events.Where(e => projection.EventTypes.Contains(e.Record.Type)).Chunk(Math.Max(1, Math.Min(batchSize, 1_000_000))))
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await projection.ApplyAsync(batch, new ProjectionContext(connection, transaction, schema), CancellationToken.None);
            await transaction.CommitAsync();
        }

        var views = string.Join(";", projection.Tables.Select(t => $"DROP VIEW IF EXISTS rm.{t}; CREATE VIEW rm.{t} AS SELECT * FROM {schema}.{t}"));
        await ExecuteAsync(dataSource, $"CREATE SCHEMA IF NOT EXISTS rm; {views}");
        return schema;
    }

    /// <summary>Every table of a build as sorted text rows: equal dumps mean identical tables.</summary>
    public static async Task<List<string>> DumpAsync(NpgsqlDataSource dataSource, IProjection projection, string schema)
    {
        var rows = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var table in projection.Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT t::text FROM {schema}.{table} t ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add($"{table}: {reader.GetString(0)}");
            }
        }

        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
