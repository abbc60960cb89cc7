using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Refunds;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>
/// One row of <c>refunds</c>. <see cref="Kind"/>: refund_only, return_and_refund. <see cref="Status"/>: requested, approved,
/// return_shipped, return_received, return_inspected, paid, rejected. <see cref="Approval"/>: auto (by the store's
/// auto-refund rule) or manual (by an agent), null until approved. <see cref="Dispute"/>: none, open, judged.
/// <see cref="CompletionTime"/> = paid − requested (brief §5, refund completion time).
/// </summary>
public sealed record RefundSummary(
    string RefundId,
    string OrderId,
    string StoreId,
    string CustomerId,
    string Kind,
    string Status,
    decimal Amount,
    string Reason,
    string? Approval,
    string? ApprovedBy,
    string? RejectionReason,
    string? ReturnTrackingNumber,
    bool? InspectionPassed,
    string Dispute,
    bool? MerchantAtFault,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ApprovedAt,
    DateTimeOffset? RejectedAt,
    DateTimeOffset? ReturnShippedAt,
    DateTimeOffset? ReturnReceivedAt,
    DateTimeOffset? InspectedAt,
    DateTimeOffset? PaidAt,
    TimeSpan? CompletionTime,
    DateTimeOffset UpdatedAt);

/// <summary><c>refunds</c>: one row per refund from its own stream.</summary>
public sealed class RefundsProjection : IProjection
{
    public const string Table = "refunds";

    public string Name => "refunds";

    public int Version => 1;

    #region sample: event-types
    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(
        typeof(RefundRequested), typeof(RefundApproved), typeof(RefundRejected), typeof(RefundReturnShipped), typeof(RefundReturnReceived),
        typeof(RefundReturnInspected), typeof(RefundPaid), typeof(RefundDisputeOpened), typeof(RefundDisputeJudged));
    #endregion

