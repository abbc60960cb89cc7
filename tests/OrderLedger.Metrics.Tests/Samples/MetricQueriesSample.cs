using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Metrics.Tests.Samples;

/// <summary>docs/metrics.md shows the region below: every query of the metrics, run here on built (empty) read models.</summary>
public sealed class MetricQueriesSample(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_documented_queries_run_and_answer_no_rate_where_there_is_nothing_to_divide_by()
    {
        await using var ledger = await MetricsLedger.OpenAsync(database);
        await ledger.ProjectAsync(withCoreReadModels: true);
        var dataSource = database.DataSource;
        var now = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var (fromDay, toDay) = (today.AddDays(-6), today);
        var (agentId, window) = ("agent-7", MetricWindow.Rolling30Days);

        #region sample: queries
        var metrics = new MetricQueries(dataSource);                       // any NpgsqlDataSource on the read-model database (view schema: rm)
        await metrics.Service.GetReplyRateAsync("S1", agentId: null, MetricWindow.Day(today), now);
        await metrics.Service.GetReplyRateAsync("S1", "agent-7", fromDay, toDay, now);
        await metrics.Service.GetDailyReplyRateAsync("S1", agentId: null, fromDay, toDay, now);    // one entry per day, empty days included
        await metrics.Service.GetReplyRateByAgentAsync("S1", MetricWindow.Rolling30Days, now);
        await metrics.Service.GetNpsAsync("S1", agentId, window, now);
        await metrics.Service.GetFirstContactResolutionAsync("S1", agentId, window, now);
        await metrics.Commerce.GetRefundTimesAsync("S1", window, now);
        await metrics.Commerce.GetDisputeRateAsync("S1", window, now);
        await metrics.Service.GetGoodReviewRateAsync("S1", agentId, window, now);
        await metrics.GetOrderFlowAsync("S1", window, now);
        await metrics.GetFiguresAsync("S1", window, now);                   // all of the above for one window
        await metrics.GetDashboardAsync("S1", now);                         // store-local today + rolling 30 days
        #endregion

        var daily = await metrics.Service.GetDailyReplyRateAsync("S1", agentId: null, fromDay, toDay, now);
        Assert.Equal(7, daily.Count);
        Assert.Null((await metrics.Service.GetReplyRateAsync("S1", agentId: null, MetricWindow.Day(today), now)).Rate);
    }
}
