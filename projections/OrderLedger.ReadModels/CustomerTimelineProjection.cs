using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>One fact about a customer, with a one-line summary and a link to its source event (stream, revision, position).</summary>
public sealed record TimelineEntry(
    string StoreId,
    string CustomerId,
    DateTimeOffset OccurredAt,
    string Type,
    string Summary,
    string? OrderId,
    string StreamId,
    long StreamRevision,
    Position Position);

/// <summary>A page of a timeline, newest first; <see cref="NextCursor"/> continues with older entries (null on the last page).</summary>
public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Entries, string? NextCursor);

/// <summary>
/// <c>customer_timeline</c>: every fact about a customer — orders, parcels, refunds, conversations, surveys — one row per
/// event. Events that do not name the customer (a parcel scan, a refund payment, an agent reply) are attributed through
/// <c>customer_timeline_subjects</c>, which maps every order, shipment, refund and conversation stream to its store,
/// customer and order as the stream is created. Rows are appended with binary <c>COPY</c>.
/// </summary>
public sealed class CustomerTimelineProjection : IProjection
{
    public const string Table = "customer_timeline";
    public const string SubjectsTable = "customer_timeline_subjects";

    public string Name => "customer_timeline";

    // 2: missed escalation deadlines are on the timeline. 3: work orders opened from and closed back to a conversation.
    // 4: a proactive case says why the system opened it. 5: classifications.
    public int Version => 5;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(
        typeof(OrderPlaced), typeof(OrderRejected), typeof(OrderPaymentConfirmed), typeof(OrderPaymentFailed), typeof(OrderPaymentTimedOut),
        typeof(OrderCancelled), typeof(OrderCompleted),
        typeof(ShipmentEvent), typeof(RefundEvent), typeof(ConversationEvent));

    public IReadOnlyList<string> Tables { get; } = [Table, SubjectsTable];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.customer_timeline (
            position_commit   bigint NOT NULL,
            position_prepare  bigint NOT NULL,
            store_id          text NOT NULL,
            customer_id       text NOT NULL,
            occurred_at       timestamptz NOT NULL,
            type              text NOT NULL,
            summary           text NOT NULL,
            order_id          text,
            stream_id         text NOT NULL,
            stream_revision   bigint NOT NULL,
            PRIMARY KEY (position_commit, position_prepare)
        );
        CREATE INDEX ON {schema}.customer_timeline (customer_id, occurred_at DESC, position_commit DESC, position_prepare DESC);
        CREATE TABLE {schema}.customer_timeline_subjects (
            stream_id    text PRIMARY KEY,
            store_id     text NOT NULL,
            customer_id  text NOT NULL,
            order_id     text
        );
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        // Who each stream is about: loaded once for every stream the batch mentions, extended as streams are created.
        var mentioned = batch.Select(e => e.Record.StreamId)
            .Concat(batch.Select(e => e.Event).OfType<ShipmentCreated>().Select(s => StreamIds.Order(s.OrderId)))
            .Distinct(StringComparer.Ordinal)
            .Select(id => new[] { id })
            .ToList();
        var subjects = (await Subjects.LoadAsync(context, mentioned, cancellationToken)).ToDictionary(s => s.StreamId, StringComparer.Ordinal);

        var created = new List<Subject>();
        var entries = new List<TimelineEntry>(batch.Count);
        foreach (var e in batch)
        {
            if (NewSubject(e, subjects) is { } subject && subjects.TryAdd(subject.StreamId, subject))
            {
                created.Add(subject);
            }

            // A fact about a stream whose creation was never seen cannot be attributed to a customer; it is left out.
            if (subjects.TryGetValue(e.Record.StreamId, out var about))
            {
                entries.Add(new TimelineEntry(
                    about.StoreId, about.CustomerId, e.OccurredAt(), e.Record.Type, Summarize(e.Event, about), about.OrderId,
                    e.Record.StreamId, checked((long)e.Record.Revision), e.Record.Position));
            }
        }

