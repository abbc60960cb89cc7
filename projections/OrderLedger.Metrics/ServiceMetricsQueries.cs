using Npgsql;
using OrderLedger.Domain.Conversations;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.Metrics;

/// <summary>
/// The service figures of §5 (reply rate, NPS, first-contact resolution, good reviews), computed on demand from the
/// facts <see cref="ServiceMetricsProjection"/> keeps and nothing else: counts, rates and percentiles are aggregated over
/// the rows in the window, and <c>now</c> decides what is overdue, pending or final, so "now"-dependent figures never need
/// re-projecting. See <c>docs/metrics.md</c>; the figures of every projection together: <see cref="MetricQueries"/>.
/// <para><c>storeId</c> null = every store (each fact on its own store's local day); <c>agentId</c> null = every agent.</para>
/// </summary>
/// <param name="viewSchema">Where the stable views live (<c>Projections:ViewSchema</c>).</param>
public sealed class ServiceMetricsQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
{
    private readonly MetricSql _sql = new(dataSource, viewSchema);

    /// <summary>§5: a first human reply within 180 s of the inquiry's start (exactly 180 s included) is in time.</summary>
    public const int ReplyTargetSeconds = 180;

    /// <summary>§5: a resolution is first-contact when no reopen and no repeat contact follow within this many days.</summary>
    public const int RepeatContactDays = 7;

    // ---- Three-minute human reply rate ----------------------------------------------------------------------------

