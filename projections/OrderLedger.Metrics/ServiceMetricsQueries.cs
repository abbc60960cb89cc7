using Npgsql;
using NpgsqlTypes;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics;

/// <summary>
/// The §5 figures, computed on demand from the facts the metric projections keep (the stable <c>rm.metric_*</c> views):
/// counts, rates and percentiles are aggregated over the rows in the window, and <c>now</c> decides what is overdue,
/// pending or final, so "now"-dependent figures never need re-projecting. See <c>docs/metrics.md</c>.
/// <para><c>storeId</c> null = every store (each fact on its own store's local day); <c>agentId</c> null = every agent.</para>
/// </summary>
/// <param name="stuckAfter">A parcel in transit without carrier movement for this long is stuck (default 48 hours).</param>
public sealed class ServiceMetricsQueries(NpgsqlDataSource dataSource, TimeSpan? stuckAfter = null)
{
    /// <summary>§5: a first human reply within 180 s of the inquiry's start (exactly 180 s included) is in time.</summary>
    public const int ReplyTargetSeconds = 180;

    /// <summary>§5: a resolution is first-contact when no reopen and no repeat contact follow within this many days.</summary>
    public const int RepeatContactDays = 7;

    public TimeSpan StuckAfter { get; } = stuckAfter ?? TimeSpan.FromHours(48);

    // ---- Three-minute human reply rate ----------------------------------------------------------------------------

    public async Task<ReplyRate> GetReplyRateAsync(
        string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await ReplyRatesAsync("NULL::text", storeId, agentId, window, now, cancellationToken)).SingleOrDefault().Figures ?? EmptyReplyRate;

