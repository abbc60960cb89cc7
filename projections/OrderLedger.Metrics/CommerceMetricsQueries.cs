using Npgsql;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.Metrics;

/// <summary>
/// The commerce figures of §5 (refund times, dispute rate, the counts of the order flow), computed on demand from the
/// facts <see cref="CommerceMetricsProjection"/> keeps and nothing else (docs/metrics.md).
/// </summary>
/// <param name="viewSchema">Where the stable views live (<c>Projections:ViewSchema</c>).</param>
public sealed class CommerceMetricsQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
{
    private readonly MetricSql _sql = new(dataSource, viewSchema);

    public Task<RefundTimes> GetRefundTimesAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _sql.RunAsync(batch => AddRefundTimes(batch, storeId, window, now), cancellationToken);

    internal Func<RefundTimes> AddRefundTimes(QueryBatch batch, string? storeId, MetricWindow window, DateTimeOffset now)
    {
        var sql = $"""
            WITH r AS (
                SELECT kind, date_part('epoch', paid_at - requested_at) AS secs, approved_by_rule
                FROM {_sql.View(CommerceMetricsProjection.RefundsTable)}
                WHERE {MetricSql.Is(storeId, "store_id", "store")} AND paid_at IS NOT NULL AND {window.Where("paid_day", "paid_at")}
            )
            SELECT kind, count(*), avg(secs), percentile_cont(0.9) WITHIN GROUP (ORDER BY secs), count(*) FILTER (WHERE approved_by_rule)
            FROM r
            GROUP BY kind
            """;
        var kinds = MetricSql.Add(batch, sql, storeId, null, window, now, r =>
        {
            long completed = r.LongOrZero(1), auto = r.LongOrZero(4);
            return (Kind: r.Text(0), Times: new RefundKindTimes(completed, r.DoubleN(2), r.DoubleN(3), auto, MetricSql.Ratio(auto, completed)));
        }, QueryBatch.Plan.Generic);
        return () =>
        {
            var rows = kinds().ToDictionary(x => x.Kind, x => x.Times, StringComparer.Ordinal);
            var none = new RefundKindTimes(0, null, null, 0, null);
            return new RefundTimes(rows.GetValueOrDefault("refund_only") ?? none, rows.GetValueOrDefault("return_and_refund") ?? none);
        };
    }

    public async Task<DisputeRate> GetDisputeRateAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        DisputeRateOf(await CountsAsync(storeId, window, now, cancellationToken));

    internal static DisputeRate DisputeRateOf(IReadOnlyDictionary<string, long> counts)
    {
        long atFault = counts.GetValueOrDefault(CommerceMetricsProjection.Facts.DisputeAtFault), paid = counts.GetValueOrDefault(CommerceMetricsProjection.Facts.Paid);
        return new DisputeRate(atFault, paid, MetricSql.Ratio(atFault, paid));
    }

    /// <summary>
    /// The commerce counts of a window (orders placed, paid, cancelled; parcels shipped, delivered; disputes judged merchant
    /// at fault) in one statement: the hourly buckets inside the window through the hour of "now", plus the facts of the
    /// rolling window's partial first hour and less those after "now" in its hour, both counted live from the fact rows
    /// (each over an index on the fact's time; <see cref="MetricWindow.LiveEdges"/>).
    /// </summary>
    internal Task<IReadOnlyDictionary<string, long>> CountsAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken) =>
        _sql.RunAsync(batch => AddCounts(batch, storeId, window, now), cancellationToken);

    internal Func<IReadOnlyDictionary<string, long>> AddCounts(QueryBatch batch, string? storeId, MetricWindow window, DateTimeOffset now)
    {
        var store = MetricSql.Is(storeId, "store_id", "store");
        string Live(string fact, string table, string dayColumn, string timeColumn, string condition = "TRUE") => window.LiveEdges(
            _sql.View(table), $"{store} AND {timeColumn} IS NOT NULL AND {condition}", dayColumn, timeColumn, sign => $"'{fact}', {sign} * count(*)");
        var sql = $"""
            SELECT fact, sum(n)::bigint FROM (
                SELECT fact, n FROM {_sql.View(CommerceMetricsProjection.HourlyTable)} WHERE {store} AND {window.WhereBucketsThroughNow()}
                UNION ALL {Live(CommerceMetricsProjection.Facts.Placed, CommerceMetricsProjection.OrdersTable, "placed_day", "placed_at")}
                UNION ALL {Live(CommerceMetricsProjection.Facts.Paid, CommerceMetricsProjection.OrdersTable, "paid_day", "paid_at")}
                UNION ALL {Live(CommerceMetricsProjection.Facts.Cancelled, CommerceMetricsProjection.OrdersTable, "cancelled_day", "cancelled_at")}
                UNION ALL {Live(CommerceMetricsProjection.Facts.Shipped, CommerceMetricsProjection.ShipmentsTable, "handed_over_day", "handed_over_at")}
                UNION ALL {Live(CommerceMetricsProjection.Facts.Delivered, CommerceMetricsProjection.ShipmentsTable, "delivered_day", "delivered_at")}
                UNION ALL {Live(CommerceMetricsProjection.Facts.DisputeAtFault, CommerceMetricsProjection.DisputesTable, "judged_day", "judged_at", "merchant_at_fault")}
            ) c
            GROUP BY fact
            """;
        var rows = MetricSql.Add(batch, sql, storeId, null, window, now, r => (Fact: r.Text(0), Count: r.LongOrZero(1)));
        return () => rows().ToDictionary(x => x.Fact, x => x.Count, StringComparer.Ordinal);
    }
}