    public async Task<ReplyRate> GetReplyRateAsync(
        string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        agentId is null
            ? await _sql.RunAsync(batch => AddStoreReplyRate(batch, storeId, window, now), cancellationToken)
            : (await ReplyRatesAsync("NULL::text", storeId, agentId, window, now, cancellationToken)).SingleOrDefault().Figures ?? EmptyReplyRate;

    /// <summary>
    /// The reply rate of a store (or all stores) in three narrow parts instead of one pass over every inquiry, in two
    /// statements: the inquiries answered by <c>now</c> (in time, late, and the exact mean and percentiles of their
    /// waits), from the wait histogram (<see cref="AnsweredWaitsSql"/>); then those in service hours not answered by
    /// <c>now</c> (withdrawn, overdue, pending) and those outside service hours. Of the ones not answered, only those
    /// whose outcome needs their row are read: the ones not replied to that started in the last 180 s (pending, or
    /// withdrawn in time) or were withdrawn, and the ones replied to after <c>now</c>, over partial indexes; every other
    /// one not replied to is overdue, and how many there are comes from the hourly counts of those not replied to
    /// (<see cref="ServiceMetricsProjection.Facts.Unreplied"/>), so a queue of 100,000 waiting customers is not read
    /// row by row on every call. Both hourly counts are read through the hour of <c>now</c>
    /// (<see cref="MetricWindow.LiveEdges"/>).
    /// <para>The histogram's statement has one generic plan for every store and window (it reads by store and local day
    /// only). The second is planned for each execution: a generic plan, not knowing how few replies come after
    /// <c>now</c>, reads every answered inquiry of the window by its start instead (on a busy day, tens of thousands of
    /// rows a call even for today alone).</para>
    /// </summary>
    internal Func<ReplyRate> AddStoreReplyRate(QueryBatch batch, string? storeId, MetricWindow window, DateTimeOffset now)
    {
        var inquiries = $"{_sql.View(ServiceMetricsProjection.InquiriesTable)}";
        var store = MetricSql.Is(storeId, "store_id", "store");
        var inWindow = window.Where("local_day", "started_at");
        var answered = MetricSql.Add(
            batch, $"WITH {AnsweredWaitsSql(storeId, window)} SELECT in_time, late, mean, p FROM answered", storeId, null, window, now,
            r => (InTime: r.LongOrZero(0), Late: r.LongOrZero(1), Mean: r.DoubleN(2), P: r.IsDBNull(3) ? null : r.GetFieldValue<double[]>(3)),
            QueryBatch.Plan.Generic);
        var notReplied = $"{store} AND in_service_hours AND first_reply_at IS NULL";
        var withdrawnByNow = "CASE WHEN withdrawn_at <= @now THEN withdrawn_at END AS withdrawn_at";
        var lastTargetStart = $"@now - make_interval(secs => {ReplyTargetSeconds})";
        var sql = $"""
            WITH unanswered AS (
                SELECT started_at, {withdrawnByNow}, true AS not_replied
                FROM {inquiries} WHERE {notReplied} AND {inWindow} AND started_at >= {lastTargetStart}
                UNION ALL
                SELECT started_at, {withdrawnByNow}, true
                FROM {inquiries} WHERE {notReplied} AND withdrawn_at IS NOT NULL AND {inWindow} AND started_at < {lastTargetStart}
                UNION ALL
                SELECT started_at, {withdrawnByNow}, false
                FROM {inquiries} WHERE {store} AND in_service_hours AND first_reply_at IS NOT NULL AND first_reply_at > @now AND {inWindow}
            ), u AS (
                SELECT CASE
                           WHEN withdrawn_at IS NOT NULL THEN
                               CASE WHEN withdrawn_at <= started_at + make_interval(secs => {ReplyTargetSeconds}) THEN 'withdrawn' ELSE 'overdue' END
                           WHEN @now > started_at + make_interval(secs => {ReplyTargetSeconds}) THEN 'overdue'
                           ELSE 'pending'
                       END AS outcome,
                       not_replied
                FROM unanswered
            ), not_replied AS (
                SELECT n FROM {_sql.View(ServiceMetricsProjection.HourlyTable)}
                WHERE {store} AND fact = '{ServiceMetricsProjection.Facts.Unreplied}' AND {window.WhereBucketsThroughNow()}
                UNION ALL
                {window.LiveEdges(inquiries, notReplied, "local_day", "started_at", sign => $"{sign} * count(*)")}
            ), outside AS (
                SELECT n FROM {_sql.View(ServiceMetricsProjection.HourlyTable)}
                WHERE {store} AND fact = '{ServiceMetricsProjection.Facts.OutsideHours}' AND {window.WhereBucketsThroughNow()}
                UNION ALL
                {window.LiveEdges(inquiries, $"{store} AND NOT in_service_hours", "local_day", "started_at", sign => $"{sign} * count(*)")}
            )
            SELECT u.overdue + n.not_replied - u.not_replied_read, u.pending, u.withdrawn, o.outside
            FROM (SELECT count(*) FILTER (WHERE outcome = 'overdue') AS overdue, count(*) FILTER (WHERE outcome = 'pending') AS pending,
                         count(*) FILTER (WHERE outcome = 'withdrawn') AS withdrawn, count(*) FILTER (WHERE not_replied) AS not_replied_read
                  FROM u) u,
                 (SELECT coalesce(sum(n), 0)::bigint AS not_replied FROM not_replied) n,
                 (SELECT sum(n)::bigint AS outside FROM outside) o
            """;
        var unanswered = MetricSql.Add(
            batch, sql, storeId, null, window, now, r => (Overdue: r.LongOrZero(0), Pending: r.LongOrZero(1), Withdrawn: r.LongOrZero(2), Outside: r.LongOrZero(3)),
            QueryBatch.Plan.Session);
        return () =>
        {
            var (a, u) = (answered().Single(), unanswered().Single());
            return new ReplyRate(
                a.InTime, a.Late, u.Overdue, u.Pending, u.Withdrawn, u.Outside, MetricSql.Ratio(a.InTime, a.InTime + a.Late + u.Overdue), a.Mean, a.P?[0], a.P?[1]);
        };
    }

    /// <summary>
    /// The CTEs ending in <c>answered</c>, one row of the inquiries in service hours in the window answered by <c>now</c>:
    /// <c>in_time</c>, <c>late</c>, the exact <c>mean</c> wait and <c>p</c>, its p50 and p90 as <c>percentile_cont</c>
    /// gives them (null without answered inquiries), read from the wait histogram (<see cref="ReplyWaitHistogram"/>):
    /// <list type="number">
    /// <item>the local days the window may touch, each whole (every wait of the day in the window and answered by
    /// <c>now</c>, told by its first and last start and last reply) or not;</item>
    /// <item>the histogram of the window: the buckets of the whole days, plus the rows of the other days that are in the
    /// window and answered by <c>now</c>;</item>
    /// <item>for each rank the percentiles need (<c>floor</c> and <c>ceil</c> of p × (n − 1)), the bucket holding it from
    /// the running counts, and the value at that rank among that bucket's rows in the window;</item>
    /// <item>the percentile as <c>percentile_cont</c> interpolates it: lo + (p × (n − 1) − floor) × (hi − lo).</item>
    /// </list>
    /// For a busy store's 30 days that reads about a thousand bucket rows, the edge days' rows and a few buckets' rows
    /// instead of every answered inquiry of the month, and sorts no more than one bucket.
    /// </summary>
    private string AnsweredWaitsSql(string? storeId, MetricWindow window)
    {
        var inquiries = _sql.View(ServiceMetricsProjection.InquiriesTable);
        var waits = _sql.View(ServiceMetricsProjection.ReplyWaitsTable);
        var answeredInWindow =
            $"{MetricSql.Is(storeId, "i.store_id", "store")} AND i.in_service_hours AND i.first_reply_at IS NOT NULL AND i.first_reply_at <= @now " +
            $"AND {window.Where("i.local_day", "i.started_at")}";
        var (whole, touches) = window.IsRolling
            ? ("min(first_started_at) > @windowStart AND max(last_started_at) <= @now AND max(last_reply_at) <= @now",
               "max(last_started_at) > @windowStart AND min(first_started_at) <= @now")
            : ("max(last_started_at) <= @now AND max(last_reply_at) <= @now", "min(first_started_at) <= @now");
        const string percentiles = "ARRAY[0.5, 0.9]::float8[]";
        return $"""
            wait_days AS (
                SELECT store_id, local_day, {whole} AS whole
                FROM {waits} WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {window.WhereLocalDays("local_day")}
                GROUP BY store_id, local_day HAVING {touches}
            ), wait_histogram AS (
                SELECT wait_bucket, sum(n)::bigint AS n, sum(in_time)::bigint AS in_time, sum(wait_sum) AS wait_sum FROM (
                    SELECT w.wait_bucket, w.n, w.in_time, w.wait_sum
                    FROM {waits} w JOIN wait_days d ON d.store_id = w.store_id AND d.local_day = w.local_day AND d.whole
                    UNION ALL
                    SELECT i.wait_bucket, 1, (i.wait_seconds <= {ReplyTargetSeconds})::int, i.wait_seconds::numeric
                    FROM {inquiries} i JOIN wait_days d ON d.store_id = i.store_id AND d.local_day = i.local_day AND NOT d.whole
                    WHERE {answeredInWindow}
                ) b
                GROUP BY wait_bucket
            ), wait_totals AS (
                SELECT sum(n)::bigint AS n, sum(in_time)::bigint AS in_time, sum(wait_sum) AS wait_sum FROM wait_histogram
            ), wait_running AS (
                SELECT wait_bucket, n, (sum(n) OVER (ORDER BY wait_bucket) - n)::bigint AS before FROM wait_histogram
            ), wait_ranks AS (
                SELECT DISTINCT r.k FROM wait_totals t, unnest({percentiles}) AS p(p),
                    LATERAL (VALUES (floor(p.p * (t.n - 1))::bigint), (ceil(p.p * (t.n - 1))::bigint)) AS r(k)
                WHERE t.n > 0
            ), wait_at_rank AS (
                SELECT r.k, (SELECT i.wait_seconds FROM {inquiries} i
                             WHERE i.wait_bucket = c.wait_bucket AND {window.WhereLocalDays("i.local_day")} AND {answeredInWindow}
                             ORDER BY i.wait_seconds OFFSET r.k - c.before LIMIT 1) AS wait
                FROM wait_ranks r JOIN wait_running c ON r.k >= c.before AND r.k < c.before + c.n
            ), answered AS (
                SELECT t.in_time, t.n - t.in_time AS late, CASE WHEN t.n > 0 THEN (t.wait_sum / t.n)::float8 END AS mean,
                       (SELECT array_agg(lo.wait + (p.p * (t.n - 1) - floor(p.p * (t.n - 1))) * (hi.wait - lo.wait) ORDER BY p.p)
                        FROM unnest({percentiles}) AS p(p)
                        JOIN wait_at_rank lo ON lo.k = floor(p.p * (t.n - 1))
                        JOIN wait_at_rank hi ON hi.k = ceil(p.p * (t.n - 1))) AS p
                FROM wait_totals t
            )
            """;
    }

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

    /// <summary>
    /// The reply rate of the inquiries that started in the <paramref name="last"/> span up to <paramref name="now"/>
    /// (the alerts' "last hour"), classified as every reply rate is; not a window of the dashboard.
    /// </summary>
    public async Task<ReplyRate> GetReplyRateOverLastAsync(string storeId, TimeSpan last, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await ReplyRatesAsync("NULL::text", storeId, null, MetricWindow.Rolling30Days, now, cancellationToken,
            $"started_at > @now - make_interval(secs => {(long)last.TotalSeconds})")).SingleOrDefault().Figures ?? EmptyReplyRate;

    /// <summary>
    /// Complaints of a store in the <paramref name="last"/> span up to <paramref name="now"/>: conversations classified as
    /// complaints then (and still complaints now), dissatisfied satisfaction ratings and NPS answers of a detractor (0–6)
    /// given then (the alerts' complaint spike).
    /// </summary>
    public async Task<long> CountComplaintsAsync(string storeId, TimeSpan last, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var since = $"@now - make_interval(secs => {(long)last.TotalSeconds})";
        var sql = $"""
            SELECT (SELECT count(*) FROM {_sql.View(ServiceMetricsProjection.RatingsTable)}
                    WHERE store_id = @store AND rating = 'dissatisfied' AND rated_at > {since} AND rated_at <= @now)
                 + (SELECT count(*) FROM {_sql.View(ServiceMetricsProjection.ConversationsTable)}
                    WHERE store_id = @store AND nps_score <= 6 AND nps_answered_at > {since} AND nps_answered_at <= @now)
                 + (SELECT count(*) FROM {_sql.View(ServiceMetricsProjection.ConversationsTable)}
                    WHERE store_id = @store AND complaint_at > {since} AND complaint_at <= @now)
            """;
        return (await _sql.ListAsync(sql, storeId, null, MetricWindow.Rolling30Days, now, r => r.LongOrZero(0), cancellationToken)).Single();
    }

    /// <summary>
    /// Per priority (vip, urgent, normal; each listed, with or without inquiries): the three-minute reply rate, and the
    /// same inquiries against the priority's own first-reply target (<paramref name="targetSeconds"/>, the store's
    /// targets as the caller read them) — an inquiry's priority is the conversation's when it started or that it was
    /// given while it waited.
    /// </summary>
    public async Task<IReadOnlyList<PriorityReplyRate>> GetReplyRateByPriorityAsync(
        string storeId, MetricWindow window, DateTimeOffset now, IReadOnlyDictionary<ConversationPriority, int> targetSeconds, CancellationToken cancellationToken = default)
    {
        var priorities = Enum.GetValues<ConversationPriority>();
        var ownTarget = $"CASE priority {string.Join(' ', priorities.Select(p => $"WHEN '{p.Snake()}' THEN {Math.Max(1, targetSeconds.GetValueOrDefault(p, ReplyTargetSeconds))}"))} ELSE {ReplyTargetSeconds} END";
        var threeMinutes = (await ReplyRatesAsync("priority", storeId, null, window, now, cancellationToken)).ToDictionary(r => r.Group ?? "", r => r.Figures, StringComparer.Ordinal);
        var own = (await ReplyRatesAsync("priority", storeId, null, window, now, cancellationToken, targetSql: ownTarget)).ToDictionary(r => r.Group ?? "", r => r.Figures, StringComparer.Ordinal);
        return
        [
            .. priorities.Select(p => new PriorityReplyRate(
                p.Snake(), targetSeconds.GetValueOrDefault(p, ReplyTargetSeconds), threeMinutes.GetValueOrDefault(p.Snake()) ?? EmptyReplyRate, own.GetValueOrDefault(p.Snake()) ?? EmptyReplyRate)),
        ];
    }

    /// <param name="targetSql">The first-reply target in seconds, as SQL over an inquiry row (default: the three minutes).</param>
    private async Task<List<(string? Group, ReplyRate Figures)>> ReplyRatesAsync(
        string groupBy, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken, string? windowCondition = null,
        string? targetSql = null)
    {
        var target = targetSql ?? ReplyTargetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sql = $"""
            WITH i AS (
                SELECT {groupBy} AS g, in_service_hours, started_at, ({target}) AS target_seconds,
                       CASE WHEN first_reply_at <= @now THEN first_reply_at END AS reply_at,
                       CASE WHEN withdrawn_at <= @now THEN withdrawn_at END AS withdrawn_at
                FROM {_sql.View(ServiceMetricsProjection.InquiriesTable)}
                WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {MetricSql.Is(agentId, "agent_id", "agent")}
                  AND started_at <= @now AND {windowCondition ?? window.Where("local_day", "started_at")}
            ), o AS (
                SELECT g, date_part('epoch', reply_at - started_at) AS wait,
                       CASE
                           WHEN NOT in_service_hours THEN 'outside_hours'
                           WHEN reply_at IS NOT NULL THEN
                               CASE WHEN reply_at <= started_at + make_interval(secs => target_seconds) THEN 'in_time' ELSE 'late' END
                           WHEN withdrawn_at IS NOT NULL THEN
                               CASE WHEN withdrawn_at <= started_at + make_interval(secs => target_seconds) THEN 'withdrawn' ELSE 'overdue' END
                           WHEN @now > started_at + make_interval(secs => target_seconds) THEN 'overdue'
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
                   percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY wait) FILTER (WHERE outcome IN ('in_time', 'late'))
            FROM o
            GROUP BY g
            """;
        return await _sql.ListAsync(sql, storeId, agentId, window, now, r =>
        {
            long inTime = r.LongOrZero(1), late = r.LongOrZero(2), overdue = r.LongOrZero(3);
            var p = r.IsDBNull(8) ? null : r.GetFieldValue<double[]>(8); // p50 and p90 from one sort
            return (r.TextN(0), new ReplyRate(
                inTime, late, overdue, r.LongOrZero(4), r.LongOrZero(5), r.LongOrZero(6), MetricSql.Ratio(inTime, inTime + late + overdue), r.DoubleN(7), p?[0], p?[1]));
        }, cancellationToken);
    }

    // ---- NPS -------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A store's NPS and review figures read whole hours from the buckets and the rest over indexes on the facts' times, so
    /// one generic plan serves every store and window (docs/benchmarks.md, "Generic plans where planning costs more").
    /// Per agent they read fact rows of the whole window, planned for each execution.
    /// </summary>
    private static QueryBatch.Plan StorePlan(string? agentId) => agentId is null ? QueryBatch.Plan.Generic : QueryBatch.Plan.Session;

    /// <summary>
    /// Per agent: the agent assigned to the conversation when its survey went out. For a whole store (or all stores) the
    /// answers come from the hourly counts plus the edge hours live; surveys sent are counted live (whether one is
    /// answered depends on "now").
    /// </summary>
    public Task<Nps> GetNpsAsync(string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _sql.RunAsync(batch => AddNps(batch, storeId, agentId, window, now), cancellationToken);

    internal Func<Nps> AddNps(QueryBatch batch, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now)
    {
        var conversations = $"{_sql.View(ServiceMetricsProjection.ConversationsTable)}";
        var answers = agentId is null
            ? $"""
                SELECT fact, n FROM {_sql.View(ServiceMetricsProjection.HourlyTable)}
                WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {window.WhereBucketsThroughNow()}
                  AND fact IN ('{ServiceMetricsProjection.Facts.Promoter}', '{ServiceMetricsProjection.Facts.Passive}', '{ServiceMetricsProjection.Facts.Detractor}')
                UNION ALL
                {window.LiveEdges(conversations, $"{MetricSql.Is(storeId, "store_id", "store")} AND nps_answered_at IS NOT NULL AND survey_sent_at IS NOT NULL",
                    "nps_day", "nps_answered_at", sign => $"{ScoreClass}, {sign}")}
                """
            : $"""
                SELECT {ScoreClass} AS fact, 1 AS n FROM {conversations}
                WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {MetricSql.Is(agentId, "survey_agent_id", "agent")}
                  AND nps_answered_at IS NOT NULL AND survey_sent_at IS NOT NULL AND {window.Where("nps_day", "nps_answered_at")}
                """;
        var sql = $"""
            WITH a AS ({answers})
            SELECT (SELECT sum(n) FROM a WHERE fact = '{ServiceMetricsProjection.Facts.Promoter}')::bigint,
                   (SELECT sum(n) FROM a WHERE fact = '{ServiceMetricsProjection.Facts.Passive}')::bigint,
                   (SELECT sum(n) FROM a WHERE fact = '{ServiceMetricsProjection.Facts.Detractor}')::bigint,
                   s.sent, s.answered
            FROM (SELECT count(*) AS sent, count(*) FILTER (WHERE nps_answered_at <= @now) AS answered
                  FROM {conversations}
                  WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {MetricSql.Is(agentId, "survey_agent_id", "agent")}
                    AND survey_sent_at IS NOT NULL AND {window.Where("survey_day", "survey_sent_at")}) s
            """;
        var rows = MetricSql.Add(batch, sql, storeId, agentId, window, now,
            r => Nps.Of(r.LongOrZero(0), r.LongOrZero(1), r.LongOrZero(2), r.LongOrZero(3), r.LongOrZero(4)), StorePlan(agentId));
        return () => rows().Single();
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
                FROM {_sql.View(ServiceMetricsProjection.ConversationsTable)}
                WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {MetricSql.Is(agentId, "survey_agent_id", "agent")}
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
        var rows = (await _sql.ListAsync(sql, storeId, agentId, window, now,
                r => (Day: r.Text(0), Figures: Nps.Of(r.LongOrZero(1), r.LongOrZero(2), r.LongOrZero(3), r.LongOrZero(4), r.LongOrZero(5))), cancellationToken))
            .ToDictionary(r => r.Day, r => r.Figures, StringComparer.Ordinal);
        var days = new List<DailyNps>();
        for (var day = fromDay; day <= toDay; day = day.AddDays(1))
        {
            days.Add(new DailyNps(day, rows.GetValueOrDefault(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) ?? NoSurveys));
        }

        return days;
    }

    private static readonly Nps NoSurveys = Nps.Of(0, 0, 0, 0, 0);

    private static readonly string ScoreClass = $"""
        CASE WHEN nps_score >= 9 THEN '{ServiceMetricsProjection.Facts.Promoter}'
             WHEN nps_score >= 7 THEN '{ServiceMetricsProjection.Facts.Passive}'
             ELSE '{ServiceMetricsProjection.Facts.Detractor}' END
        """;

    // ---- First-contact resolution ----------------------------------------------------------------------------------

    /// <summary>
    /// Per agent: the agent assigned when the conversation was first resolved. Each resolution carries the moment its
    /// first-contact status broke (<c>broken_at</c>: a reopen or a repeat contact within the 7 days, kept by the
    /// projection), so a resolution is first-contact as of <c>now</c> unless <c>broken_at ≤ now</c>. For a whole store
    /// (or all stores) the resolutions whose 7 days have passed come from the hourly counts (their figures no longer
    /// change); the rest — the last 7 days and the window's edge hours — are counted live.
    /// </summary>
    public Task<FirstContactResolution> GetFirstContactResolutionAsync(
        string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _sql.RunAsync(batch => AddFirstContactResolution(batch, storeId, agentId, window, now), cancellationToken);

    internal Func<FirstContactResolution> AddFirstContactResolution(QueryBatch batch, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now)
    {
        var store = MetricSql.Is(storeId, "store_id", "store");
        string Live(string where) => FirstContactCountsSql($"{store} AND {MetricSql.Is(agentId, "resolved_agent_id", "agent")} AND {where}", group: null);
        var sql = agentId is null
            ? $"""
                SELECT sum(resolved)::bigint, sum(final)::bigint, sum(final_first)::bigint, sum(first_so_far)::bigint FROM (
                    SELECT coalesce(sum(n) FILTER (WHERE fact = '{ServiceMetricsProjection.Facts.Resolved}'), 0) AS resolved,
                           coalesce(sum(n) FILTER (WHERE fact = '{ServiceMetricsProjection.Facts.Resolved}'), 0) AS final,
                           coalesce(sum(n) FILTER (WHERE fact = '{ServiceMetricsProjection.Facts.Resolved}'), 0)
                             - coalesce(sum(n) FILTER (WHERE fact = '{ServiceMetricsProjection.Facts.Broken}'), 0) AS final_first,
                           coalesce(sum(n) FILTER (WHERE fact = '{ServiceMetricsProjection.Facts.Resolved}'), 0)
                             - coalesce(sum(n) FILTER (WHERE fact = '{ServiceMetricsProjection.Facts.Broken}'), 0) AS first_so_far
                    FROM {_sql.View(ServiceMetricsProjection.HourlyTable)}
                    WHERE {store} AND {window.WhereBuckets()} AND hour < @finalHour
                      AND fact IN ('{ServiceMetricsProjection.Facts.Resolved}', '{ServiceMetricsProjection.Facts.Broken}')
                    UNION ALL
                    {Live($"{window.Where("first_resolved_day", "first_resolved_at")} AND first_resolved_at >= @finalHour")}
                    UNION ALL
                    {Live($"{window.WhereOutsideBuckets("first_resolved_day", "first_resolved_at")} AND first_resolved_at < @finalHour")}
                ) f
                """
            : Live(window.Where("first_resolved_day", "first_resolved_at"));
        var rows = MetricSql.Add(batch, sql, storeId, agentId, window, now, r => FirstContactOf(r, 0));
        return () => rows().Single();
    }

    /// <summary>
    /// The counts of first-contact resolution over the rows of <c>metric_conversations</c> that <paramref name="where"/>
    /// selects (first resolved, with <c>broken_at</c> against <c>@now</c>), optionally per value of <paramref name="group"/>
    /// (the group first, then the four counts).
    /// </summary>
    private string FirstContactCountsSql(string where, string? group) => $"""
        SELECT {(group is null ? "" : $"{group}, ")}count(*) AS resolved,
               count(*) FILTER (WHERE first_resolved_at <= @repeatWindowStart) AS final,
               count(*) FILTER (WHERE first_resolved_at <= @repeatWindowStart AND (broken_at IS NULL OR broken_at > @now)) AS final_first,
               count(*) FILTER (WHERE broken_at IS NULL OR broken_at > @now) AS first_so_far
        FROM {_sql.View(ServiceMetricsProjection.ConversationsTable)}
        WHERE first_resolved_at IS NOT NULL AND {where}{(group is null ? "" : $" GROUP BY {group}")}
        """;

    /// <summary>First-contact resolution over the union of disjoint sets of resolutions (e.g. the categories of one store).</summary>
    internal static FirstContactResolution SumOf(IEnumerable<FirstContactResolution> parts)
    {
        long resolved = 0, final = 0, finalFirst = 0, soFar = 0;
        foreach (var p in parts)
        {
            (resolved, final, finalFirst, soFar) = (resolved + p.Resolved, final + p.Final, finalFirst + p.FinalFirstContact, soFar + p.FirstContactSoFar);
        }

        return new FirstContactResolution(resolved, final, finalFirst, MetricSql.Ratio(finalFirst, final), soFar, MetricSql.Ratio(soFar, resolved));
    }

    private static FirstContactResolution FirstContactOf(NpgsqlDataReader r, int first)
    {
        long resolved = r.LongOrZero(first), final = r.LongOrZero(first + 1), finalFirst = r.LongOrZero(first + 2), soFar = r.LongOrZero(first + 3);
        return new FirstContactResolution(resolved, final, finalFirst, MetricSql.Ratio(finalFirst, final), soFar, MetricSql.Ratio(soFar, resolved));
    }

    // ---- Classification: complaint rate, bot resolution rate, first-contact resolution per category -----------------

    /// <summary>The bucket of conversations never classified in <see cref="GetClassificationAsync"/>'s figures per category.</summary>
    public const string Unclassified = "unclassified";

    /// <summary>
    /// The figures that need the conversations' classification, as classified now (docs/metrics.md, "Classification"):
    /// the complaint rate of the conversations started in the window, the bot resolution rate of the bot-started
    /// conversations first resolved in the window, and first-contact resolution split by category (every category and
    /// <see cref="Unclassified"/>, listed with or without resolutions).
    /// </summary>
    public Task<ClassificationFigures> GetClassificationAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _sql.RunAsync(batch => AddClassification(batch, storeId, window, now), cancellationToken);

    internal Func<ClassificationFigures> AddClassification(QueryBatch batch, string? storeId, MetricWindow window, DateTimeOffset now)
    {
        var store = MetricSql.Is(storeId, "store_id", "store");
        var conversations = _sql.View(ServiceMetricsProjection.ConversationsTable);
        var hourly = _sql.View(ServiceMetricsProjection.HourlyTable);
        const string resolvedPrefix = ServiceMetricsProjection.Facts.CategoryResolvedPrefix, brokenPrefix = ServiceMetricsProjection.Facts.CategoryBrokenPrefix;
        string Live(string fact, string condition, string dayColumn, string timeColumn) =>
            window.LiveEdges(conversations, $"{store} AND {condition}", dayColumn, timeColumn, sign => $"'{fact}', {sign} * count(*)");
        const string byBot = "(first_handed_off_at IS NULL OR first_handed_off_at > first_resolved_at)";
        var sql = $"""
            SELECT fact, sum(n)::bigint FROM (
                SELECT fact, n FROM {hourly}
                WHERE {store} AND {window.WhereBucketsThroughNow()}
                  AND fact IN ('{ServiceMetricsProjection.Facts.Started}', '{ServiceMetricsProjection.Facts.Complaint}',
                               '{ServiceMetricsProjection.Facts.BotResolved}', '{ServiceMetricsProjection.Facts.ResolvedByBot}')
                UNION ALL {Live(ServiceMetricsProjection.Facts.Started, "TRUE", "started_day", "started_at")}
                UNION ALL {Live(ServiceMetricsProjection.Facts.Complaint, "is_complaint", "started_day", "started_at")}
                UNION ALL {Live(ServiceMetricsProjection.Facts.BotResolved, "bot_started AND first_resolved_at IS NOT NULL", "first_resolved_day", "first_resolved_at")}
                UNION ALL {Live(ServiceMetricsProjection.Facts.ResolvedByBot, $"bot_started AND first_resolved_at IS NOT NULL AND {byBot}", "first_resolved_day", "first_resolved_at")}
            ) c
            GROUP BY fact
            """;
        var countRows = MetricSql.Add(batch, sql, storeId, null, window, now, r => (Fact: r.Text(0), Count: r.LongOrZero(1)), QueryBatch.Plan.Generic);

        // First-contact resolution per category as the store's figure is counted, with the hours of the last 7 days from
        // the buckets too: the final hours' resolutions and breaks from the buckets; the whole hours after the one 7 days
        // ago (not final: none counts as final yet, and a break counts only once it happened by "now") their resolutions
        // from the buckets, less the breaks by "now" read live (few: a partial index holds the broken ones only); the hour
        // 7 days ago, which holds final and not yet final resolutions, and the edge hours live.
        string LiveByCategory(string where) => FirstContactCountsSql($"{store} AND {where}", $"coalesce(category, '{Unclassified}')");
        var byCategorySql = $"""
            SELECT category, sum(resolved)::bigint, sum(final)::bigint, sum(final_first)::bigint, sum(first_so_far)::bigint FROM (
                SELECT category, sum(n) FILTER (WHERE resolved) AS resolved, sum(n) FILTER (WHERE resolved AND final) AS final,
                       coalesce(sum(n) FILTER (WHERE resolved AND final), 0) - coalesce(sum(n) FILTER (WHERE NOT resolved AND final), 0) AS final_first,
                       coalesce(sum(n) FILTER (WHERE resolved), 0) - coalesce(sum(n) FILTER (WHERE NOT resolved AND final), 0) AS first_so_far
                FROM (SELECT starts_with(fact, '{resolvedPrefix}') AS resolved, hour < @finalHour AS final,
                             substr(fact, CASE WHEN starts_with(fact, '{resolvedPrefix}') THEN {resolvedPrefix.Length + 1} ELSE {brokenPrefix.Length + 1} END) AS category, n
                      FROM {hourly}
                      WHERE {store} AND {window.WhereBuckets()} AND (hour < @finalHour OR hour >= @finalHourEnd)
                        AND (starts_with(fact, '{resolvedPrefix}') OR starts_with(fact, '{brokenPrefix}'))) b
                GROUP BY category
                UNION ALL
                SELECT coalesce(category, '{Unclassified}'), 0, 0, 0, -count(*)
                FROM {conversations}
                WHERE {store} AND broken_at IS NOT NULL AND broken_at <= @now AND first_resolved_at IS NOT NULL
                  AND {window.Where("first_resolved_day", "first_resolved_at")} AND first_resolved_at >= @finalHourEnd AND first_resolved_at < @nowHour
                GROUP BY 1
                UNION ALL
                {LiveByCategory($"{window.Where("first_resolved_day", "first_resolved_at")} AND first_resolved_at >= @finalHour AND first_resolved_at < @finalHourEnd")}
                UNION ALL
                {LiveByCategory($"{window.WhereOutsideBuckets("first_resolved_day", "first_resolved_at")} AND first_resolved_at >= @finalHourEnd")}
                UNION ALL
                {LiveByCategory($"{window.WhereOutsideBuckets("first_resolved_day", "first_resolved_at")} AND first_resolved_at < @finalHour")}
            ) f
            GROUP BY category
            """;
        var categoryRows = MetricSql.Add(
            batch, byCategorySql, storeId, null, window, now, r => (Category: r.Text(0), Figures: FirstContactOf(r, 1)), QueryBatch.Plan.Generic);
        return () =>
        {
            var counts = countRows().ToDictionary(c => c.Fact, c => c.Count, StringComparer.Ordinal);
            return ClassificationOf(
                counts.GetValueOrDefault(ServiceMetricsProjection.Facts.Started), counts.GetValueOrDefault(ServiceMetricsProjection.Facts.Complaint),
                counts.GetValueOrDefault(ServiceMetricsProjection.Facts.BotResolved), counts.GetValueOrDefault(ServiceMetricsProjection.Facts.ResolvedByBot),
                categoryRows());
        };
    }

    private static ClassificationFigures ClassificationOf(
        long started, long complaints, long botStarted, long botResolved, IReadOnlyList<(string Category, FirstContactResolution Figures)> categories)
    {
        var byCategory = categories.ToDictionary(c => c.Category, c => c.Figures, StringComparer.Ordinal);
        var none = new FirstContactResolution(0, 0, 0, null, 0, null);
        return new ClassificationFigures(
            new ComplaintRate(complaints, started, MetricSql.Ratio(complaints, started)),
            new BotResolutionRate(botResolved, botStarted, MetricSql.Ratio(botResolved, botStarted)),
            [.. Enum.GetValues<ConversationCategory>().Select(c => c.Snake()).Append(Unclassified)
                .Select(category => new CategoryFirstContactResolution(category, byCategory.GetValueOrDefault(category) ?? none))]);
    }

    // ---- Good reviews -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Per agent: the agent assigned to the conversation when it was rated (counted over the rating rows). For a whole
    /// store (or all stores): the hourly counts plus the edge hours live.
    /// </summary>
    public Task<GoodReviewRate> GetGoodReviewRateAsync(
        string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _sql.RunAsync(batch => AddGoodReviewRate(batch, storeId, agentId, window, now), cancellationToken);

    internal Func<GoodReviewRate> AddGoodReviewRate(QueryBatch batch, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now)
    {
        var ratings = $"{_sql.View(ServiceMetricsProjection.RatingsTable)}";
        var sql = agentId is null
            ? $"""
                WITH a AS (
                    SELECT fact, n FROM {_sql.View(ServiceMetricsProjection.HourlyTable)}
                    WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {window.WhereBucketsThroughNow()}
                      AND fact IN ('{ServiceMetricsProjection.Facts.Rating}', '{ServiceMetricsProjection.Facts.SatisfiedRating}')
                    UNION ALL
                    {window.LiveEdges(ratings, MetricSql.Is(storeId, "store_id", "store"), "local_day", "rated_at", sign => $"'{ServiceMetricsProjection.Facts.Rating}', {sign} * count(*)")}
                    UNION ALL
                    {window.LiveEdges(ratings, $"{MetricSql.Is(storeId, "store_id", "store")} AND rating = 'satisfied'", "local_day", "rated_at",
                        sign => $"'{ServiceMetricsProjection.Facts.SatisfiedRating}', {sign} * count(*)")}
                )
                SELECT (SELECT sum(n) FROM a WHERE fact = '{ServiceMetricsProjection.Facts.SatisfiedRating}')::bigint,
                       (SELECT sum(n) FROM a WHERE fact = '{ServiceMetricsProjection.Facts.Rating}')::bigint
                """
            : $"""
                SELECT count(*) FILTER (WHERE rating = 'satisfied'), count(*)
                FROM {ratings}
                WHERE {MetricSql.Is(storeId, "store_id", "store")} AND {MetricSql.Is(agentId, "agent_id", "agent")} AND {window.Where("local_day", "rated_at")}
                """;
        var rows = MetricSql.Add(
            batch, sql, storeId, agentId, window, now, r => new GoodReviewRate(r.LongOrZero(0), r.LongOrZero(1), MetricSql.Ratio(r.LongOrZero(0), r.LongOrZero(1))),
            StorePlan(agentId));
        return () => rows().Single();
    }

    // ---- Stores -------------------------------------------------------------------------------------------------------

    /// <summary>The store's time zone as registered, or null for a store the read model does not know.</summary>
    /// <summary>The store's time zone in force at <paramref name="now"/> (its policies apply by business time); null for a store never seen.</summary>
    public Task<string?> GetTimeZoneAsync(string storeId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _sql.RunAsync(batch => AddTimeZone(batch, storeId, now), cancellationToken);

    internal Func<string?> AddTimeZone(QueryBatch batch, string storeId, DateTimeOffset now)
    {
        var rows = MetricSql.Add(
            batch,
            $"""
            SELECT time_zone FROM {_sql.View(ServiceMetricsProjection.StoresTable)}
            WHERE store_id = @store AND (opens IS NULL OR effective_at <= @now)
            ORDER BY opens IS NOT NULL DESC, effective_at DESC, seq DESC LIMIT 1
            """,
            storeId, null, MetricWindow.Rolling30Days, now, r => r.Text(0), QueryBatch.Plan.Generic);
        return () => rows().SingleOrDefault();
    }

    /// <summary>The database the figures are read from (a caller batching several figures runs its batch there).</summary>
    internal NpgsqlDataSource DataSource => _sql.DataSource;

    /// <summary>The registered stores by id; none while the read model is not built yet (its views appear with the first build).</summary>
    public async Task<IReadOnlyList<string>> ListStoresAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _sql.ListAsync(
                $"SELECT DISTINCT store_id FROM {_sql.View(ServiceMetricsProjection.StoresTable)} ORDER BY store_id",
                null, null, MetricWindow.Rolling30Days, DateTimeOffset.UnixEpoch, r => r.Text(0), cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }
    }
}
