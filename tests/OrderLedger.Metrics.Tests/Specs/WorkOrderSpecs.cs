using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.ReadModels;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>Work-order handling time and first-plan timeliness (docs/metrics.md, "Work orders"), the work orders driven through the command handlers.</summary>
public sealed class WorkOrderSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string Store = "S-wo";

    [Fact]
    public async Task Plans_count_on_the_store_local_day_of_the_opening_and_handling_times_on_the_day_of_the_resolution()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await ShopAsync(l);
        // Shanghai is UTC+8: 02:00 UTC is 10:00 on Monday, 16:30 UTC is 00:30 on Tuesday.
        var inTime = await OpenAsync(l, At("02:00"));
        await l.RunAsync(new SubmitWorkOrderPlan(inTime, "lee", "Trace it with the carrier", At("02:30")));
        await l.RunAsync(new ResolveWorkOrder(inTime, "lee", "Re-sent", At("06:00")));
        var escalated = await OpenAsync(l, At("03:00"));
        await l.RunAsync(new EscalateWorkOrder(escalated, At("05:00"))); // as the reactor sends it, at the deadline
        await l.RunAsync(new ResolveWorkOrder(escalated, "wang", "Refunded instead", At("13:00")));
        var latePlan = await OpenAsync(l, At("15:00"));
        await l.RunAsync(new SubmitWorkOrderPlan(latePlan, "lee", "Tomorrow", At("17:30")));
        await l.RunAsync(new ResolveWorkOrder(latePlan, "lee", "Done", After(1, "03:00")));
        await OpenAsync(l, At("16:30"));
        var queries = await ProjectAsync(l);

        var monday = await queries.GetWorkOrdersAsync(Store, MetricWindow.Day(Monday), After(1, "00:00"));

        Assert.Equal(new WorkOrderFigures(3, 1, 2, 0, 1, 1.0 / 3, 2, 25_200, 33_840), monday);
    }

    [Fact]
    public async Task Over_the_rolling_30_days_a_deadline_still_running_is_pending_and_facts_after_now_do_not_count()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await ShopAsync(l);
        var inTime = await OpenAsync(l, At("02:00"));
        await l.RunAsync(new ResolveWorkOrder(inTime, "lee", "Re-sent at once", At("03:00"))); // a resolution is the first answer
        var latePlan = await OpenAsync(l, At("15:00"));
        await l.RunAsync(new SubmitWorkOrderPlan(latePlan, "lee", "Tomorrow", At("17:30")));
        await OpenAsync(l, At("16:30"));
        var queries = await ProjectAsync(l);

        var asOf1710 = await queries.GetWorkOrdersAsync(Store, MetricWindow.Rolling30Days, At("17:10"));
        var dashboard = await queries.GetDashboardAsync(Store, At("17:10"));

        Assert.Equal(new WorkOrderFigures(3, 1, 1, 1, 0, 0.5, 1, 3_600, 3_600), asOf1710);
        Assert.Equal(asOf1710, dashboard.Last30Days.WorkOrders);
        Assert.Equal(1, dashboard.TodayFigures.WorkOrders!.Opened); // today is Tuesday in Shanghai: only the last one
    }

    private static async Task ShopAsync(MetricsLedger l)
    {
        await l.RunAsync(new RegisterStore(Store, "Jade Shop", "Asia/Shanghai", "CNY", After(-1, "00:00")));
        await l.RunAsync(new SetDepartment(Store, "logistics", "lee", "wang", After(-1, "00:01")));
    }

    private static async Task<string> OpenAsync(MetricsLedger l, DateTimeOffset at)
    {
        var (conversation, ticket) = ("cv-" + Guid.NewGuid().ToString("N")[..8], "t-" + Guid.NewGuid().ToString("N")[..8]);
        await l.RunAsync(new StartConversation(conversation, Store, "C1", "chat", null, false, [], at));
        await l.RunAsync(new OpenWorkOrder(ticket, conversation, "logistics", "Parcel lost", "agent-1", at));
        return ticket;
    }

    private async Task<MetricQueries> ProjectAsync(MetricsLedger l)
    {
        var events = await l.ReadAsync();
        var queries = await l.ProjectAsync(events: events);
        await Projector.BuildAndPublishAsync(db.DataSource, new WorkOrdersProjection(), events);
        return queries;
    }
}
