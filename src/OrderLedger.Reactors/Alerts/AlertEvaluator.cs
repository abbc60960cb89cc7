using System.Globalization;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Domain;
using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Stores;
using OrderLedger.Application.CommandHandling;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Metrics;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels;

namespace OrderLedger.Reactors.Alerts;

/// <summary>
/// The alerts reactor: every <see cref="AlertOptions.EvaluateEvery"/> (on <see cref="TimeProvider"/>'s clock) it reads
/// each store's live figures, runs <see cref="AlertRules"/>, and sends <see cref="RaiseAlert"/> for a condition that holds
/// without an open alert and <see cref="RecoverAlert"/> for an open alert whose condition no longer holds, through
/// <see cref="CommandService"/>. The decider keeps one alert per episode, so two hosts evaluating at once, or a read
/// model that lags behind the stream, raise nothing twice.
/// </summary>
/// <param name="metricsDataSource">The figures' pool (<see cref="OrderLedger.Metrics.Infrastructure.MetricPool"/>).</param>
public sealed partial class AlertEvaluator(
    CommandService commands,
    AlertOptions options,
    ReactorOptions reactorOptions,
    IProjectionAdmin projections,
    TimeProvider time,
    ILogger<AlertEvaluator> logger,
    NpgsqlDataSource dataSource,
    NpgsqlDataSource metricsDataSource) : PollingService(time)
{
    private readonly MetricQueries _metrics = new(metricsDataSource, reactorOptions.ViewSchema);
    private readonly ConversationQueries _conversations = new(dataSource, reactorOptions.ViewSchema);
    private readonly AlertQueries _alerts = new(dataSource, reactorOptions.ViewSchema);
    private readonly ShipmentQueries _shipments = new(dataSource, reactorOptions.ViewSchema);

    protected override TimeSpan Interval => options.EvaluateEvery;

    protected override Task PassAsync(CancellationToken cancellationToken) => EvaluateAsync(cancellationToken);

    protected override void OnPassFailed(Exception exception) => LogPassFailed(exception);

    /// <summary>One pass over every store the read models know; returns how many alerts were raised or recovered.</summary>
    public async Task<int> EvaluateAsync(CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow();
        var statuses = await projections.GetStatusAsync(cancellationToken);
        var projectionStates = statuses.Select(s => (s.Name, s.State == ProjectionState.Faulted, s.LastError?.Message)).ToList();
        var changed = 0;
        foreach (var storeId in await _metrics.Service.ListStoresAsync(cancellationToken))
        {
            changed += await EvaluateStoreAsync(storeId, now, projectionStates, cancellationToken);
        }

        return changed;
    }

    private async Task<int> EvaluateStoreAsync(
        string storeId, DateTimeOffset now, IReadOnlyList<(string, bool, string?)> projectionStates, CancellationToken cancellationToken)
    {
        var open = (await _alerts.ListAsync([storeId], 0, cancellationToken)).Open.Select(a => (a.Rule, a.Subject)).ToHashSet();
        var inputs = await InputsAsync(storeId, now, projectionStates, cancellationToken) with
        {
            OpenWorkOrderAlerts = [.. open.Where(o => o.Rule == AlertsDecider.WorkOrderEscalatedRule).Select(o => o.Subject)],
        };
        var checks = AlertRules.Check(inputs, options.TargetsOf(storeId));
        var commandsToSend = new List<AlertCommand>();
        foreach (var check in checks)
        {
            if (check.Holds && !open.Contains((check.Rule, check.Subject)))
            {
                commandsToSend.Add(new RaiseAlert(storeId, check.Rule, check.Subject, check.Summary, check.Value, check.Target, now));
            }
            else if (!check.Holds && open.Contains((check.Rule, check.Subject)))
            {
                commandsToSend.Add(new RecoverAlert(storeId, check.Rule, check.Subject, check.Summary, now));
            }
        }

        // An open alert no rule speaks of any more (a projection no longer registered) recovers too.
        var checkedKeys = checks.Select(c => (c.Rule, c.Subject)).ToHashSet();
        commandsToSend.AddRange(open.Where(o => !checkedKeys.Contains(o))
            .Select(o => new RecoverAlert(storeId, o.Rule, o.Subject, $"{o.Subject} is no longer evaluated by {o.Rule}", now)));

        var changed = 0;
        foreach (var command in commandsToSend)
        {
            var (rule, subject, verb) = command switch
            {
                RaiseAlert r => (r.Rule, r.Subject, "raise"),
                RecoverAlert r => (r.Rule, r.Subject, "recover"),
                _ => throw new InvalidOperationException(command.GetType().Name),
            };
            var commandId = $"reactor/alerts/{storeId}/{rule}/{subject}/{verb}/{now.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
            var outcome = await commands.ExecuteAsync(command, new CommandContext(commandId, Actor.System("reactor-alerts"), now, storeId), cancellationToken);
            if (outcome.Error is { } error)
            {
                LogRefused(storeId, rule, subject, error.Rule);
                continue;
            }

            if (!outcome.AlreadyProcessed && outcome.Changes.Any(c => c.Events.Count > 0))
            {
                changed++;
                LogChanged(storeId, rule, subject, verb);
            }
        }

        return changed;
    }

    private async Task<AlertInputs> InputsAsync(
        string storeId, DateTimeOffset now, IReadOnlyList<(string, bool, string?)> projectionStates, CancellationToken cancellationToken)
    {
        var store = (await commands.Handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken: cancellationToken)).State;
        var sla = store.Sla;
        var queue = await QueueAsync(_conversations, storeId, now, store, cancellationToken);
        var parcels = await _shipments.CountExceptionsAndStuckAsync(storeId, now, _metrics.StuckAfter, cancellationToken);
        var lastHour = await _metrics.Service.CountComplaintsAsync(storeId, AlertRules.LastHour, now, cancellationToken);
        var withBaseline = await _metrics.Service.CountComplaintsAsync(storeId, AlertRules.ComplaintBaseline + AlertRules.LastHour, now, cancellationToken);
        return new AlertInputs(
            await _metrics.Service.GetReplyRateOverLastAsync(storeId, AlertRules.LastHour, now, cancellationToken),
            queue,
            sla.FirstReplySeconds,
            parcels?.Stuck,
            lastHour,
            (withBaseline - lastHour) / AlertRules.ComplaintBaseline.TotalHours,
            await MissedEscalationDeadlinesAsync(storeId, cancellationToken),
            projectionStates,
            await EscalatedWorkOrdersAsync(storeId, cancellationToken));
    }

    /// <summary>
    /// The queue now, each conversation against the store's first-reply target of its priority, as the queue itself shows
    /// it (VIP one minute unless the store set another; the cockpit's figure too).
    /// </summary>
    public static async Task<QueueNow> QueueAsync(ConversationQueries conversations, string storeId, DateTimeOffset now, StoreState store, CancellationToken cancellationToken)
    {
        var queue = await conversations.GetQueueAsync([storeId], now, TimeSpan.FromSeconds(Math.Max(1, store.Sla.FirstReplySeconds)),
            limit: OrderLedger.ReadModels.Infrastructure.ReadModelPage.MaxSize, targetByPriority: ConversationQueries.FirstReplyTargets(store),
            cancellationToken: cancellationToken);
        // The queue is served by priority first, so its longest wait need not be its first row.
        return new QueueNow(queue.Count, queue.Count(q => q.SlaBreached), queue.Count == 0 ? null : queue.Max(q => q.Waiting));
    }

    /// <summary>Escalated conversations still open whose deadline the escalation-deadline timer recorded as missed.</summary>
    private async Task<long> MissedEscalationDeadlinesAsync(string storeId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"""
                SELECT count(DISTINCT c.conversation_id)
                FROM reactors.dispatched d JOIN {reactorOptions.ViewSchema}.conversations c ON c.conversation_id = d.subject
                WHERE d.kind = @Kind AND d.outcome = 'done' AND c.store_id = @StoreId AND c.status = 'open' AND c.escalated
                """,
                new { Kind = TimerKinds.EscalationDeadline, StoreId = storeId }, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return 0; // nothing dispatched yet, or the conversations read model is not built
        }
    }

    /// <summary>The store's work orders escalated at their first-plan deadline and still without a plan or resolution, oldest first.</summary>
    private async Task<IReadOnlyList<string>> EscalatedWorkOrdersAsync(string storeId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return [.. await connection.QueryAsync<string>(new CommandDefinition(
                $"""
                SELECT ticket_id FROM {reactorOptions.ViewSchema}.work_orders
                WHERE store_id = @StoreId AND escalated AND first_answer_at IS NULL AND closed_at IS NULL
                ORDER BY escalated_at, ticket_id LIMIT @Limit
                """,
                new { StoreId = storeId, Limit = OrderLedger.ReadModels.Infrastructure.ReadModelPage.MaxSize }, cancellationToken: cancellationToken))];
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return []; // the work-orders read model is not built
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {StoreId} {Rule} {Subject}: {Verb}.")]
    private partial void LogChanged(string storeId, string rule, string subject, string verb);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {StoreId} {Rule} {Subject}: refused ({Error}).")]
    private partial void LogRefused(string storeId, string rule, string subject, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert evaluation failed; retrying on the next pass.")]
    private partial void LogPassFailed(Exception exception);
}
