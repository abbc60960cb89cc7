using Npgsql;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics;

/// <summary>
/// Sales per sharer and per promoter of a store over a window (docs/metrics.md, "Sales per sharer"), from the rows
/// <see cref="SharerSalesProjection"/> keeps and nothing else. Each fact counts on its own store-local day: an order on
/// the day it was placed, a payment on the day it was confirmed, a refund on the day it was paid back; facts after
/// <c>now</c> are not counted.
/// </summary>
/// <param name="viewSchema">Where the stable views live (<c>Projections:ViewSchema</c>).</param>
public sealed class SharerSalesQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
{
    public const string SharerRole = "sharer";
    public const string PromoterRole = "promoter";

    private readonly MetricSql _sql = new(dataSource, viewSchema);

    /// <summary>Every sharer and promoter with a fact in the window, each with its days (only days with a fact), by role then id.</summary>
    public async Task<IReadOnlyList<SharerSales>> GetAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var orders = _sql.View(SharerSalesProjection.OrdersTable);
        var sql = $"""
            WITH a AS (
                SELECT '{SharerRole}' AS role, sharer_id AS id, sharer_type, order_id, placed_at, placed_day, paid_at, paid_day, paid_amount
                FROM {orders} WHERE {MetricSql.Is(storeId, "store_id", "store")} AND sharer_id IS NOT NULL
                UNION ALL
                SELECT '{PromoterRole}', promoter_id, NULL, order_id, placed_at, placed_day, paid_at, paid_day, paid_amount
                FROM {orders} WHERE {MetricSql.Is(storeId, "store_id", "store")} AND promoter_id IS NOT NULL
            ), facts AS (
                SELECT role, id, sharer_type, placed_day AS day, 1 AS placed, 0 AS paid, 0::numeric AS paid_amount, 0::numeric AS refunded
                FROM a WHERE {window.Where("placed_day", "placed_at")}
                UNION ALL
                SELECT role, id, sharer_type, paid_day, 0, 1, paid_amount, 0
                FROM a WHERE paid_at IS NOT NULL AND {window.Where("paid_day", "paid_at")}
                UNION ALL
                SELECT a.role, a.id, a.sharer_type, r.paid_day, 0, 0, 0, r.amount
                FROM a JOIN {_sql.View(SharerSalesProjection.RefundsTable)} r ON r.order_id = a.order_id
                WHERE {window.Where("r.paid_day", "r.paid_at")}
            )
            SELECT role, id, max(sharer_type), day, sum(placed)::bigint, sum(paid)::bigint, sum(paid_amount), sum(refunded)
            FROM facts
            GROUP BY role, id, day
            ORDER BY role DESC, id, day
            """;
        var days = await _sql.ListAsync(sql, storeId, null, window, now, r => (
            Role: r.Text(0), Id: r.Text(1), SharerType: r.TextN(2),
            Day: new SharerDay(r.DayN(3)!.Value, r.Long(4), r.Long(5), r.Money(6), r.Money(7), r.Money(6) - r.Money(7))), cancellationToken);
        return days
            .GroupBy(d => (d.Role, d.Id))
            .Select(g => new SharerSales(
                g.Key.Role, g.Key.Id, g.Select(d => d.SharerType).FirstOrDefault(t => t is not null),
                g.Sum(d => d.Day.Orders), g.Sum(d => d.Day.PaidOrders), g.Sum(d => d.Day.PaidAmount), g.Sum(d => d.Day.RefundedAmount),
                g.Sum(d => d.Day.NetAmount), [.. g.Select(d => d.Day)]))
            .ToList();
    }
}

/// <summary>One sharer's (or promoter's) figures of one store-local day.</summary>
/// <param name="Orders">Attributed orders placed that day.</param>
/// <param name="PaidOrders">Attributed orders whose payment was confirmed that day.</param>
/// <param name="PaidAmount">What those payments came to.</param>
/// <param name="RefundedAmount">Refunds paid back that day on the sharer's orders (whenever those were placed).</param>
/// <param name="NetAmount"><paramref name="PaidAmount"/> − <paramref name="RefundedAmount"/>.</param>
public sealed record SharerDay(DateOnly Day, long Orders, long PaidOrders, decimal PaidAmount, decimal RefundedAmount, decimal NetAmount);

/// <summary>A sharer's or promoter's figures over the window (the sums of its days).</summary>
/// <param name="Role"><c>sharer</c> (分享员) or <c>promoter</c> (达人).</param>
/// <param name="SharerType">The channel's kind of sharer (WeChat shop: <c>ordinary</c>, <c>shop</c>); null for promoters.</param>
public sealed record SharerSales(
    string Role, string Id, string? SharerType, long Orders, long PaidOrders, decimal PaidAmount, decimal RefundedAmount, decimal NetAmount, IReadOnlyList<SharerDay> Days);