    public Task<ReplyRate> GetReplyRateAsync(
        string? storeId, string? agentId, DateOnly fromDay, DateOnly toDay, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        GetReplyRateAsync(storeId, agentId, MetricWindow.Days(fromDay, toDay), now, cancellationToken);

    /// <summary>One entry per store-local day from <paramref name="fromDay"/> to <paramref name="toDay"/>, days without inquiries included.</summary>
    public async Task<IReadOnlyList<DailyReplyRate>> GetDailyReplyRateAsync(
        string? storeId, string? agentId, DateOnly fromDay, DateOnly toDay, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var rows = (await ReplyRatesAsync("to_char(local_day, 'YYYY-MM-DD')", storeId, agentId, MetricWindow.Days(fromDay, toDay), now, cancellationToken))
            .ToDictionary(r => r.Group!, r => r.Figures, StringComparer.Ordinal);
        var days = new List<DailyReplyRate>();
        for (var day = fromDay; day <= toDay; day = day.AddDays(1))
        {
            days.Add(new DailyReplyRate(day, rows.GetValueOrDefault(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) ?? EmptyReplyRate));
        }

        return days;
    }

    /// <summary>One entry per agent with inquiries in the window (ordered by agent id; unassigned last).</summary>
    public async Task<IReadOnlyList<AgentReplyRate>> GetReplyRateByAgentAsync(
        string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        [.. (await ReplyRatesAsync("agent_id", storeId, null, window, now, cancellationToken))
            .OrderBy(r => r.Group is null).ThenBy(r => r.Group, StringComparer.Ordinal)
            .Select(r => new AgentReplyRate(r.Group, r.Figures))];

    private static readonly ReplyRate EmptyReplyRate = new(0, 0, 0, 0, 0, 0, null, null, null, null);

    private async Task<List<(string? Group, ReplyRate Figures)>> ReplyRatesAsync(
        string groupBy, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = $"""
            WITH i AS (
                SELECT {groupBy} AS g, in_service_hours, started_at,
                       CASE WHEN first_reply_at <= @now THEN first_reply_at END AS reply_at,
                       CASE WHEN withdrawn_at <= @now THEN withdrawn_at END AS withdrawn_at
                FROM rm.{ServiceMetricsProjection.InquiriesTable}
                WHERE {Is(storeId, "store_id", "store")} AND {Is(agentId, "agent_id", "agent")}
                  AND started_at <= @now AND {window.Where("local_day", "started_at")}
            ), o AS (
                SELECT g, extract(epoch FROM reply_at - started_at)::float8 AS wait,
                       CASE
                           WHEN NOT in_service_hours THEN 'outside_hours'
                           WHEN reply_at IS NOT NULL THEN
                               CASE WHEN reply_at <= started_at + make_interval(secs => {ReplyTargetSeconds}) THEN 'in_time' ELSE 'late' END
                           WHEN withdrawn_at IS NOT NULL THEN
                               CASE WHEN withdrawn_at <= started_at + make_interval(secs => {ReplyTargetSeconds}) THEN 'withdrawn' ELSE 'overdue' END
                           WHEN @now > started_at + make_interval(secs => {ReplyTargetSeconds}) THEN 'overdue'
                           ELSE 'pending'
                       END AS outcome
                FROM i
            )
            SELECT g,
                   count(*) FILTER (WHERE outcome = 'in_time'),
                   count(*) FILTER (WHERE outcome = 'late'),
                   count(*) FILTER (WHERE outcome = 'overdue'),
                   count(*) FILTER (WHERE outcome = 'pending'),
                   count(*) FILTER (WHERE outcome = 'withdrawn'),
                   count(*) FILTER (WHERE outcome = 'outside_hours'),
                   avg(wait) FILTER (WHERE outcome IN ('in_time', 'late')),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) FILTER (WHERE outcome IN ('in_time', 'late')),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) FILTER (WHERE outcome IN ('in_time', 'late'))
            FROM o
            GROUP BY g
            """;
        return await ListAsync(sql, storeId, agentId, window, now, r =>
        {
            long inTime = r.LongOrZero(1), late = r.LongOrZero(2), overdue = r.LongOrZero(3);
            return (r.TextN(0), new ReplyRate(
                inTime, late, overdue, r.LongOrZero(4), r.LongOrZero(5), r.LongOrZero(6), Ratio(inTime, inTime + late + overdue), r.DoubleN(7), r.DoubleN(8), r.DoubleN(9)));
        }, cancellationToken);
    }

    // ---- NPS -------------------------------------------------------------------------------------------------------

    /// <summary>Per agent: the agent assigned to the conversation when its survey went out.</summary>
    public async Task<Nps> GetNpsAsync(string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            WITH c AS (
                SELECT nps_score, nps_answered_at,
                       nps_answered_at IS NOT NULL AND {window.Where("nps_day", "nps_answered_at")} AS answered,
                       {window.Where("survey_day", "survey_sent_at")} AS sent
                FROM rm.{ServiceMetricsProjection.ConversationsTable}
                WHERE {Is(storeId, "store_id", "store")} AND {Is(agentId, "survey_agent_id", "agent")}
                  AND survey_sent_at IS NOT NULL
            )
            SELECT count(*) FILTER (WHERE answered AND nps_score >= 9),
                   count(*) FILTER (WHERE answered AND nps_score BETWEEN 7 AND 8),
                   count(*) FILTER (WHERE answered AND nps_score <= 6),
                   count(*) FILTER (WHERE sent),
                   count(*) FILTER (WHERE sent AND nps_answered_at <= @now)
            FROM c
            """;
        var rows = await ListAsync(sql, storeId, agentId, window, now, r =>
        {
            long promoters = r.LongOrZero(0), passives = r.LongOrZero(1), detractors = r.LongOrZero(2), sent = r.LongOrZero(3), answered = r.LongOrZero(4);
            var answers = promoters + passives + detractors;
            double? score = answers == 0 ? null : 100.0 * (promoters - detractors) / answers;
            return new Nps(promoters, passives, detractors, score, sent, answered, Ratio(answered, sent));
        }, cancellationToken);
        return rows.Single();
    }

    /// <summary>
    /// One entry per store-local day from <paramref name="fromDay"/> to <paramref name="toDay"/>, days without surveys
    /// included: each day's figures are <see cref="GetNpsAsync"/> for that one day (answers by the day they were given,
    /// surveys by the day they went out).
    /// </summary>
    public async Task<IReadOnlyList<DailyNps>> GetDailyNpsAsync(
        string? storeId, string? agentId, DateOnly fromDay, DateOnly toDay, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var window = MetricWindow.Days(fromDay, toDay);
        var sql = $"""
            WITH c AS (
                SELECT nps_score, nps_answered_at, nps_day, survey_day, survey_sent_at
                FROM rm.{ServiceMetricsProjection.ConversationsTable}
                WHERE {Is(storeId, "store_id", "store")} AND {Is(agentId, "survey_agent_id", "agent")}
                  AND survey_sent_at IS NOT NULL
            ), answers AS (
                SELECT nps_day AS day,
                       count(*) FILTER (WHERE nps_score >= 9) AS promoters,
                       count(*) FILTER (WHERE nps_score BETWEEN 7 AND 8) AS passives,
                       count(*) FILTER (WHERE nps_score <= 6) AS detractors
                FROM c
                WHERE nps_answered_at IS NOT NULL AND {window.Where("nps_day", "nps_answered_at")}
                GROUP BY nps_day
            ), surveys AS (
                SELECT survey_day AS day, count(*) AS sent, count(*) FILTER (WHERE nps_answered_at <= @now) AS answered
                FROM c
                WHERE {window.Where("survey_day", "survey_sent_at")}
                GROUP BY survey_day
            )
            SELECT to_char(coalesce(a.day, s.day), 'YYYY-MM-DD'), a.promoters, a.passives, a.detractors, s.sent, s.answered
            FROM answers a FULL JOIN surveys s ON s.day = a.day
            """;
        var rows = (await ListAsync(sql, storeId, agentId, window, now, r =>
            {
                long promoters = r.LongOrZero(1), passives = r.LongOrZero(2), detractors = r.LongOrZero(3), sent = r.LongOrZero(4), answered = r.LongOrZero(5);
                var answers = promoters + passives + detractors;
                double? score = answers == 0 ? null : 100.0 * (promoters - detractors) / answers;
                return (Day: r.Text(0), Figures: new Nps(promoters, passives, detractors, score, sent, answered, Ratio(answered, sent)));
            }, cancellationToken))
            .ToDictionary(r => r.Day, r => r.Figures, StringComparer.Ordinal);
        var days = new List<DailyNps>();
        for (var day = fromDay; day <= toDay; day = day.AddDays(1))
        {
            days.Add(new DailyNps(day, rows.GetValueOrDefault(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) ?? EmptyNps));
        }

        return days;
    }

    private static readonly Nps EmptyNps = new(0, 0, 0, null, 0, 0, null);

    // ---- First-contact resolution ----------------------------------------------------------------------------------

    /// <summary>Per agent: the agent assigned when the conversation was first resolved.</summary>
    public async Task<FirstContactResolution> GetFirstContactResolutionAsync(
        string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            WITH r AS (
                SELECT c.first_resolved_at + make_interval(days => {RepeatContactDays}) <= @now AS final,
                       NOT (
                           (c.reopened_at IS NOT NULL AND c.reopened_at <= c.first_resolved_at + make_interval(days => {RepeatContactDays})
                                                      AND c.reopened_at <= @now)
                           OR EXISTS (
                               SELECT 1 FROM rm.{ServiceMetricsProjection.ConversationsTable} n
                               WHERE n.customer_id = c.customer_id AND n.order_id = c.order_id AND n.conversation_id <> c.conversation_id
                                 AND n.started_at > c.first_resolved_at
                                 AND n.started_at <= c.first_resolved_at + make_interval(days => {RepeatContactDays})
                                 AND n.started_at <= @now)
                       ) AS first_contact
                FROM rm.{ServiceMetricsProjection.ConversationsTable} c
                WHERE {Is(storeId, "c.store_id", "store")} AND {Is(agentId, "c.resolved_agent_id", "agent")}
                  AND c.first_resolved_at IS NOT NULL AND {window.Where("c.first_resolved_day", "c.first_resolved_at")}
            )
            SELECT count(*), count(*) FILTER (WHERE final), count(*) FILTER (WHERE final AND first_contact), count(*) FILTER (WHERE first_contact)
            FROM r
            """;
        var rows = await ListAsync(sql, storeId, agentId, window, now, r =>
        {
            long resolved = r.LongOrZero(0), final = r.LongOrZero(1), finalFirst = r.LongOrZero(2), soFar = r.LongOrZero(3);
            return new FirstContactResolution(resolved, final, finalFirst, Ratio(finalFirst, final), soFar, Ratio(soFar, resolved));
        }, cancellationToken);
        return rows.Single();
    }

    // ---- Refunds, disputes, reviews -----------------------------------------------------------------------------------

    public async Task<RefundTimes> GetRefundTimesAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            WITH r AS (
                SELECT kind, extract(epoch FROM paid_at - requested_at)::float8 AS secs, approved_by_rule
                FROM rm.{CommerceMetricsProjection.RefundsTable}
                WHERE {Is(storeId, "store_id", "store")} AND paid_at IS NOT NULL AND {window.Where("paid_day", "paid_at")}
            )
            SELECT kind, count(*), avg(secs), percentile_cont(0.9) WITHIN GROUP (ORDER BY secs), count(*) FILTER (WHERE approved_by_rule)
            FROM r
            GROUP BY kind
            """;
        var rows = (await ListAsync(sql, storeId, null, window, now, r =>
        {
            long completed = r.LongOrZero(1), auto = r.LongOrZero(4);
            return (Kind: r.Text(0), Times: new RefundKindTimes(completed, r.DoubleN(2), r.DoubleN(3), auto, Ratio(auto, completed)));
        }, cancellationToken)).ToDictionary(x => x.Kind, x => x.Times, StringComparer.Ordinal);
        var none = new RefundKindTimes(0, null, null, 0, null);
        return new RefundTimes(rows.GetValueOrDefault("refund_only") ?? none, rows.GetValueOrDefault("return_and_refund") ?? none);
    }

    public async Task<DisputeRate> GetDisputeRateAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            SELECT
                (SELECT count(*) FROM rm.{CommerceMetricsProjection.DisputesTable}
                 WHERE {Is(storeId, "store_id", "store")} AND merchant_at_fault AND {window.Where("judged_day", "judged_at")}),
                (SELECT count(*) FROM rm.{CommerceMetricsProjection.OrdersTable}
                 WHERE {Is(storeId, "store_id", "store")} AND paid_at IS NOT NULL AND {window.Where("paid_day", "paid_at")})
            """;
        var rows = await ListAsync(sql, storeId, null, window, now, r => new DisputeRate(r.LongOrZero(0), r.LongOrZero(1), Ratio(r.LongOrZero(0), r.LongOrZero(1))), cancellationToken);
        return rows.Single();
    }

    /// <summary>Per agent: the agent assigned to the conversation when it was rated.</summary>
    public async Task<GoodReviewRate> GetGoodReviewRateAsync(
        string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            SELECT count(*) FILTER (WHERE rating = 'satisfied'), count(*)
            FROM rm.{ServiceMetricsProjection.RatingsTable}
            WHERE {Is(storeId, "store_id", "store")} AND {Is(agentId, "agent_id", "agent")} AND {window.Where("local_day", "rated_at")}
            """;
        var rows = await ListAsync(sql, storeId, agentId, window, now, r => new GoodReviewRate(r.LongOrZero(0), r.LongOrZero(1), Ratio(r.LongOrZero(0), r.LongOrZero(1))), cancellationToken);
        return rows.Single();
    }

    // ---- Order flow ------------------------------------------------------------------------------------------------

    public async Task<OrderFlow> GetOrderFlowAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var store = Is(storeId, "store_id", "store");
        var sql = $"""
            SELECT
                (SELECT count(*) FROM rm.{CommerceMetricsProjection.OrdersTable} WHERE {store} AND {window.Where("placed_day", "placed_at")}),
                (SELECT count(*) FROM rm.{CommerceMetricsProjection.OrdersTable} WHERE {store} AND paid_at IS NOT NULL AND {window.Where("paid_day", "paid_at")}),
                (SELECT count(*) FROM rm.{CommerceMetricsProjection.ShipmentsTable} WHERE {store} AND handed_over_at IS NOT NULL AND {window.Where("handed_over_day", "handed_over_at")}),
                (SELECT count(*) FROM rm.{CommerceMetricsProjection.ShipmentsTable} WHERE {store} AND delivered_at IS NOT NULL AND {window.Where("delivered_day", "delivered_at")}),
                (SELECT count(*) FROM rm.{CommerceMetricsProjection.OrdersTable} WHERE {store} AND cancelled_at IS NOT NULL AND {window.Where("cancelled_day", "cancelled_at")})
            """;
        var counts = (await ListAsync(sql, storeId, null, window, now, r => (r.LongOrZero(0), r.LongOrZero(1), r.LongOrZero(2), r.LongOrZero(3), r.LongOrZero(4)), cancellationToken)).Single();
        var (exceptions, stuck, lowStock) = await CurrentLogisticsAsync(storeId, now, cancellationToken);
        return new OrderFlow(counts.Item1, counts.Item2, counts.Item3, counts.Item4, counts.Item5, exceptions, stuck, lowStock);
    }

    /// <summary>
    /// State now, read from the core read models (<c>rm.shipments</c>, <c>rm.stock_levels</c>) rather than duplicated;
    /// null for a figure whose read model is not built in this database.
    /// </summary>
    private async Task<(long? Exceptions, long? Stuck, long? LowStock)> CurrentLogisticsAsync(string? storeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var present = (await ListAsync(
            "SELECT to_regclass('rm.shipments') IS NOT NULL, to_regclass('rm.stock_levels') IS NOT NULL AND to_regclass('rm.stock_level_warehouses') IS NOT NULL",
            storeId, null, MetricWindow.Rolling30Days, now, r => (Shipments: r.Bool(0), Stock: r.Bool(1)), cancellationToken)).Single();
        long? exceptions = null, stuck = null, lowStock = null;
        if (present.Shipments)
        {
            var sql = $"""
                SELECT count(*) FILTER (WHERE open_exceptions <> '[]'::jsonb),
                       count(*) FILTER (WHERE status = 'handed_to_carrier' AND last_movement_at < @now - @stuckAfter)
                FROM rm.shipments
                WHERE {Is(storeId, "store_id", "store")}
                """;
            (exceptions, stuck) = (await ListAsync(sql, storeId, null, MetricWindow.Rolling30Days, now, r => (r.LongOrZero(0), r.LongOrZero(1)), cancellationToken)).Single();
        }

        if (present.Stock)
        {
            var sql = $"""
                SELECT count(DISTINCT s.sku)
                FROM rm.stock_levels s JOIN rm.stock_level_warehouses w ON w.warehouse_id = s.warehouse_id
                WHERE s.low_stock AND {Is(storeId, "w.store_id", "store")}
                """;
            lowStock = (await ListAsync(sql, storeId, null, MetricWindow.Rolling30Days, now, r => r.LongOrZero(0), cancellationToken)).Single();
        }

        return (exceptions, stuck, lowStock);
    }

    // ---- Dashboard -------------------------------------------------------------------------------------------------

    /// <summary>Every figure of one store for its local today and the rolling 30 days, evaluated at <paramref name="now"/>.</summary>
    public async Task<Dashboard> GetDashboardAsync(string storeId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var timeZone = (await ListAsync(
            $"SELECT time_zone FROM rm.{ServiceMetricsProjection.StoresTable} WHERE store_id = @store",
            storeId, null, MetricWindow.Rolling30Days, now, r => r.Text(0), cancellationToken)).SingleOrDefault() ?? StoreCalendar.DefaultTimeZone;
        var today = new StoreCalendar(storeId, timeZone, StoreCalendar.DefaultOpens, StoreCalendar.DefaultCloses).LocalDay(now);
        return new Dashboard(
            storeId, now, today, timeZone,
            await GetFiguresAsync(storeId, MetricWindow.Day(today), now, cancellationToken),
            await GetFiguresAsync(storeId, MetricWindow.Rolling30Days, now, cancellationToken));
    }

    /// <summary>Every figure of one store (or all: null) for one window.</summary>
    public async Task<MetricFigures> GetFiguresAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        new(
            await GetReplyRateAsync(storeId, null, window, now, cancellationToken),
            await GetNpsAsync(storeId, null, window, now, cancellationToken),
            await GetFirstContactResolutionAsync(storeId, null, window, now, cancellationToken),
            await GetRefundTimesAsync(storeId, window, now, cancellationToken),
            await GetDisputeRateAsync(storeId, window, now, cancellationToken),
            await GetGoodReviewRateAsync(storeId, null, window, now, cancellationToken),
            await GetOrderFlowAsync(storeId, window, now, cancellationToken));

    // ---- Plumbing --------------------------------------------------------------------------------------------------

    /// <summary>The condition for an optional filter: none at all when the value is null, so every plan can use the indexes.</summary>
    private static string Is(string? value, string column, string parameter) => value is null ? "TRUE" : $"{column} = @{parameter}";

    private static double? Ratio(long part, long whole) => whole == 0 ? null : (double)part / whole;

    private async Task<List<T>> ListAsync<T>(
        string sql, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("store", NpgsqlDbType.Text) { Value = (object?)storeId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("agent", NpgsqlDbType.Text) { Value = (object?)agentId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("fromDay", NpgsqlDbType.Date) { Value = window.From is { } from ? from : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("toDay", NpgsqlDbType.Date) { Value = window.To is { } to ? to : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("stuckAfter", NpgsqlDbType.Interval) { Value = StuckAfter });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