    public IReadOnlyList<string> Tables { get; } = [Table];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.refunds (
            refund_id               text PRIMARY KEY,
            order_id                text NOT NULL,
            store_id                text NOT NULL,
            customer_id             text NOT NULL,
            kind                    text NOT NULL,
            status                  text NOT NULL,
            amount                  numeric NOT NULL,
            reason                  text NOT NULL,
            approval                text,
            approved_by             text,
            rejection_reason        text,
            return_tracking_number  text,
            inspection_passed       boolean,
            dispute                 text NOT NULL,
            merchant_at_fault       boolean,
            requested_at            timestamptz NOT NULL,
            approved_at             timestamptz,
            rejected_at             timestamptz,
            return_shipped_at       timestamptz,
            return_received_at      timestamptz,
            inspected_at            timestamptz,
            paid_at                 timestamptz,
            completion_time         interval,
            updated_at              timestamptz NOT NULL
        );
        CREATE INDEX ON {schema}.refunds (order_id);
        CREATE INDEX ON {schema}.refunds (store_id, requested_at DESC);
        CREATE INDEX ON {schema}.refunds (store_id, paid_at) WHERE paid_at IS NOT NULL;
        """;

    #region sample: apply
    public Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken) =>
        Rows.FoldAsync(context, batch, e => e.Event is RefundEvent r ? r.RefundId : null, id => [id], r => r.RefundId, Evolve, cancellationToken);
    #endregion

    internal static RefundSummary? Evolve(RefundSummary? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var next = (row, e.Event) switch
        {
            (null, RefundRequested r) => new RefundSummary(
                r.RefundId, r.OrderId, r.StoreId, r.CustomerId, r.Kind.Snake(), "requested", r.Amount, r.Reason, null, null, null, null, null,
                "none", null, at, null, null, null, null, null, null, null, at),
            (null, _) => null,
            (_, RefundApproved a) => row with { Status = "approved", Approval = a.ByRule ? "auto" : "manual", ApprovedBy = a.ApprovedBy, ApprovedAt = at },
            (_, RefundRejected r) => row with { Status = "rejected", RejectionReason = r.Reason, RejectedAt = at },
            (_, RefundReturnShipped s) => row with { Status = "return_shipped", ReturnTrackingNumber = s.TrackingNumber, ReturnShippedAt = at },
            (_, RefundReturnReceived) => row with { Status = "return_received", ReturnReceivedAt = at },
            (_, RefundReturnInspected i) => row with { Status = "return_inspected", InspectionPassed = i.Passed, InspectedAt = at },
            (_, RefundPaid) => row with { Status = "paid", PaidAt = at, CompletionTime = at - row.RequestedAt },
            (_, RefundDisputeOpened) => row with { Dispute = "open", MerchantAtFault = null },
            (_, RefundDisputeJudged j) => row with { Dispute = "judged", MerchantAtFault = j.MerchantAtFault },
            _ => row,
        };

        return next is null || ReferenceEquals(next, row) ? next : next with { UpdatedAt = at };
    }

    internal static readonly RowTable<RefundSummary> Rows = new(
        Table,
        keyCount: 1,
        r => new RefundSummary(
            r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Money(6), r.Text(7), r.TextN(8), r.TextN(9), r.TextN(10),
            r.TextN(11), r.BoolN(12), r.Text(13), r.BoolN(14), r.Time(15), r.TimeN(16), r.TimeN(17), r.TimeN(18), r.TimeN(19), r.TimeN(20),
            r.TimeN(21), r.DurationN(22), r.Time(23)),
        Col.Text<RefundSummary>("refund_id", r => r.RefundId),
        Col.Text<RefundSummary>("order_id", r => r.OrderId),
        Col.Text<RefundSummary>("store_id", r => r.StoreId),
        Col.Text<RefundSummary>("customer_id", r => r.CustomerId),
        Col.Text<RefundSummary>("kind", r => r.Kind),
        Col.Text<RefundSummary>("status", r => r.Status),
        Col.Money<RefundSummary>("amount", r => r.Amount),
        Col.Text<RefundSummary>("reason", r => r.Reason),
        Col.Text<RefundSummary>("approval", r => r.Approval),
        Col.Text<RefundSummary>("approved_by", r => r.ApprovedBy),
        Col.Text<RefundSummary>("rejection_reason", r => r.RejectionReason),
        Col.Text<RefundSummary>("return_tracking_number", r => r.ReturnTrackingNumber),
        Col.BoolN<RefundSummary>("inspection_passed", r => r.InspectionPassed),
        Col.Text<RefundSummary>("dispute", r => r.Dispute),
        Col.BoolN<RefundSummary>("merchant_at_fault", r => r.MerchantAtFault),
        Col.Time<RefundSummary>("requested_at", r => r.RequestedAt),
        Col.Time<RefundSummary>("approved_at", r => r.ApprovedAt),
        Col.Time<RefundSummary>("rejected_at", r => r.RejectedAt),
        Col.Time<RefundSummary>("return_shipped_at", r => r.ReturnShippedAt),
        Col.Time<RefundSummary>("return_received_at", r => r.ReturnReceivedAt),
        Col.Time<RefundSummary>("inspected_at", r => r.InspectedAt),
        Col.Time<RefundSummary>("paid_at", r => r.PaidAt),
        Col.Duration<RefundSummary>("completion_time", r => r.CompletionTime),
        Col.Time<RefundSummary>("updated_at", r => r.UpdatedAt));
}

/// <summary>Reads <c>rm.refunds</c>.</summary>
public sealed class RefundQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
    : ViewQueries(dataSource, viewSchema)
{
    private static readonly string Columns = RefundsProjection.Rows.SelectList;

    public Task<RefundSummary?> GetAsync(string refundId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.SingleOrDefaultAsync(
            DataSource, $"SELECT {Columns} FROM {Views}.refunds WHERE refund_id = @refundId", new { refundId },
            RefundsProjection.Rows.Read, cancellationToken);

    public Task<List<RefundSummary>> ListForOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource, $"SELECT {Columns} FROM {Views}.refunds WHERE order_id = @orderId ORDER BY requested_at, refund_id", new { orderId },
            RefundsProjection.Rows.Read, cancellationToken);

    /// <summary>The stores' refunds, optionally in one status, newest request first.</summary>
    public Task<List<RefundSummary>> ListForStoresAsync(
        IReadOnlyCollection<string> storeIds, string? status = null, int limit = 100, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM {Views}.refunds
            WHERE store_id = ANY(@storeIds) AND (@status::text IS NULL OR status = @status)
            ORDER BY requested_at DESC, refund_id LIMIT @limit
            """,
            new { storeIds = ReadModelQuery.Array(storeIds), status, limit = ReadModelQuery.Clamp(limit) },
            RefundsProjection.Rows.Read,
            cancellationToken);
}
