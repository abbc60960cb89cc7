using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>
/// One row of <c>work_orders</c>. <see cref="Status"/>: open, resolved, closed. <see cref="AssignedTo"/>: the department's
/// owner, or its director once escalated. <see cref="FirstAnswerAt"/>: the first plan or the first resolution,
/// whichever came first (what the first-plan deadline asks for); <see cref="PlanOnTime"/>: it came by
/// <see cref="PlanDueAt"/> (null while neither came). <see cref="ResolvedAt"/>: the latest resolution, cleared by a reopen.
/// </summary>
public sealed record WorkOrderSummary(
    string TicketId,
    string StoreId,
    string ConversationId,
    string Department,
    string Summary,
    string Status,
    string OpenedBy,
    string OwnerId,
    string DirectorId,
    string AssignedTo,
    bool Escalated,
    DateTimeOffset OpenedAt,
    DateTimeOffset PlanDueAt,
    DateTimeOffset? FirstPlanAt,
    DateTimeOffset? FirstAnswerAt,
    bool? PlanOnTime,
    DateTimeOffset? EscalatedAt,
    string? Plan,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? Resolution,
    int Reopens,
    DateTimeOffset? ClosedAt,
    DateTimeOffset UpdatedAt);

/// <summary><c>work_orders</c>: one row per work order (<c>ticket-{id}</c>), folded from its own stream only.</summary>
public sealed class WorkOrdersProjection : IProjection
{
    public const string Table = "work_orders";

    public string Name => "work_orders";

    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf<TicketEvent>();

