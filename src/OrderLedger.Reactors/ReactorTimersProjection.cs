using Dapper;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Reactors;

/// <summary>
/// The reactors' schedule, kept as a projection: events become rows of due timers in the same transaction as the
/// projection's checkpoint, so every timer is scheduled exactly once, survives restarts (it is in PostgreSQL, not in
/// memory) and can be rebuilt from the log like any read model. <see cref="TimerDispatcher"/> fires the due ones.
/// <code>
/// order-placed                         → payment-timeout at the order's payment due time
/// order-payment-confirmed / -cancelled → payment-timeout dropped
/// conversation-resolved                → nps-survey at resolution + the store's survey delay (default 7 days)
/// conversation-reopened / survey-sent  → nps-survey dropped
/// conversation-started about an order  → repeat-contact now, if another contact about the order is open and the start
///                                        was not escalated (closes the race of two contacts starting at once)
/// conversation-escalated               → escalation-deadline at escalation + 48 h; repeat-contact dropped
/// conversation-resolved / -reopened / deadline-missed / escalation-resolution-written → escalation-deadline dropped
/// customer-message-received in bot mode → bot-hand-off at message + the store's threshold, unless one runs already
/// conversation-handed-off / -resolved  → bot-hand-off dropped
/// conversation-started in bot mode / -handed-off → conversations in bot mode (reactor_bot_conversations)
/// refund-approved by the auto-refund window rule → auto-refund now (intercept parcels still in the warehouse, then pay)
/// refund-paid / -rejected              → auto-refund dropped
/// shipment-created / -handed-to-carrier / -intercepted → the order's parcels still in a warehouse (reactor_shipments)
/// store-sla-targets-set / -bot-hand-off-set → the store's survey delay and bot threshold (reactor_store_policies)
/// conversation-started / -resolved / -reopened → open contacts per order (reactor_open_conversations)
/// ticket-opened                        → work-order-plan at its first-plan deadline (opened + 2 h)
/// ticket-plan-submitted / -resolved / -escalated / -closed → work-order-plan dropped
/// order-payment-confirmed              → paid-not-shipped at payment + the store's ship-within hours (default 48)
/// order-shipment-handed-over / order-cancelled → paid-not-shipped dropped
/// shipment-handed-to-carrier / -tracking-scanned → no-tracking-scan at the movement + the store's no-scan hours (re-armed)
/// shipment-delivered / -returned-to-sender → no-tracking-scan dropped
/// order-rejected (out of stock)        → unreservable-line now
/// store-proactive-case-policy-set      → the store's proactive-case hours (reactor_store_policies)
/// </code>
/// </summary>
public sealed class ReactorTimersProjection : IProjection
{
    public const string ProjectionName = "reactor_timers";

    /// <summary>
    /// A survey delay beyond this (10 years) is held to it: the API refuses such values, but one already in the log must
    /// not put a due time past what PostgreSQL's timestamptz can hold and stop every store's timers.
    /// </summary>
    public const int MaxSurveyDelayDays = 3650;

    public string Name => ProjectionName;

    // 3: work orders' first-plan deadlines. 4: proactive cases (paid not shipped, no tracking scan, unreservable line).
    // 5: recorded_at and armed_at, when the arming fact was recorded and dated (the dispatcher's grace for imported history).
    public int Version => 5;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(
        typeof(OrderPlaced), typeof(OrderPaymentConfirmed), typeof(OrderCancelled), typeof(OrderRejected), typeof(OrderShipmentHandedOver),
        typeof(ConversationStarted), typeof(ConversationResolved), typeof(ConversationReopened), typeof(NpsSurveySent), typeof(ConversationEscalated),
        typeof(EscalationDeadlineMissed), typeof(EscalationResolutionWritten), typeof(CustomerMessageReceived), typeof(ConversationHandedOff),
        typeof(RefundApproved), typeof(RefundPaid), typeof(RefundRejected),
        typeof(ShipmentCreated), typeof(ShipmentHandedToCarrier), typeof(ShipmentIntercepted), typeof(ShipmentTrackingScanned),
        typeof(ShipmentDelivered), typeof(ShipmentReturnedToSender),
        typeof(StoreSlaTargetsSet), typeof(StoreBotHandOffSet), typeof(StoreProactiveCasePolicySet),
        typeof(WorkOrderOpened), typeof(WorkOrderPlanSubmitted), typeof(WorkOrderEscalated), typeof(WorkOrderResolved), typeof(WorkOrderClosed));

