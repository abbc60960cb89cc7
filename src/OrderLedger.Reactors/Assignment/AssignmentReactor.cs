using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Roster;
using OrderLedger.EventStore.Serialization;
using OrderLedger.ReadModels;

namespace OrderLedger.Reactors.Assignment;

/// <summary>
/// Assignment (docs/reactors.md, "Assignment"): every <see cref="ReactorOptions.PollInterval"/> it binds the buyers whose
/// binding is due, gives each open human conversation nobody has to the agent <see cref="AssignmentPolicy.ChooseAgent"/>
/// picks (<see cref="RouteToAgent"/>), and staffs each escalation without a team (<see cref="AssignEscalationTeam"/>).
/// Work and loads come from the <c>roster</c> read model, the roster itself (shifts, capacities, ranks, bindings) from its
/// stream; the commands go through <see cref="CommandService"/> with deterministic ids, and the conversation's decider
/// refuses what is no longer true (a conversation claimed meanwhile stays with whoever has it).
/// </summary>
public sealed partial class AssignmentReactor(
    CommandService commands, RosterQueries roster, ReactorOptions options, TimeProvider time, ILogger<AssignmentReactor> logger) : PollingService(time)
{
    /// <summary>Routed by this process, not yet seen assigned in the read model: counted on the agent meanwhile, so a lagging read model cannot overfill anyone.</summary>
    private readonly ConcurrentDictionary<string, string> _routed = new(StringComparer.Ordinal);

    protected override TimeSpan Interval => options.PollInterval;

    protected override Task PassAsync(CancellationToken cancellationToken) => AssignAsync(cancellationToken);

    protected override void OnPassFailed(Exception exception) => LogPassFailed(exception);

    /// <summary>One pass; returns how many commands recorded something.</summary>
    public async Task<int> AssignAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await BindAsync(cancellationToken) + await RouteAndStaffAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0; // the roster read model has not built its first generation yet
        }
    }

    private async Task<int> BindAsync(CancellationToken cancellationToken)
    {
        var recorded = 0;
        foreach (var due in await roster.GetBindingsDueAsync(options.BatchSize, cancellationToken))
        {
            var context = Context($"bind-buyer/{due.CustomerId}", due.StoreId);
            var outcome = await commands.ExecuteAsync(new BindBuyer(due.StoreId, due.CustomerId, due.AgentId, due.FirstOrderId, context.OccurredAt), context, cancellationToken);
            recorded += Recorded(outcome, "bind-buyer", due.CustomerId);
        }

        return recorded;
    }

    private async Task<int> RouteAndStaffAsync(CancellationToken cancellationToken)
    {
        var unassigned = await roster.GetUnassignedAsync(options.BatchSize, cancellationToken);
        var escalations = await roster.GetEscalationsWithoutTeamAsync(options.BatchSize, cancellationToken);
        var stillQueued = unassigned.Select(w => w.ConversationId).ToHashSet(StringComparer.Ordinal);
        foreach (var seen in _routed.Keys.Where(id => !stillQueued.Contains(id)))
        {
            _routed.TryRemove(seen, out _);
        }

        var recorded = 0;
        foreach (var store in unassigned.Concat(escalations).Select(w => w.StoreId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var state = (await commands.Handler.LoadAsync(RosterDecider.Decider, StreamIds.Roster(store), cancellationToken: cancellationToken)).State;
            var loads = await roster.GetLoadsAsync(store, cancellationToken);
            foreach (var work in unassigned.Where(w => w.StoreId == store))
            {
                if (_routed.TryGetValue(work.ConversationId, out var routedTo))
                {
                    Count(loads, routedTo);
                    continue;
                }

                if (AssignmentPolicy.ChooseAgent(state, loads, work.CustomerId) is not { } agent)
                {
                    continue;
                }

                var context = Context($"route/{work.ConversationId}", store);
                var outcome = await commands.ExecuteAsync(new RouteToAgent(work.ConversationId, agent, context.OccurredAt), context, cancellationToken);
                if (Recorded(outcome, "route", work.ConversationId) > 0)
                {
                    _routed[work.ConversationId] = agent;
                    Count(loads, agent);
                    recorded++;
                }
            }

            foreach (var work in escalations.Where(w => w.StoreId == store && w.EscalatedAt is not null))
            {
                if (AssignmentPolicy.ChooseEscalationTeam(state, loads) is { } team)
                {
                    recorded += await StaffAsync(work, work.EscalatedAt!.Value, team, state, cancellationToken);
                }
            }
        }

        return recorded;
    }

    /// <summary>
    /// Dated at the escalation, or at the later shift start of the two when one came on shift after it: the first moment
    /// the team could be formed. A stream with a later fact already takes it dated now.
    /// </summary>
    private async Task<int> StaffAsync(AssignmentWork work, DateTimeOffset escalatedAt, EscalationTeam team, RosterState state, CancellationToken cancellationToken)
    {
        var at = new[] { escalatedAt, state.Agent(team.SeniorAgentId).ShiftStartedAt!.Value, state.Agent(team.SupervisorId).ShiftStartedAt!.Value }.Max();
        var context = Context($"escalation-team/{ReactorCommandIds.EscalationKey(work.ConversationId, escalatedAt)}", work.StoreId);
        var outcome = await commands.ExecuteAsync(new AssignEscalationTeam(work.ConversationId, team.SeniorAgentId, team.SupervisorId, at), context with { OccurredAt = at }, cancellationToken);
        if (outcome.Error is { Rule: BusinessTime.BeforeLastEventRule })
        {
            outcome = await commands.ExecuteAsync(new AssignEscalationTeam(work.ConversationId, team.SeniorAgentId, team.SupervisorId, context.OccurredAt), context, cancellationToken);
        }

        return Recorded(outcome, "escalation-team", work.ConversationId);
    }

    private static void Count(Dictionary<string, AgentLoad> loads, string agentId) =>
        loads[agentId] = loads.GetValueOrDefault(agentId) is { } load ? load with { Open = load.Open + 1 } : new AgentLoad(agentId, 1, null);

    private CommandContext Context(string key, string storeId) =>
        new(ReactorCommandIds.Of(AssignmentKinds.Assignment, key), Actor.System($"reactor-{AssignmentKinds.Assignment}"), Time.GetUtcNow(), storeId);

    private int Recorded(CommandOutcome outcome, string what, string subject)
    {
        if (outcome.Error is { } refused)
        {
            LogRefused(what, subject, refused.Rule);
            return 0;
        }

        var events = outcome.Changes.Where(c => !c.AlreadyProcessed).Sum(c => c.Events.Count);
        if (events > 0)
        {
            LogRecorded(what, subject, events);
        }

        return events > 0 ? 1 : 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {What} {Subject}: {Events} events recorded.")]
    private partial void LogRecorded(string what, string subject, int events);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Assignment {What} {Subject}: refused ({Rule}).")]
    private partial void LogRefused(string what, string subject, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assignment pass failed; retrying on the next pass.")]
    private partial void LogPassFailed(Exception exception);
}

/// <summary>The assignment reactor's name in command ids (<c>reactor/assignment/…</c>) and actors (<c>system:reactor-assignment</c>).</summary>
public static class AssignmentKinds
{
    public const string Assignment = "assignment";
}

public static class AssignmentServiceCollectionExtensions
{
    /// <summary>
    /// The assignment reactor (<see cref="AssignmentReactor"/>), as a hosted service. Call after <c>AddReactors</c> (its
    /// options and command handling) in a process that runs the product's projections (the <c>roster</c> read model).
    /// </summary>
    public static IServiceCollection AddAssignment(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var reactors = sp.GetRequiredService<ReactorOptions>();
            return new RosterQueries(sp.GetRequiredKeyedService<NpgsqlDataSource>(reactors.ConnectionString), reactors.ViewSchema);
        });
        services.TryAddSingleton(sp => new AssignmentReactor(
            sp.GetRequiredService<CommandService>(), sp.GetRequiredService<RosterQueries>(), sp.GetRequiredService<ReactorOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AssignmentReactor>>()));
        services.AddHostedService(sp => sp.GetRequiredService<AssignmentReactor>());
        return services;
    }
}