        await Subjects.UpsertAsync(context, created, cancellationToken);
        await CopyAsync(context, entries, cancellationToken);
    }

    /// <summary>The subject a stream-creating event introduces; a parcel belongs to its order's customer.</summary>
    private static Subject? NewSubject(DecodedEvent e, Dictionary<string, Subject> known) => e.Event switch
    {
        OrderPlaced p => new Subject(e.Record.StreamId, p.StoreId, p.CustomerId, p.OrderId),
        OrderRejected r => new Subject(e.Record.StreamId, r.StoreId, r.CustomerId, r.OrderId),
        RefundRequested r => new Subject(e.Record.StreamId, r.StoreId, r.CustomerId, r.OrderId),
        ConversationStarted c => new Subject(e.Record.StreamId, c.StoreId, c.CustomerId, c.OrderId),
        ShipmentCreated s when known.TryGetValue(StreamIds.Order(s.OrderId), out var order) =>
            new Subject(e.Record.StreamId, s.StoreId, order.CustomerId, s.OrderId),
        _ => null,
    };

    private static async Task CopyAsync(ProjectionContext context, List<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var writer = await context.Connection.BeginBinaryImportAsync(
            $"COPY {context.Schema}.customer_timeline (position_commit, position_prepare, store_id, customer_id, occurred_at, type, summary, " +
            "order_id, stream_id, stream_revision) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var entry in entries)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(checked((long)entry.Position.Commit), NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(checked((long)entry.Position.Prepare), NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(entry.StoreId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(entry.CustomerId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(entry.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(entry.Type, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(entry.Summary, NpgsqlDbType.Text, cancellationToken);
            if (entry.OrderId is null)
            {
                await writer.WriteNullAsync(cancellationToken);
            }
            else
            {
                await writer.WriteAsync(entry.OrderId, NpgsqlDbType.Text, cancellationToken);
            }

            await writer.WriteAsync(entry.StreamId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(entry.StreamRevision, NpgsqlDbType.Bigint, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>The one-line, human summary of a fact (what an agent reads on the customer's page).</summary>
    internal static string Summarize(object e, Subject about) => e switch
    {
        OrderPlaced p => $"Placed order {p.OrderId}: {Items(p.Lines.Sum(l => l.Quantity))}, {Money(p.Total)} {p.Currency} via {p.Channel}",
        OrderRejected r => $"Order {r.OrderId} could not be placed: {Words(r.Reason.Snake())}",
        OrderPaymentConfirmed p => $"Paid {Money(p.Amount)} {p.Currency} for order {p.OrderId}",
        OrderPaymentFailed f => $"Payment for order {f.OrderId} failed: {f.Reason}",
        OrderPaymentTimedOut t => $"Payment for order {t.OrderId} was not received in time",
        OrderCancelled c => $"Order {c.OrderId} cancelled ({Words(c.Reason)})",
        OrderCompleted c => $"Order {c.OrderId} completed",
        ShipmentCreated s => $"Parcel {s.ShipmentId} for order {s.OrderId} is being prepared at warehouse {s.WarehouseId}",
        ShipmentPicked s => $"Parcel {s.ShipmentId} for order {about.OrderId} picked",
        ShipmentPackedAndVerified s => $"Parcel {s.ShipmentId} for order {about.OrderId} packed and verified ({s.WeightGrams} g)",
        ShipmentHandedToCarrier s => $"Order {s.OrderId} shipped with {s.Carrier}, tracking {s.TrackingNumber}",
        ShipmentTrackingScanned s => $"Parcel {s.ShipmentId} scanned at {s.Location}: {s.Status}",
        ShipmentDelivered s => $"Parcel {s.ShipmentId} for order {s.OrderId} delivered",
        ShipmentExceptionReported s => $"Parcel {s.ShipmentId} problem: {Words(s.Kind.Snake())}{Note(s.Note)}",
        ShipmentIntercepted s => $"Parcel {s.ShipmentId} stopped before leaving the warehouse: {s.Reason}",
        ShipmentReturnedToSender s => $"Parcel {s.ShipmentId} returned to sender: {s.Reason}",
        ShipmentBackAtWarehouse s => $"Refused parcel {s.ShipmentId} back at warehouse {s.WarehouseId}; its units are in stock again",
        RefundRequested r => $"Requested a {Words(r.Kind.Snake())} of {Money(r.Amount)} for order {r.OrderId}: {r.Reason}",
        RefundApproved { ByRule: true, ApprovedBy: RefundDecider.RefusedDeliveryApprover } a => $"Refund {a.RefundId} approved automatically: the parcel was refused",
        RefundApproved a => a.ByRule ? $"Refund {a.RefundId} approved automatically" : $"Refund {a.RefundId} approved by {a.ApprovedBy}",
        RefundRejected r => $"Refund {r.RefundId} rejected: {r.Reason}",
        RefundReturnAddressAssigned a => $"Return address for refund {a.RefundId}: {a.Address.Line1}, {a.Address.City}",
        RefundReturnShipped s => $"Return parcel for refund {s.RefundId} sent with {s.Carrier}, tracking {s.TrackingNumber}",
        RefundReturnReceived r => $"Return parcel for refund {r.RefundId} received",
        RefundReturnInspected i => i.Passed
            ? $"Returned goods for refund {i.RefundId} passed inspection"
            : $"Returned goods for refund {i.RefundId} failed inspection{Note(i.Note)}",
        RefundPaid p => $"Refund {p.RefundId} of {Money(p.Amount)} paid",
        RefundDisputeOpened d => $"Dispute opened on refund {d.RefundId}: {d.Reason}",
        RefundDisputeJudged j => $"Dispute on refund {j.RefundId} judged: merchant {(j.MerchantAtFault ? "at fault" : "not at fault")}",
        ConversationStarted { ProactiveReason: { } reason } c =>
            $"Service case opened by the system ({Words(ProactiveCases.Name(reason))}){(c.OrderId is null ? "" : $" about order {c.OrderId}")}",
        ConversationStarted c => $"Started a conversation on {c.Channel}{(c.OrderId is null ? "" : $" about order {c.OrderId}")}",
        CustomerMessageReceived m => $"Customer: {Clip(m.Text)}",
        BotReplied b => $"Bot: {Clip(b.Text)}",
        ConversationHandedOff h => $"Handed off to a human agent ({Words(h.Reason)})",
        AgentAssigned a => $"Agent {a.AgentId} assigned",
        AgentReplied r => $"Agent {r.AgentId}: {Clip(r.Text)}",
        ConversationPrioritySet p => $"Priority {Words(p.Priority.Snake())} (customer {Words(p.Tier.Snake())}, urgency {Words(p.Urgency.Snake())})",
        ConversationEscalated x => $"Conversation escalated ({Words(x.Reason)})",
        ConversationClassified k =>
            $"Classified as {Words(k.Category.Snake())}{(k.IsComplaint ? ", a complaint" : "")}{(k.Tags.Count == 0 ? "" : $" (tags: {string.Join(", ", k.Tags)})")}",
        EscalationDeadlineMissed m => $"Escalation deadline missed (was due {m.DeadlineAt:yyyy-MM-dd HH:mm} UTC)",
        EscalationTeamAssigned t => $"Escalation taken on by {t.SeniorAgentId} (senior agent) and {t.SupervisorId} (supervisor)",
        EscalationResolutionWritten w => $"Written resolution by {w.WrittenBy}: {Clip(w.Resolution)} (compensation: {Clip(w.Compensation ?? "none")})",
        ConversationResolved r => $"Conversation resolved by {r.ResolvedBy}",
        ConversationReopened => "Conversation reopened",
        SatisfactionRated r => $"Rated the service: {Words(r.Rating.Snake())}",
        NpsSurveySent => "NPS survey sent",
        NpsAnswered n => $"Answered the NPS survey: {n.Score}/10",
        ConversationWorkOrderOpened w => $"Work order {w.TicketId} opened for {w.Department}: {Clip(w.Summary)}",
        ConversationWorkOrderClosed w => $"Work order {w.TicketId} closed by {w.Department}: {Clip(w.Resolution)}",
        _ => e.GetType().Name,
    };

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Items(int count) => count == 1 ? "1 item" : $"{count} items";

    private static string Words(string code) => code.Replace('_', ' ').Replace('-', ' ');

    private static string Note(string note) => string.IsNullOrWhiteSpace(note) ? "" : $" — {note}";

    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..119] + "…";
    }

    internal sealed record Subject(string StreamId, string StoreId, string CustomerId, string? OrderId);

    internal static readonly RowTable<Subject> Subjects = new(
        SubjectsTable,
        keyCount: 1,
        r => new Subject(r.Text(0), r.Text(1), r.Text(2), r.TextN(3)),
        Col.Text<Subject>("stream_id", s => s.StreamId),
        Col.Text<Subject>("store_id", s => s.StoreId),
        Col.Text<Subject>("customer_id", s => s.CustomerId),
        Col.Text<Subject>("order_id", s => s.OrderId));

    internal const string SelectList =
        "store_id, customer_id, occurred_at, type, summary, order_id, stream_id, stream_revision, position_commit, position_prepare";

    internal static TimelineEntry ReadEntry(NpgsqlDataReader r) => new(
        r.Text(0), r.Text(1), r.Time(2), r.Text(3), r.Text(4), r.TextN(5), r.Text(6), r.Long(7),
        new Position(checked((ulong)r.Long(8)), checked((ulong)r.Long(9))));
}

/// <summary>Reads <c>rm.customer_timeline</c>.</summary>
public sealed class CustomerTimelineQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
    : ViewQueries(dataSource, viewSchema)
{
    /// <summary>
    /// One page of a customer's timeline in the given stores, newest first (business time, then log position). Pass the
    /// previous page's <see cref="TimelinePage.NextCursor"/> to continue; keyset paging, so pages stay stable while new
    /// facts arrive.
    /// </summary>
    public async Task<TimelinePage> GetPageAsync(
        IReadOnlyCollection<string> storeIds, string customerId, string? cursor = null, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        var size = ReadModelQuery.Clamp(pageSize);
        var after = cursor is null ? null : Cursor.Parse(cursor);
        var rows = await ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {CustomerTimelineProjection.SelectList} FROM {Views}.customer_timeline
            WHERE customer_id = @customerId AND store_id = ANY(@storeIds)
              {(after is null ? "" : "AND (occurred_at, position_commit, position_prepare) < (@at, @commit, @prepare)")}
            ORDER BY occurred_at DESC, position_commit DESC, position_prepare DESC
            LIMIT @take
            """,
            new
            {
                customerId,
                storeIds = ReadModelQuery.Array(storeIds),
                at = after?.At ?? DateTime.UnixEpoch,
                commit = after?.Commit ?? 0L,
                prepare = after?.Prepare ?? 0L,
                take = size + 1,
            },
            CustomerTimelineProjection.ReadEntry,
            cancellationToken);

        if (rows.Count <= size)
        {
            return new TimelinePage(rows, null);
        }

        rows.RemoveAt(size);
        var last = rows[^1];
        return new TimelinePage(rows, Cursor.Format(last));
    }

    /// <summary>An opaque cursor: the sort key of the last entry of a page.</summary>
    private sealed record Cursor(DateTime At, long Commit, long Prepare)
    {
        public static string Format(TimelineEntry last) => string.Create(
            CultureInfo.InvariantCulture,
            $"{last.OccurredAt.UtcTicks}.{last.Position.Commit}.{last.Position.Prepare}");

        public static Cursor Parse(string text)
        {
            var parts = text.Split('.');
            return parts.Length == 3
                   && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                   && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var commit)
                   && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var prepare)
                   && ticks <= DateTime.MaxValue.Ticks
                ? new Cursor(new DateTime(ticks, DateTimeKind.Utc), commit, prepare)
                : throw new ArgumentException($"'{text}' is not a timeline cursor.", nameof(text));
        }
    }
}