    public IReadOnlyList<string> Tables => ["reactor_timers", "reactor_shipments", "reactor_store_policies", "reactor_open_conversations", "reactor_bot_conversations"];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.reactor_timers (
            kind     text NOT NULL,
            subject  text NOT NULL,
            key      text NOT NULL,
            store_id text,
            order_id text,
            due_at   timestamptz NOT NULL,
            -- the due time to the tick (UTC ticks) where a decider compares with its own: due_at keeps microseconds
            due_ticks bigint,
            -- when the fact that armed it was recorded (the store's timestamp) and its business time: the dispatcher's
            -- grace counts from the recording, and is never longer than the timer's own delay (due_at - armed_at)
            recorded_at timestamptz NOT NULL,
            armed_at    timestamptz NOT NULL,
            PRIMARY KEY (kind, subject));
        CREATE INDEX ON {schema}.reactor_timers (due_at);
        CREATE TABLE {schema}.reactor_shipments (
            order_id        text NOT NULL,
            shipment_id     text NOT NULL,
            left_warehouse  boolean NOT NULL,
            PRIMARY KEY (order_id, shipment_id));
        CREATE TABLE {schema}.reactor_store_policies (
            store_id              text PRIMARY KEY,
            nps_delay_days        int,
            bot_hand_off_seconds  int,
            ship_within_hours     int,
            no_scan_hours         int);
        CREATE TABLE {schema}.reactor_bot_conversations (
            conversation_id  text PRIMARY KEY,
            store_id         text);
        CREATE TABLE {schema}.reactor_open_conversations (
            conversation_id  text PRIMARY KEY,
            order_id         text NOT NULL,
            store_id         text,
            started_commit   bigint NOT NULL,
            started_prepare  bigint NOT NULL,
            started_at       timestamptz NOT NULL,
            open             boolean NOT NULL);
        CREATE INDEX ON {schema}.reactor_open_conversations (order_id) WHERE open;
        """;

    /// <summary>What a timer's due time adds to <see cref="Timer.At"/> from the store's policies (<c>reactor_store_policies</c>).</summary>
    private enum Delay
    {
        None,
        NpsDays,
        ShipWithinHours,
        NoScanHours,
    }

    /// <param name="Armed">The fact that armed it: the dispatcher's grace counts from its recording.</param>
    private sealed record Timer(Arming Armed, string Key, string? StoreId, string? OrderId, DateTimeOffset At, Delay Delay = Delay.None);

    /// <summary>When the fact that arms a timer was recorded (the store's timestamp) and its business time.</summary>
    private readonly record struct Arming(DateTimeOffset RecordedAt, DateTimeOffset OccurredAt);

    /// <summary>A store's policies as this batch set them; null = not set in this batch (the stored value stays).</summary>
    private sealed record Policies(int? NpsDelayDays, int? BotHandOffSeconds, int? ShipWithinHours = null, int? NoScanHours = null);

    /// <summary>A proactive-case timer of a parcel: re-armed at every movement, each arm a timer of its own (its dispatch record apart).</summary>
    private static Timer NoScanTimer(Arming armed, string shipmentId, string? store, DateTimeOffset movedAt) =>
        new(armed, $"{shipmentId}/{movedAt.UtcTicks}", store, null, movedAt, Delay.NoScanHours);

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        // The batch's net effect, in log order: per (kind, subject) the last word wins (a timer, or null = dropped).
        var timers = new Dictionary<(string Kind, string Subject), Timer?>();
        var shipments = new Dictionary<(string OrderId, string ShipmentId), bool>();
        var policies = new Dictionary<string, Policies>(StringComparer.Ordinal);
        var botMode = new Dictionary<string, (bool InBotMode, string? StoreId)>(StringComparer.Ordinal);
        var botClocks = new Dictionary<string, (string Key, DateTimeOffset At, Arming Armed)>(StringComparer.Ordinal); // started in this batch, not dropped since
        var started = new List<(ConversationStarted Start, string? StoreId, Position Position, Arming Armed)>();
        var open = new Dictionary<string, bool>(StringComparer.Ordinal);
        var settled = new HashSet<string>(StringComparer.Ordinal); // escalated or resolved within this batch
        foreach (var e in batch)
        {
            var store = e.Metadata?.StoreId;
            var armed = new Arming(e.Record.Created, e.Metadata?.OccurredAt ?? e.Record.Created);
            switch (e.Event)
            {
                case OrderPlaced p:
                    timers[(TimerKinds.PaymentTimeout, p.OrderId)] = new Timer(armed, p.OrderId, p.StoreId, p.OrderId, p.PaymentDueAt);
                    break;
                case OrderPaymentConfirmed p:
                    timers[(TimerKinds.PaymentTimeout, p.OrderId)] = null;
                    timers[(TimerKinds.PaidNotShipped, p.OrderId)] = new Timer(armed, p.OrderId, store, p.OrderId, p.OccurredAt, Delay.ShipWithinHours);
                    break;
                case OrderCancelled c:
                    timers[(TimerKinds.PaymentTimeout, c.OrderId)] = null;
                    timers[(TimerKinds.PaidNotShipped, c.OrderId)] = null;
                    break;
                case OrderShipmentHandedOver h:
                    timers[(TimerKinds.PaidNotShipped, h.OrderId)] = null;
                    break;
                case OrderRejected { Reason: RejectionReason.OutOfStock } r:
                    timers[(TimerKinds.UnreservableLine, r.OrderId)] = new Timer(armed, r.OrderId, store ?? r.StoreId, r.OrderId, r.OccurredAt);
                    break;
                case ConversationStarted c:
                    // A case the system opened is no contact of the customer's: never a repeat contact, nor the earlier one.
                    if (c.OrderId is not null && c.ProactiveReason is null)
                    {
                        started.Add((c, store ?? c.StoreId, e.Record.Position, armed));
                    }

                    if (c.Mode == ConversationMode.Bot)
                    {
                        botMode[c.ConversationId] = (true, store ?? c.StoreId);
                    }

                    break;
                case CustomerMessageReceived m:
                    botClocks.TryAdd(m.ConversationId, (ReactorCommandIds.BotHandOffKey(m.ConversationId, m.MessageId), m.OccurredAt, armed));
                    break;
                case ConversationHandedOff h:
                    botMode[h.ConversationId] = (false, store);
                    StopBotClock(h.ConversationId);
                    break;
                case EscalationResolutionWritten w:
                    timers[(TimerKinds.EscalationDeadline, w.ConversationId)] = null;
                    break;
                case ConversationResolved r:
                    StopBotClock(r.ConversationId);
                    timers[(TimerKinds.NpsSurvey, r.ConversationId)] = new Timer(armed, r.ConversationId, store, null, r.OccurredAt, Delay.NpsDays);
                    timers[(TimerKinds.EscalationDeadline, r.ConversationId)] = null;
                    timers[(TimerKinds.RepeatContact, r.ConversationId)] = null;
                    open[r.ConversationId] = false;
                    settled.Add(r.ConversationId);
                    break;
                case ConversationReopened r:
                    timers[(TimerKinds.NpsSurvey, r.ConversationId)] = null;
                    timers[(TimerKinds.EscalationDeadline, r.ConversationId)] = null;
                    open[r.ConversationId] = true;
                    break;
                case NpsSurveySent s:
                    timers[(TimerKinds.NpsSurvey, s.ConversationId)] = null;
                    break;
                case ConversationEscalated x:
                    timers[(TimerKinds.EscalationDeadline, x.ConversationId)] = new Timer(
                        armed, ReactorCommandIds.EscalationKey(x.ConversationId, x.OccurredAt),
                        store, null, Later(x.OccurredAt, TimeSpan.FromHours(ConversationDecider.EscalationResolutionHours)));
                    timers[(TimerKinds.RepeatContact, x.ConversationId)] = null;
                    settled.Add(x.ConversationId);
                    break;
                case EscalationDeadlineMissed m:
                    timers[(TimerKinds.EscalationDeadline, m.ConversationId)] = null;
                    break;
                // Only the auto-refund window's approvals: a refused parcel's refund by rule is paid by its own workflow.
                case RefundApproved { ByRule: true, ApprovedBy: RefundDecider.AutoApprover } a:
                    timers[(TimerKinds.AutoRefund, a.RefundId)] = new Timer(armed, a.RefundId, store, a.OrderId, a.OccurredAt);
                    break;
                case RefundPaid p:
                    timers[(TimerKinds.AutoRefund, p.RefundId)] = null;
                    break;
                case RefundRejected r:
                    timers[(TimerKinds.AutoRefund, r.RefundId)] = null;
                    break;
                case ShipmentCreated s:
                    shipments[(s.OrderId, s.ShipmentId)] = false;
                    break;
                case ShipmentHandedToCarrier h:
                    shipments[(h.OrderId, h.ShipmentId)] = true;
                    timers[(TimerKinds.NoTrackingScan, h.ShipmentId)] = NoScanTimer(armed, h.ShipmentId, store, h.OccurredAt);
                    break;
                case ShipmentTrackingScanned t:
                    timers[(TimerKinds.NoTrackingScan, t.ShipmentId)] = NoScanTimer(armed, t.ShipmentId, store, t.OccurredAt);
                    break;
                case ShipmentDelivered or ShipmentReturnedToSender:
                    timers[(TimerKinds.NoTrackingScan, ((ShipmentEvent)e.Event).ShipmentId)] = null;
                    break;
                case ShipmentIntercepted i:
                    shipments[(i.OrderId, i.ShipmentId)] = true;
                    break;
                case WorkOrderOpened o:
                    timers[(TimerKinds.WorkOrderPlan, o.TicketId)] = new Timer(armed, o.TicketId, store ?? o.StoreId, null, o.PlanDueAt);
                    break;
                case WorkOrderPlanSubmitted or WorkOrderEscalated or WorkOrderResolved or WorkOrderClosed:
                    timers[(TimerKinds.WorkOrderPlan, ((TicketEvent)e.Event).TicketId)] = null;
                    break;
                case StoreSlaTargetsSet t:
                    policies[t.StoreId] = policies.GetValueOrDefault(t.StoreId, new Policies(null, null)) with
                    {
                        NpsDelayDays = Math.Clamp(t.Targets.NpsSurveyDelayDays, 0, MaxSurveyDelayDays),
                    };
                    break;
                case StoreBotHandOffSet b:
                    policies[b.StoreId] = policies.GetValueOrDefault(b.StoreId, new Policies(null, null)) with
                    {
                        BotHandOffSeconds = Math.Clamp(b.Seconds, StoreState.MinBotHandOffSeconds, StoreState.MaxBotHandOffSeconds),
                    };
                    break;
                case StoreProactiveCasePolicySet c:
                    policies[c.StoreId] = policies.GetValueOrDefault(c.StoreId, new Policies(null, null)) with
                    {
                        ShipWithinHours = Math.Clamp(c.ShipWithinHours, ProactiveCasePolicy.MinHours, ProactiveCasePolicy.MaxHours),
                        NoScanHours = Math.Clamp(c.NoScanHours, ProactiveCasePolicy.MinHours, ProactiveCasePolicy.MaxHours),
                    };
                    break;
            }
        }

        void StopBotClock(string conversationId)
        {
            botClocks.Remove(conversationId);
            timers[(TimerKinds.BotHandOff, conversationId)] = null;
        }

        var connection = context.Connection;
        var schema = context.Schema;
        if (policies.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO {schema}.reactor_store_policies AS p (store_id, nps_delay_days, bot_hand_off_seconds, ship_within_hours, no_scan_hours)
                SELECT * FROM unnest(@Stores, @Days, @Seconds, @ShipHours, @ScanHours)
                ON CONFLICT (store_id) DO UPDATE SET
                    nps_delay_days = coalesce(excluded.nps_delay_days, p.nps_delay_days),
                    bot_hand_off_seconds = coalesce(excluded.bot_hand_off_seconds, p.bot_hand_off_seconds),
                    ship_within_hours = coalesce(excluded.ship_within_hours, p.ship_within_hours),
                    no_scan_hours = coalesce(excluded.no_scan_hours, p.no_scan_hours)
                """,
                new
                {
                    Stores = policies.Keys.ToArray(),
                    Days = policies.Values.Select(p => p.NpsDelayDays).ToArray(),
                    Seconds = policies.Values.Select(p => p.BotHandOffSeconds).ToArray(),
                    ShipHours = policies.Values.Select(p => p.ShipWithinHours).ToArray(),
                    ScanHours = policies.Values.Select(p => p.NoScanHours).ToArray(),
                },
                context.Transaction, cancellationToken: cancellationToken));
        }

        if (botMode.Count > 0)
        {
            var entering = botMode.Where(b => b.Value.InBotMode).ToList();
            var leaving = botMode.Where(b => !b.Value.InBotMode).Select(b => b.Key).ToArray();
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO {schema}.reactor_bot_conversations (conversation_id, store_id)
                SELECT * FROM unnest(@Ids, @Stores) ON CONFLICT (conversation_id) DO NOTHING;
                DELETE FROM {schema}.reactor_bot_conversations WHERE conversation_id = ANY(@Leaving);
                """,
                new { Ids = entering.Select(b => b.Key).ToArray(), Stores = entering.Select(b => b.Value.StoreId).ToArray(), Leaving = leaving },
                context.Transaction, cancellationToken: cancellationToken));
        }

        if (shipments.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO {schema}.reactor_shipments (order_id, shipment_id, left_warehouse)
                SELECT * FROM unnest(@Orders, @Shipments, @Left)
                ON CONFLICT (order_id, shipment_id) DO UPDATE SET left_warehouse = excluded.left_warehouse
                """,
                new { Orders = shipments.Keys.Select(k => k.OrderId).ToArray(), Shipments = shipments.Keys.Select(k => k.ShipmentId).ToArray(), Left = shipments.Values.ToArray() },
                context.Transaction, cancellationToken: cancellationToken));
        }

        if (started.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO {schema}.reactor_open_conversations (conversation_id, order_id, store_id, started_commit, started_prepare, started_at, open)
                SELECT b.*, true FROM unnest(@Ids, @Orders, @Stores, @Commits, @Prepares, @Ats) AS b
                ON CONFLICT (conversation_id) DO NOTHING
                """,
                new
                {
                    Ids = started.Select(s => s.Start.ConversationId).ToArray(),
                    Orders = started.Select(s => s.Start.OrderId!).ToArray(),
                    Stores = started.Select(s => s.StoreId).ToArray(),
                    Commits = started.Select(s => (long)s.Position.Commit).ToArray(),
                    Prepares = started.Select(s => (long)s.Position.Prepare).ToArray(),
                    Ats = started.Select(s => s.Start.OccurredAt.UtcDateTime).ToArray(),
                },
                context.Transaction, cancellationToken: cancellationToken));
        }

        if (open.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE {schema}.reactor_open_conversations o SET open = b.open FROM unnest(@Ids, @Open) AS b(id, open) WHERE o.conversation_id = b.id",
                new { Ids = open.Keys.ToArray(), Open = open.Values.ToArray() }, context.Transaction, cancellationToken: cancellationToken));
        }

        var dropped = timers.Where(t => t.Value is null).Select(t => t.Key).ToList();
        if (dropped.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                // Most dropped timers were never armed: the rows to delete are found by key, one probe each.
                $"""
                DELETE FROM {schema}.reactor_timers WHERE ctid = ANY(ARRAY(
                    SELECT t.ctid FROM {KeyProbe.From($"{schema}.reactor_timers", [("kind", "Kinds"), ("subject", "Subjects")], "ctid", "t")}))
                """,
                new { Kinds = dropped.Select(d => d.Kind).ToArray(), Subjects = dropped.Select(d => d.Subject).ToArray() },
                context.Transaction, cancellationToken: cancellationToken));
        }

        var set = timers.Where(t => t.Value is not null).Select(t => (t.Key.Kind, t.Key.Subject, Timer: t.Value!)).ToList();
        if (set.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO {schema}.reactor_timers AS t (kind, subject, key, store_id, order_id, due_at, due_ticks, recorded_at, armed_at)
                SELECT b.kind, b.subject, b.key, b.store_id, b.order_id,
                       -- .NET reads no moment past 9999: a due time beyond it would stop the dispatcher.
                       LEAST(b.at + d.delay, timestamptz '9999-12-31 23:59:59Z'),
                       -- whole hours are exact in ticks, so the proactive cases' deciders compare to the tick as well
                       CASE WHEN b.delay = @NpsDays THEN NULL ELSE LEAST(b.ticks + d.hours * {TimeSpan.TicksPerHour}, {DateTimeOffset.MaxValue.UtcTicks}) END,
                       b.recorded_at, b.armed_at
                FROM unnest(@Kinds, @Subjects, @Keys, @Stores, @Orders, @Ats, @Ticks, @Delays, @Recorded, @Armed) AS b(kind, subject, key, store_id, order_id, at, ticks, delay, recorded_at, armed_at)
                LEFT JOIN {schema}.reactor_store_policies p ON p.store_id = b.store_id
                CROSS JOIN LATERAL (SELECT
                    CASE b.delay WHEN @ShipWithinHours THEN coalesce(p.ship_within_hours, {ProactiveCasePolicy.Default.ShipWithinHours})
                                 WHEN @NoScanHours THEN coalesce(p.no_scan_hours, {ProactiveCasePolicy.Default.NoScanHours})
                                 ELSE 0 END::bigint AS hours) h
                CROSS JOIN LATERAL (SELECT
                    CASE WHEN b.delay = @NpsDays THEN make_interval(days => coalesce(p.nps_delay_days, 7)) ELSE make_interval(hours => h.hours::int) END AS delay,
                    h.hours AS hours) d
                ON CONFLICT (kind, subject) DO UPDATE SET
                    key = excluded.key, store_id = excluded.store_id, order_id = excluded.order_id, due_at = excluded.due_at, due_ticks = excluded.due_ticks,
                    recorded_at = excluded.recorded_at, armed_at = excluded.armed_at
                """,
                new
                {
                    Kinds = set.Select(s => s.Kind).ToArray(),
                    Subjects = set.Select(s => s.Subject).ToArray(),
                    Keys = set.Select(s => s.Timer.Key).ToArray(),
                    Stores = set.Select(s => s.Timer.StoreId).ToArray(),
                    Orders = set.Select(s => s.Timer.OrderId).ToArray(),
                    Ats = set.Select(s => s.Timer.At.UtcDateTime).ToArray(),
                    Ticks = set.Select(s => s.Timer.At.UtcTicks).ToArray(),
                    Delays = set.Select(s => (int)s.Timer.Delay).ToArray(),
                    Recorded = set.Select(s => s.Timer.Armed.RecordedAt.UtcDateTime).ToArray(),
                    Armed = set.Select(s => s.Timer.Armed.OccurredAt.UtcDateTime).ToArray(),
                    NpsDays = (int)Delay.NpsDays,
                    ShipWithinHours = (int)Delay.ShipWithinHours,
                    NoScanHours = (int)Delay.NoScanHours,
                },
                context.Transaction, cancellationToken: cancellationToken));
        }

        if (botClocks.Count > 0)
        {
            // Only conversations still in bot mode; a clock already running keeps its due time (the first unanswered message).
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO {schema}.reactor_timers (kind, subject, key, store_id, order_id, due_at, recorded_at, armed_at)
                SELECT @Kind, b.id, b.key, m.store_id, NULL,
                       -- as above: a message dated at the end of 9999 (a raw append) must not stop the dispatcher
                       LEAST(b.at + make_interval(secs => coalesce(p.bot_hand_off_seconds, {StoreState.DefaultBotHandOffSeconds})),
                             timestamptz '9999-12-31 23:59:59Z'),
                       b.recorded_at, b.at
                FROM unnest(@Ids, @Keys, @Ats, @Recorded) AS b(id, key, at, recorded_at)
                JOIN {schema}.reactor_bot_conversations m ON m.conversation_id = b.id
                LEFT JOIN {schema}.reactor_store_policies p ON p.store_id = m.store_id
                ON CONFLICT (kind, subject) DO NOTHING
                """,
                new
                {
                    Kind = TimerKinds.BotHandOff,
                    Ids = botClocks.Keys.ToArray(),
                    Keys = botClocks.Values.Select(c => c.Key).ToArray(),
                    Ats = botClocks.Values.Select(c => c.At.UtcDateTime).ToArray(),
                    Recorded = botClocks.Values.Select(c => c.Armed.RecordedAt.UtcDateTime).ToArray(),
                },
                context.Transaction, cancellationToken: cancellationToken));
        }

        // A start that was not escalated (nor resolved) in this batch, while an earlier contact about the order is open.
        var unescalated = started.Where(s => !settled.Contains(s.Start.ConversationId)).ToList();
        if (unescalated.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO {schema}.reactor_timers (kind, subject, key, store_id, order_id, due_at, recorded_at, armed_at)
                SELECT @Kind, n.conversation_id, n.conversation_id, n.store_id, n.order_id, n.started_at, b.recorded_at, b.armed_at
                FROM unnest(@Ids, @Recorded, @Armed) AS b(id, recorded_at, armed_at)
                JOIN {schema}.reactor_open_conversations n ON n.conversation_id = b.id
                WHERE n.open
                  AND EXISTS (SELECT 1 FROM {schema}.reactor_open_conversations o
                              WHERE o.order_id = n.order_id AND o.open AND o.conversation_id <> n.conversation_id
                                AND (o.started_commit, o.started_prepare) < (n.started_commit, n.started_prepare))
                ON CONFLICT (kind, subject) DO NOTHING
                """,
                new
                {
                    Kind = TimerKinds.RepeatContact,
                    Ids = unescalated.Select(s => s.Start.ConversationId).ToArray(),
                    Recorded = unescalated.Select(s => s.Armed.RecordedAt.UtcDateTime).ToArray(),
                    Armed = unescalated.Select(s => s.Armed.OccurredAt.UtcDateTime).ToArray(),
                },
                context.Transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary><paramref name="at"/> + <paramref name="delay"/>, or the last representable moment: a timer never faults on its due time.</summary>
    internal static DateTimeOffset Later(DateTimeOffset at, TimeSpan delay) =>
        at > DateTimeOffset.MaxValue - delay ? DateTimeOffset.MaxValue : at + delay;
}
