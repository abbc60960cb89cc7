using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Refunds;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>The live dashboard: the store's local today and rolling 30 days, with overdue inquiries judged against now.</summary>
public sealed class DashboardSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_dashboard_shows_the_store_local_today_and_the_rolling_30_days_as_of_now()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("SH", "Asia/Shanghai", new TimeOnly(0, 0), new TimeOnly(0, 0)); // around the clock
        var now = At("17:00:00"); // 01:00 on Tuesday in Shanghai

        var yesterday = l.Conversation("CV-mon", storeId: "SH");
        await yesterday.OpenedWith("agent-1", At("10:00:00"));
        await yesterday.Customer(At("10:00:00"));
        await yesterday.Agent("agent-1", At("10:01:00"));
        await yesterday.Resolve(At("10:05:00"));
        await yesterday.Rate(SatisfactionRating.Satisfied, At("10:06:00"));
        var overdue = l.Conversation("CV-overdue", storeId: "SH");
        await overdue.OpenedWith("agent-1", At("16:55:00"));
        await overdue.Customer(At("16:55:00"));
        var pending = l.Conversation("CV-pending", storeId: "SH");
        await pending.OpenedWith("agent-2", At("16:59:00"));
        await pending.Customer(At("16:59:00"));
        await l.Placed("O1", At("16:30"), storeId: "SH");
        await l.Paid("O1", At("16:31"));
        await l.RefundRequested("R1", "O1", RefundKind.RefundOnly, At("16:40"), byCustomer: true, storeId: "SH");
        await l.RefundPaid("R1", At("16:50"));

        var dashboard = await (await l.ProjectAsync()).GetDashboardAsync("SH", now);

        Assert.Equal((Monday.AddDays(1), "Asia/Shanghai"), (dashboard.Today, dashboard.TimeZone));
        var today = dashboard.TodayFigures;
        Assert.Equal((0L, 1L, 1L, 0.0), (today.ReplyRate.InTime, today.ReplyRate.OverdueUnanswered, today.ReplyRate.Pending, today.ReplyRate.Rate!.Value));
        Assert.Equal((1L, 1L, 0L), (today.OrderFlow.Placed, today.OrderFlow.Paid, today.GoodReviewRate.Ratings));
        Assert.Equal((1L, 600.0, 1.0), (today.RefundTimes.RefundOnly.Completed, today.RefundTimes.RefundOnly.MeanSeconds!.Value, today.RefundTimes.RefundOnly.AutoApprovedShare!.Value));
        var month = dashboard.Last30Days;
        Assert.Equal((1L, 1L, 1L, 0.5), (month.ReplyRate.InTime, month.ReplyRate.OverdueUnanswered, month.ReplyRate.Pending, month.ReplyRate.Rate!.Value));
        Assert.Equal((1L, 1.0), (month.GoodReviewRate.Ratings, month.GoodReviewRate.Rate!.Value));
        Assert.Equal((1L, 0L, (double?)null), (month.FirstContactResolution.Resolved, month.FirstContactResolution.Final, month.FirstContactResolution.Rate));
        Assert.Equal((0L, 1L), (month.DisputeRate.MerchantAtFault, month.DisputeRate.PaidOrders));
    }

    [Fact]
    public async Task A_store_without_policy_events_is_on_UTC_with_default_service_hours()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1", storeId: "S-new");
        await cv.OpenedWith("agent-1", At("07:00:00"));
        await cv.Customer(At("07:00:00"));

        var dashboard = await (await l.ProjectAsync()).GetDashboardAsync("S-new", At("09:00:00"));

        Assert.Equal((Monday, "UTC"), (dashboard.Today, dashboard.TimeZone));
        Assert.Equal((0L, 1L), (dashboard.TodayFigures.ReplyRate.Counted, dashboard.TodayFigures.ReplyRate.OutsideServiceHours));
    }
}
