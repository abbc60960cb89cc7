using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>
/// The figures of a window are whole hours from the pre-aggregated counts plus the edge hours counted live; these specs
/// pin the edges: a store-local midnight inside a UTC hour, "now" inside an hour, and the start of the rolling 30 days.
/// </summary>
public sealed class HourlyCountSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_store_local_midnight_inside_a_UTC_hour_splits_its_count_between_the_two_days()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("IN", "Asia/Kolkata"); // UTC+5:30: local midnight is 18:30 UTC
        await l.Placed("O1", At("18:15:00"), storeId: "IN"); // Monday 23:45 in Kolkata
        await l.Placed("O2", At("18:45:00"), storeId: "IN"); // Tuesday 00:15 in Kolkata
        var queries = await l.ProjectAsync();

        var later = After(1, "12:00");
        Assert.Equal(1L, (await queries.GetOrderFlowAsync("IN", MetricWindow.Day(Monday), later)).Placed);
        Assert.Equal(1L, (await queries.GetOrderFlowAsync("IN", MetricWindow.Day(Monday.AddDays(1)), later)).Placed);
        Assert.Equal(2L, (await queries.GetOrderFlowAsync("IN", MetricWindow.Rolling30Days, later)).Placed);

        // Inside that hour: only what has happened by now.
        Assert.Equal(1L, (await queries.GetOrderFlowAsync("IN", MetricWindow.Day(Monday), At("18:30:00"))).Placed);
        Assert.Equal(0L, (await queries.GetOrderFlowAsync("IN", MetricWindow.Day(Monday.AddDays(1)), At("18:30:00"))).Placed);
        Assert.Equal(1L, (await queries.GetOrderFlowAsync("IN", MetricWindow.Rolling30Days, At("18:30:00"))).Placed);
    }

    [Fact]
    public async Task The_rolling_30_days_start_inside_an_hour_a_fact_exactly_30_days_old_is_out()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.Placed("O1", At("10:20:00"));
        await l.Paid("O1", At("10:20:00"));
        await l.Placed("O2", At("10:20:01"));
        await l.Paid("O2", At("10:40:00"));
        await l.Placed("O3", After(10, "09:00"));
        var queries = await l.ProjectAsync();

        var flow = await queries.GetOrderFlowAsync("S1", MetricWindow.Rolling30Days, After(30, "10:20:00"));
        Assert.Equal((2L, 1L), (flow.Placed, flow.Paid)); // O1 is exactly 30 days old: out; O2 and O3 in; only O2's payment

        flow = await queries.GetOrderFlowAsync("S1", MetricWindow.Rolling30Days, After(30, "10:19:59"));
        Assert.Equal((3L, 2L), (flow.Placed, flow.Paid));

        flow = await queries.GetOrderFlowAsync("S1", MetricWindow.Rolling30Days, After(30, "10:40:00"));
        Assert.Equal((1L, 0L), (flow.Placed, flow.Paid)); // O2 paid exactly 30 days ago: out
    }
}