    public IReadOnlyList<string> Tables { get; } = [Table];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.work_orders (
            ticket_id        text PRIMARY KEY,
            store_id         text NOT NULL,
            conversation_id  text NOT NULL,
            department       text NOT NULL,
            summary          text NOT NULL,
            status           text NOT NULL,
            opened_by        text NOT NULL,
            owner_id         text NOT NULL,
            director_id      text NOT NULL,
            assigned_to      text NOT NULL,
            escalated        boolean NOT NULL,
            opened_at        timestamptz NOT NULL,
            plan_due_at      timestamptz NOT NULL,
            first_plan_at    timestamptz,
            first_answer_at  timestamptz,
            plan_on_time     boolean,
            escalated_at     timestamptz,
            plan             text,
            resolved_at      timestamptz,
            resolved_by      text,
            resolution       text,
            reopens          integer NOT NULL,
            closed_at        timestamptz,
            updated_at       timestamptz NOT NULL
        );
        CREATE INDEX ON {schema}.work_orders (store_id, status, opened_at DESC);
        CREATE INDEX ON {schema}.work_orders (conversation_id);
        """;

    public Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken) =>
        Rows.FoldAsync(context, batch, e => e.Event is TicketEvent w ? w.TicketId : null, id => [id], w => w.TicketId, Evolve, cancellationToken);

    internal static WorkOrderSummary? Evolve(WorkOrderSummary? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var next = (row, e.Event) switch
        {
            (null, WorkOrderOpened o) => new WorkOrderSummary(
                o.TicketId, o.StoreId, o.ConversationId, o.Department, o.Summary, "open", o.OpenedBy, o.AssignedTo, o.DirectorId, o.AssignedTo, false,
                at, o.PlanDueAt, null, null, null, null, null, null, null, null, 0, null, at),
            (null, _) => null,
            (_, WorkOrderPlanSubmitted p) => Answered(row, at) with { FirstPlanAt = row.FirstPlanAt ?? at, Plan = p.Plan },
            (_, WorkOrderEscalated x) => row with { Escalated = true, EscalatedAt = at, AssignedTo = x.ToId, DirectorId = x.ToId },
            (_, WorkOrderResolved r) => Answered(row, at) with { Status = "resolved", ResolvedAt = at, ResolvedBy = r.ResolvedBy, Resolution = r.Resolution },
            (_, WorkOrderReopened) => row with { Status = "open", ResolvedAt = null, ResolvedBy = null, Resolution = null, Reopens = row.Reopens + 1 },
            (_, WorkOrderClosed) => row with { Status = "closed", ClosedAt = at },
            _ => row,
        };

        return next is null || ReferenceEquals(next, row) ? next : next with { UpdatedAt = at };
    }

    private static WorkOrderSummary Answered(WorkOrderSummary row, DateTimeOffset at) =>
        row.FirstAnswerAt is not null ? row : row with { FirstAnswerAt = at, PlanOnTime = at <= row.PlanDueAt };

    internal static readonly RowTable<WorkOrderSummary> Rows = new(
        Table,
        keyCount: 1,
        r => new WorkOrderSummary(
            r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Text(8), r.Text(9), r.Bool(10), r.Time(11),
            r.Time(12), r.TimeN(13), r.TimeN(14), r.BoolN(15), r.TimeN(16), r.TextN(17), r.TimeN(18), r.TextN(19), r.TextN(20), r.Int(21), r.TimeN(22),
            r.Time(23)),
        Col.Text<WorkOrderSummary>("ticket_id", w => w.TicketId),
        Col.Text<WorkOrderSummary>("store_id", w => w.StoreId),
        Col.Text<WorkOrderSummary>("conversation_id", w => w.ConversationId),
        Col.Text<WorkOrderSummary>("department", w => w.Department),
        Col.Text<WorkOrderSummary>("summary", w => w.Summary),
        Col.Text<WorkOrderSummary>("status", w => w.Status),
        Col.Text<WorkOrderSummary>("opened_by", w => w.OpenedBy),
        Col.Text<WorkOrderSummary>("owner_id", w => w.OwnerId),
        Col.Text<WorkOrderSummary>("director_id", w => w.DirectorId),
        Col.Text<WorkOrderSummary>("assigned_to", w => w.AssignedTo),
        Col.Bool<WorkOrderSummary>("escalated", w => w.Escalated),
        Col.Time<WorkOrderSummary>("opened_at", w => w.OpenedAt),
        Col.Time<WorkOrderSummary>("plan_due_at", w => w.PlanDueAt),
        Col.Time<WorkOrderSummary>("first_plan_at", w => w.FirstPlanAt),
        Col.Time<WorkOrderSummary>("first_answer_at", w => w.FirstAnswerAt),
        Col.BoolN<WorkOrderSummary>("plan_on_time", w => w.PlanOnTime),
        Col.Time<WorkOrderSummary>("escalated_at", w => w.EscalatedAt),
        Col.Text<WorkOrderSummary>("plan", w => w.Plan),
        Col.Time<WorkOrderSummary>("resolved_at", w => w.ResolvedAt),
        Col.Text<WorkOrderSummary>("resolved_by", w => w.ResolvedBy),
        Col.Text<WorkOrderSummary>("resolution", w => w.Resolution),
        Col.Int<WorkOrderSummary>("reopens", w => w.Reopens),
        Col.Time<WorkOrderSummary>("closed_at", w => w.ClosedAt),
        Col.Time<WorkOrderSummary>("updated_at", w => w.UpdatedAt));
}

/// <summary>Reads <c>rm.work_orders</c>.</summary>
public sealed class WorkOrderQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
    : ViewQueries(dataSource, viewSchema)
{
    private static readonly string Columns = WorkOrdersProjection.Rows.SelectList;

    public Task<WorkOrderSummary?> GetAsync(string ticketId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.SingleOrDefaultAsync(
            DataSource, $"SELECT {Columns} FROM {Views}.work_orders WHERE ticket_id = @ticketId", new { ticketId }, WorkOrdersProjection.Rows.Read, cancellationToken);

    /// <summary>A store's work orders, newest first; <paramref name="status"/> (open, resolved, closed) and <paramref name="department"/> narrow them.</summary>
    public Task<List<WorkOrderSummary>> ListAsync(
        IReadOnlyCollection<string> storeIds, string? status, string? department, int limit = 100, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM {Views}.work_orders
            WHERE store_id = ANY(@storeIds) AND (@status::text IS NULL OR status = @status) AND (@department::text IS NULL OR department = @department)
            ORDER BY opened_at DESC, ticket_id LIMIT @limit
            """,
            new { storeIds = ReadModelQuery.Array(storeIds), status, department, limit = ReadModelQuery.Clamp(limit) },
            WorkOrdersProjection.Rows.Read,
            cancellationToken);
}
