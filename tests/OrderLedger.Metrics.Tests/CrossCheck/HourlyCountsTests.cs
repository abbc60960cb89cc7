using Npgsql;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.CrossCheck.FigureComparison;

namespace OrderLedger.Metrics.Tests.CrossCheck;

/// <summary>
/// The hourly counts (<c>metric_service_hourly</c>, <c>metric_commerce_hourly</c>) are a second way to the same figures:
/// whatever the batch boundaries, they sum to exactly the fact rows they count, and the store figures built from them
/// (whole hours inside the window, the edge hours live) equal the figures computed from the raw events, for "now"s on,
/// just before and just after an hour, and for windows whose edges cut hours in half.
/// </summary>
public sealed class HourlyCountsTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Figures_from_the_hourly_counts_equal_the_raw_computation_whatever_the_batches()
    {
        var (storeStreams, streams) = SeededDataset.Generate(conversations: 1_500, seed: 424242);
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var s in storeStreams.Concat(streams))
        {
            await l.AppendStreamAsync(s.StreamId, s.Events, s.StoreId);
        }

        var events = await l.ReadAsync();
        var oracle = new Oracle(events);
        foreach (var batchSize in new[] { 17, 1000 })
        {
            var queries = await l.ProjectAsync(batchSize: batchSize, events: events);
            await TheCountsSumToTheFactRowsAsync();
            await TheWaitHistogramSumsToTheAnsweredInquiriesAsync();
            await SameFiguresAsync(queries, oracle, batchSize);
        }
    }

    private static async Task SameFiguresAsync(MetricQueries queries, Oracle oracle, int batchSize)
    {
        var start = SeededDataset.Start;
        var nows = new[]
        {
            start.AddDays(12).AddHours(9),                                    // on the hour
            start.AddDays(12).AddHours(9).AddSeconds(-1),                     // just before it
            start.AddDays(21).AddHours(17).AddMinutes(29).AddSeconds(31),     // mid-hour: both rolling edges cut hours
            start.AddDays(33).AddHours(3).AddSeconds(1),                      // just after an hour, 7 days of resolutions still open
            start.AddDays(SeededDataset.Days + 8).AddMinutes(45),             // after the data: everything final
        };
        string?[] stores = [null, .. SeededDataset.Stores.Select(s => s.StoreId)];
        foreach (var now in nows)
        {
            var day = DateOnly.FromDateTime(now.UtcDateTime);
            foreach (var window in new[] { MetricWindow.Rolling30Days, MetricWindow.Day(day), MetricWindow.Days(day.AddDays(-9), day.AddDays(1)) })
            {
                foreach (var store in stores)
                {
                    var at = $"store {store ?? "(all)"}, {window}, now {now:O}, batches of {batchSize}";
                    Same(oracle.ReplyRate(store, null, window, now), await queries.Service.GetReplyRateAsync(store, null, window, now), $"reply rate, {at}");
                    Same(oracle.Nps(store, null, window, now), await queries.Service.GetNpsAsync(store, null, window, now), $"NPS, {at}");
                    Same(oracle.FirstContactResolution(store, null, window, now), await queries.Service.GetFirstContactResolutionAsync(store, null, window, now), $"FCR, {at}");
                    Same(oracle.GoodReviewRate(store, null, window, now), await queries.Service.GetGoodReviewRateAsync(store, null, window, now), $"good reviews, {at}");
                    Same(oracle.DisputeRate(store, window, now), await queries.Commerce.GetDisputeRateAsync(store, window, now), $"dispute rate, {at}");
                    Same(oracle.Classification(store, window, now), await queries.Service.GetClassificationAsync(store, window, now), $"classification, {at}");
                    var flow = await queries.GetOrderFlowAsync(store, window, now);
                    Same(oracle.OrderFlow(store, window, now), flow with { LogisticsExceptionsOpen = null, StuckParcels = null, LowStockSkus = null }, $"order flow, {at}");
                }
            }

            foreach (var store in SeededDataset.Stores.Select(s => s.StoreId))
            {
                var dashboard = await queries.GetDashboardAsync(store, now);
                var month = dashboard.Last30Days;
                var w = MetricWindow.Rolling30Days;
                var at = $"dashboard of {store} at {now:O}";
                Same(oracle.ReplyRate(store, null, w, now), month.ReplyRate, at);
                Same(oracle.FirstContactResolution(store, null, w, now), month.FirstContactResolution, at);
                Same(oracle.Classification(store, w, now), month.Classification, at);
                Same(oracle.Classification(store, MetricWindow.Day(dashboard.Today), now), dashboard.TodayFigures.Classification, at);
                Same(oracle.OrderFlow(store, w, now), month.OrderFlow with { LogisticsExceptionsOpen = null, StuckParcels = null, LowStockSkus = null }, at);
                Same(oracle.OrderFlow(store, MetricWindow.Day(dashboard.Today), now), dashboard.TodayFigures.OrderFlow with { LogisticsExceptionsOpen = null, StuckParcels = null, LowStockSkus = null }, at);
            }
        }
    }

    /// <summary>Each count of the hourly tables equals the number of fact rows of its kind in that store, day and hour.</summary>
    private async Task TheCountsSumToTheFactRowsAsync()
    {
        const string Facts = """
            SELECT store_id, 'placed' AS fact, placed_day AS day, date_trunc('hour', placed_at, 'UTC') AS hour FROM rm.metric_orders
            UNION ALL SELECT store_id, 'paid', paid_day, date_trunc('hour', paid_at, 'UTC') FROM rm.metric_orders WHERE paid_at IS NOT NULL
            UNION ALL SELECT store_id, 'cancelled', cancelled_day, date_trunc('hour', cancelled_at, 'UTC') FROM rm.metric_orders WHERE cancelled_at IS NOT NULL
            UNION ALL SELECT store_id, 'shipped', handed_over_day, date_trunc('hour', handed_over_at, 'UTC') FROM rm.metric_shipments WHERE handed_over_at IS NOT NULL
            UNION ALL SELECT store_id, 'delivered', delivered_day, date_trunc('hour', delivered_at, 'UTC') FROM rm.metric_shipments WHERE delivered_at IS NOT NULL
            UNION ALL SELECT store_id, 'dispute_at_fault', judged_day, date_trunc('hour', judged_at, 'UTC') FROM rm.metric_disputes WHERE merchant_at_fault
            UNION ALL SELECT store_id, 'outside_hours', local_day, date_trunc('hour', started_at, 'UTC') FROM rm.metric_inquiries WHERE NOT in_service_hours
            UNION ALL SELECT store_id, 'inquiry_unreplied', local_day, date_trunc('hour', started_at, 'UTC') FROM rm.metric_inquiries WHERE in_service_hours AND first_reply_at IS NULL
            UNION ALL SELECT store_id, 'rating', local_day, date_trunc('hour', rated_at, 'UTC') FROM rm.metric_ratings
            UNION ALL SELECT store_id, 'rating_satisfied', local_day, date_trunc('hour', rated_at, 'UTC') FROM rm.metric_ratings WHERE rating = 'satisfied'
            UNION ALL SELECT store_id, CASE WHEN nps_score >= 9 THEN 'nps_promoter' WHEN nps_score >= 7 THEN 'nps_passive' ELSE 'nps_detractor' END,
                             nps_day, date_trunc('hour', nps_answered_at, 'UTC') FROM rm.metric_conversations WHERE nps_answered_at IS NOT NULL AND survey_sent_at IS NOT NULL
            UNION ALL SELECT store_id, 'fcr_resolved', first_resolved_day, date_trunc('hour', first_resolved_at, 'UTC') FROM rm.metric_conversations WHERE first_resolved_at IS NOT NULL
            UNION ALL SELECT store_id, 'fcr_broken', first_resolved_day, date_trunc('hour', first_resolved_at, 'UTC') FROM rm.metric_conversations WHERE broken_at IS NOT NULL
            UNION ALL SELECT store_id, 'conv_started', started_day, date_trunc('hour', started_at, 'UTC') FROM rm.metric_conversations
            UNION ALL SELECT store_id, 'conv_complaint', started_day, date_trunc('hour', started_at, 'UTC') FROM rm.metric_conversations WHERE is_complaint
            UNION ALL SELECT store_id, 'bot_resolved', first_resolved_day, date_trunc('hour', first_resolved_at, 'UTC') FROM rm.metric_conversations
                      WHERE bot_started AND first_resolved_at IS NOT NULL
            UNION ALL SELECT store_id, 'bot_resolved_by_bot', first_resolved_day, date_trunc('hour', first_resolved_at, 'UTC') FROM rm.metric_conversations
                      WHERE bot_started AND first_resolved_at IS NOT NULL AND (first_handed_off_at IS NULL OR first_handed_off_at > first_resolved_at)
            UNION ALL SELECT store_id, 'fcr_resolved:' || coalesce(category, 'unclassified'), first_resolved_day, date_trunc('hour', first_resolved_at, 'UTC')
                      FROM rm.metric_conversations WHERE first_resolved_at IS NOT NULL
            UNION ALL SELECT store_id, 'fcr_broken:' || coalesce(category, 'unclassified'), first_resolved_day, date_trunc('hour', first_resolved_at, 'UTC')
                      FROM rm.metric_conversations WHERE first_resolved_at IS NOT NULL AND broken_at IS NOT NULL
            """;
        var sql = $"""
            WITH expected AS (SELECT store_id, fact, day, hour, count(*) AS n FROM ({Facts}) f GROUP BY 1, 2, 3, 4),
                 actual AS (SELECT store_id, fact, local_day AS day, hour, n FROM rm.metric_service_hourly
                            UNION ALL SELECT store_id, fact, local_day, hour, n FROM rm.metric_commerce_hourly)
            SELECT (SELECT count(*) FROM expected),
                   (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) d) + (SELECT count(*) FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) d),
                   (SELECT count(DISTINCT fact) FROM actual)
            """;
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt64(0) > 1000, $"only {reader.GetInt64(0)} buckets: the dataset is too small to mean anything");
        Assert.Equal(0L, reader.GetInt64(1));
        Assert.True(await ScalarAsync("SELECT count(*) FROM rm.metric_conversations WHERE category IS NOT NULL") > 500, "too few classified conversations to mean anything");
        Assert.True(await ScalarAsync("SELECT count(*) FROM rm.metric_service_hourly WHERE n <= 0") == 0, "a bucket that emptied must be deleted");
        Assert.True(reader.GetInt64(2) >= 10, $"only {reader.GetInt64(2)} kinds of fact were counted: the dataset must exercise them");
    }

    /// <summary>
    /// Each bucket of <c>metric_reply_waits</c> holds exactly the answered in-hours inquiries of its store, local day and
    /// wait bucket: their count, those in time, the sum of their waits, their first and last start and last reply.
    /// </summary>
    private async Task TheWaitHistogramSumsToTheAnsweredInquiriesAsync()
    {
        const string Sql = """
            WITH expected AS (
                SELECT store_id, local_day, width_bucket(wait_seconds, @thresholds::float8[]) AS wait_bucket,
                       count(*) AS n, count(*) FILTER (WHERE wait_seconds <= 180) AS in_time, sum(wait_seconds::numeric) AS wait_sum,
                       min(started_at) AS first_started_at, max(started_at) AS last_started_at, max(first_reply_at) AS last_reply_at
                FROM rm.metric_inquiries WHERE in_service_hours AND first_reply_at IS NOT NULL
                GROUP BY 1, 2, 3
            ), actual AS (
                SELECT store_id, local_day, wait_bucket, n, in_time, wait_sum, first_started_at, last_started_at, last_reply_at FROM rm.metric_reply_waits
            )
            SELECT (SELECT count(*) FROM expected), (SELECT count(DISTINCT wait_bucket) FROM expected),
                   (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) d) + (SELECT count(*) FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) d),
                   (SELECT count(*) FROM rm.metric_inquiries WHERE wait_bucket IS DISTINCT FROM width_bucket(wait_seconds, @thresholds::float8[]))
            """;
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue("thresholds", ReplyWaitThresholds);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt64(0) > 500 && reader.GetInt64(1) > 10, $"only {reader.GetInt64(0)} buckets of {reader.GetInt64(1)} waits: too few to mean anything");
        Assert.Equal(0L, reader.GetInt64(2));
        Assert.Equal(0L, reader.GetInt64(3));
    }

    /// <summary>The projection's bucket thresholds, written out: a change to them must be a deliberate one here too.</summary>
    private static readonly double[] ReplyWaitThresholds =
    [
        .. Enumerable.Range(0, 61).Select(i => i * 10.0), .. Enumerable.Range(11, 20).Select(i => i * 60.0), .. Enumerable.Range(4, 9).Select(i => i * 600.0),
        .. Enumerable.Range(3, 22).Select(i => i * 3600.0), .. Enumerable.Range(2, 29).Select(i => i * 86400.0),
    ];

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
