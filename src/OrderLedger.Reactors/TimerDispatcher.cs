using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections.Runtime;
using OrderLedger.Reactors.Proactive;

namespace OrderLedger.Reactors;

/// <summary>
/// Fires due timers: every <see cref="ReactorOptions.PollInterval"/> it reads the timers due by now
/// (<see cref="TimeProvider"/>) from <c>rm.reactor_timers</c> that have waited their delay, up to
/// <see cref="ReactorOptions.RecordedGrace"/>, since their arming fact was recorded (imported history is not raced by
/// its own timers), skips those
/// already recorded in <c>reactors.dispatched</c> (outside the projection schemas, so a rebuild of the timers never
/// fires anything twice), sends each one's command through <see cref="CommandService"/> with a deterministic command
/// id, and records the outcome. A refusal (the order
/// was paid meanwhile, the conversation resolved) is an outcome too; a transient failure is retried on the next pass.
/// Several hosts may run it: the command ids make a timer fired twice record its events once.
/// </summary>
/// <param name="dataSource">The read-model database's pool, shared with the rest of the process (and disposed by its owner).</param>
public sealed partial class TimerDispatcher(
    CommandService commands,
    ReactorOptions options,
    TimeProvider time,
    ILogger<TimerDispatcher> logger,
    NpgsqlDataSource dataSource) : PollingService(time)
{
    private readonly NpgsqlDataSource _dataSource = dataSource;
    private readonly ProactiveCaseReactor _proactiveCases = new(commands);
    private readonly OwnTables _tables = new(dataSource, """
        CREATE SCHEMA IF NOT EXISTS reactors;
        CREATE TABLE IF NOT EXISTS reactors.dispatched (
            kind           text NOT NULL,
            key            text NOT NULL,
            subject        text NOT NULL,
            due_at         timestamptz NOT NULL,
            dispatched_at  timestamptz NOT NULL,
            outcome        text NOT NULL,
            events         int NOT NULL,
            PRIMARY KEY (kind, key));
        """);

    protected override TimeSpan Interval => options.PollInterval;

    protected override Task PassAsync(CancellationToken cancellationToken) => DispatchDueAsync(cancellationToken);

    protected override void OnPassFailed(Exception exception) => LogPassFailed(exception);

    /// <summary>One pass: fires every timer due by now that was not fired before; returns how many it fired.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        await _tables.EnsureAsync(cancellationToken);
        var now = Time.GetUtcNow();
        IReadOnlyList<DueTimer> due;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            try
            {
                due = (await connection.QueryAsync<DueTimerRow>(new CommandDefinition(
                    $"""
                    SELECT t.kind, t.subject, t.key, t.store_id AS storeid, t.order_id AS orderid, t.due_at AS dueat, t.due_ticks AS dueticks
                    FROM {options.ViewSchema}.reactor_timers t
                    WHERE t.due_at <= @Now
                      AND (NOT @Graced OR t.recorded_at + LEAST(t.due_at - t.armed_at, @Grace) <= @Now)
                      AND NOT EXISTS (SELECT 1 FROM reactors.dispatched d WHERE d.kind = t.kind AND d.key = t.key)
                    ORDER BY t.due_at
                    LIMIT @Limit
                    """,
                    new
                    {
                        Now = now.UtcDateTime,
                        Graced = options.RecordedGrace > TimeSpan.Zero,
                        Grace = options.RecordedGrace,
                        Limit = options.BatchSize,
                    },
                    cancellationToken: cancellationToken)))
                    .Select(r => new DueTimer(r.Kind, r.Subject, r.Key, r.StoreId, r.OrderId,
                        r.DueTicks is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : new DateTimeOffset(DateTime.SpecifyKind(r.DueAt, DateTimeKind.Utc))))
                    .ToList();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return 0; // the timers projection has not built its first generation yet
            }
        }

        var fired = 0;
        foreach (var timer in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (timer.DueAt > now)
            {
                continue; // due_at (to the microsecond) is reached, the precise due time within it not yet
            }

            var outcome = await FireAsync(timer, now, cancellationToken);
            if (outcome.Error is { Rule: CommandHandler.ConflictRule })
            {
                continue; // try again on the next pass
            }

            await RecordAsync(timer, now, outcome, cancellationToken);
            fired++;
            if (outcome.Error is { } refused)
            {
                LogRefused(timer.Kind, timer.Key, refused.Rule);
            }
            else
            {
                var recorded = outcome.Changes.Where(c => !c.AlreadyProcessed).Sum(c => c.Events.Count);
                LogFired(timer.Kind, timer.Key, recorded);
            }
        }

        return fired;
    }

    private async Task<CommandOutcome> FireAsync(DueTimer timer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var context = new CommandContext(ReactorCommandIds.Of(timer.Kind, timer.Key), Actor.System($"reactor-{timer.Kind}"), now, timer.StoreId);
        switch (timer.Kind)
        {
            case TimerKinds.PaymentTimeout:
                return await AtDueTimeAsync(timer, context, now, at => new TimeOutPayment(timer.Subject, at), cancellationToken);
            case TimerKinds.NpsSurvey:
                return await AtDueTimeAsync(timer, context, now, at => new SendNpsSurvey(timer.Subject, at), cancellationToken);
            case TimerKinds.RepeatContact:
                return await AtDueTimeAsync(timer, context, now, at => new EscalateConversation(timer.Subject, ConversationDecider.RepeatContactReason, at), cancellationToken);
            case TimerKinds.EscalationDeadline:
                return await AtDueTimeAsync(timer, context, now, at => new RecordEscalationDeadlineMissed(timer.Subject, at), cancellationToken);
            case TimerKinds.BotHandOff:
                return await AtDueTimeAsync(timer, context, now, at => new HandOffToHuman(timer.Subject, ConversationDecider.BotNoAnswerReason, at), cancellationToken);
            case TimerKinds.WorkOrderPlan:
                return await AtDueTimeAsync(timer, context, now, at => new EscalateWorkOrder(timer.Subject, at), cancellationToken);
            case TimerKinds.PaidNotShipped or TimerKinds.NoTrackingScan or TimerKinds.UnreservableLine:
                // The facts at the due time decide; a case is one conversation per reason and order (or parcel).
                return await _proactiveCases.CaseAsync(timer, timer.DueAt, cancellationToken) is { } start
                    ? await AtDueTimeAsync(timer, context, now, at => start with { OccurredAt = at }, cancellationToken)
                    : ProactiveCaseReactor.NothingToOpen;
            case TimerKinds.AutoRefund:
                var changes = new List<StreamChange>();
                foreach (var (command, commandId) in await ParcelStepsAsync(timer, cancellationToken))
                {
                    // Refused when the parcel left meanwhile: then the refund stays paid and the parcel travels (a return follows).
                    var step = await AtDueTimeAsync(timer, context with { CommandId = commandId }, now, command, cancellationToken);
                    changes.AddRange(step.Changes);
                }

                var paid = await AtDueTimeAsync(
                    timer, context, now, at => new PayRefund(timer.Subject, ReactorCommandIds.RefundPaymentReference(timer.Subject), at), cancellationToken);
                return new CommandOutcome([.. changes, .. paid.Changes], paid.Error);
            default:
                throw new InvalidOperationException($"Unknown timer kind '{timer.Kind}'.");
        }
    }

    /// <summary>
    /// A timer's command is dated at its due time, the business time it belongs to, even when the dispatcher fires it
    /// later (imported history, a host that was down): a survey due seven days after a resolution is dated then, not
    /// on the day it was sent. When the stream has a later fact already (a rating after the due time), a fact cannot be
    /// dated before it: then the command is dated when it is sent.
    /// </summary>
    private async Task<CommandOutcome> AtDueTimeAsync(
        DueTimer timer, CommandContext context, DateTimeOffset now, Func<DateTimeOffset, object> command, CancellationToken cancellationToken)
    {
        var outcome = await commands.ExecuteAsync(command(timer.DueAt), context with { OccurredAt = timer.DueAt }, cancellationToken);
        return outcome.Error is { Rule: BusinessTime.BeforeLastEventRule }
            ? await commands.ExecuteAsync(command(now), context, cancellationToken)
            : outcome;
    }

    /// <summary>
    /// What an auto-refund does to the order's parcels still in a warehouse: a refund of the whole order
    /// (<see cref="RefundScope.CoversWholeOrder"/>) intercepts each; a refund of some units takes those units out of the
    /// parcels that carry them (<see cref="RefundScope.UnitsToTakeOut"/>; a parcel left empty is intercepted); a refund
    /// of money only touches no parcel. Each step is a command for a moment (<see cref="AtDueTimeAsync"/> dates it).
    /// </summary>
    private async Task<IReadOnlyList<(Func<DateTimeOffset, object> Command, string CommandId)>> ParcelStepsAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        if (timer.OrderId is null)
        {
            return [];
        }

        var refund = (await commands.Handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(timer.Subject), cancellationToken: cancellationToken)).State;
        var order = (await commands.Handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(timer.OrderId), cancellationToken: cancellationToken)).State;
        var reason = $"auto-refund {timer.Subject}";
        var wholeOrder = RefundScope.CoversWholeOrder(refund, order);
        var steps = new List<(Func<DateTimeOffset, object>, string)>();
        foreach (var shipmentId in await ParcelsInWarehouseAsync(timer.OrderId, cancellationToken))
        {
            if (wholeOrder)
            {
                steps.Add((at => new InterceptShipment(shipmentId, reason, at), ReactorCommandIds.Intercept(timer.Subject, shipmentId)));
                continue;
            }

            var shipment = (await commands.Handler.LoadAsync(ShipmentDecider.Decider, StreamIds.Shipment(shipmentId), cancellationToken: cancellationToken)).State;
            if (RefundScope.UnitsToTakeOut(refund, shipment) is { Count: > 0 } units)
            {
                steps.Add((at => new AmendShipment(shipmentId, units, reason, at), ReactorCommandIds.Amend(timer.Subject, shipmentId)));
            }
        }

        return steps;
    }

    private async Task<IReadOnlyList<string>> ParcelsInWarehouseAsync(string? orderId, CancellationToken cancellationToken)
    {
        if (orderId is null)
        {
            return [];
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT shipment_id FROM {options.ViewSchema}.reactor_shipments WHERE order_id = @OrderId AND NOT left_warehouse ORDER BY shipment_id",
            new { OrderId = orderId }, cancellationToken: cancellationToken))];
    }

    private async Task RecordAsync(DueTimer timer, DateTimeOffset now, CommandOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO reactors.dispatched (kind, key, subject, due_at, dispatched_at, outcome, events)
            VALUES (@Kind, @Key, @Subject, @DueAt, @Now, @Outcome, @Events)
            ON CONFLICT (kind, key) DO NOTHING
            """,
            new
            {
                timer.Kind,
                timer.Key,
                timer.Subject,
                DueAt = timer.DueAt.UtcDateTime,
                Now = now.UtcDateTime,
                Outcome = outcome.Error is { } error ? $"refused: {error.Rule}"
                    : outcome.AlreadyProcessed ? "already done"
                    : outcome.Changes.Count == 0 ? "not needed"
                    : "done",
                Events = outcome.Changes.Where(c => !c.AlreadyProcessed).Sum(c => c.Events.Count),
            },
            cancellationToken: cancellationToken));
    }


    private sealed record DueTimerRow(string Kind, string Subject, string Key, string? StoreId, string? OrderId, DateTime DueAt, long? DueTicks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reactor {Kind} {Key}: {Events} events recorded.")]
    private partial void LogFired(string kind, string key, int events);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reactor {Kind} {Key}: refused ({Rule}); not retried.")]
    private partial void LogRefused(string kind, string key, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reactor pass failed; retrying on the next pass.")]
    private partial void LogPassFailed(Exception exception);
}
