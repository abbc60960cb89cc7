using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>§5 refund completion time, merchant-fault dispute rate; the order-flow figures.</summary>
public sealed class CommerceSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly MetricWindow Today = MetricWindow.Day(Monday);
    private static readonly DateTimeOffset EndOfDay = At("23:59:59");

    [Fact]
    public async Task Refund_completion_time_is_request_to_paid_per_kind_with_mean_p90_and_the_share_approved_automatically()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var order in new[] { "O1", "O2", "O3", "O4", "O5" })
        {
            await l.PaidOrder(order, After(-5, "09:00"));
        }

        // Refund-only: auto-approved and paid after 1 h; agent-approved, paid after 3 h and after 5 h.
        await l.RefundRequested("R1", "O1", RefundKind.RefundOnly, At("08:00"), byCustomer: true);
        await l.RefundPaid("R1", At("09:00"));
        await l.RefundRequested("R2", "O2", RefundKind.RefundOnly, At("08:00"));
        await l.RefundApprovedByAgent("R2", At("10:00"));
        await l.RefundPaid("R2", At("11:00"));
        await l.RefundRequested("R3", "O3", RefundKind.RefundOnly, At("08:00"));
        await l.RefundApprovedByAgent("R3", At("12:00"));
        await l.RefundPaid("R3", At("13:00"));
        // Return-and-refund: requested four days earlier, the return passed inspection, paid today.
        await l.RefundRequested("R4", "O4", RefundKind.ReturnAndRefund, After(-4, "10:00"), byCustomer: true);
        await l.RefundApprovedByAgent("R4", After(-4, "11:00"));
        await l.ReturnPassed("R4", At("10:00"));
        await l.RefundPaid("R4", At("10:00"));
        // Requested today, not paid yet: not completed, not counted.
        await l.RefundRequested("R5", "O5", RefundKind.RefundOnly, At("08:00"), byCustomer: true);

        var times = await (await l.ProjectAsync()).Commerce.GetRefundTimesAsync("S1", Today, EndOfDay);

        Assert.Equal((3L, 3 * 3600.0, 1L, 1.0 / 3), (times.RefundOnly.Completed, times.RefundOnly.MeanSeconds!.Value, times.RefundOnly.AutoApproved, times.RefundOnly.AutoApprovedShare!.Value));
        Assert.Equal(4.6 * 3600, times.RefundOnly.P90Seconds!.Value, 6); // 3 h + 0.8 × (5 h − 3 h)
        Assert.Equal((1L, 4 * 86400.0, 4 * 86400.0, 0.0), (times.ReturnAndRefund.Completed, times.ReturnAndRefund.MeanSeconds!.Value, times.ReturnAndRefund.P90Seconds!.Value, times.ReturnAndRefund.AutoApprovedShare!.Value));
    }

    [Fact]
    public async Task The_merchant_fault_dispute_rate_is_disputes_judged_at_fault_over_orders_paid_in_the_last_30_days()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var (order, day) in new[] { ("O1", -40), ("O2", -20), ("O3", -10), ("O4", -1), ("O5", 0) })
        {
            await l.Placed(order, After(day, "09:00"));
            await l.Paid(order, After(day, "09:05"));
        }

        await l.Placed("O6", At("09:00")); // never paid
        await l.RefundRequested("R1", "O1", RefundKind.RefundOnly, After(-39, "10:00"));
        await l.DisputeJudged("R1", merchantAtFault: true, After(-35, "10:00")); // older than 30 days
        await l.RefundRequested("R2", "O2", RefundKind.RefundOnly, After(-19, "10:00"));
        await l.DisputeJudged("R2", merchantAtFault: true, After(-15, "10:00"));
        await l.RefundRequested("R3", "O3", RefundKind.ReturnAndRefund, After(-9, "10:00"));
        await l.DisputeJudged("R3", merchantAtFault: false, After(-5, "10:00"));

        var rate = await (await l.ProjectAsync()).Commerce.GetDisputeRateAsync("S1", MetricWindow.Rolling30Days, At("12:00"));

        Assert.Equal((1L, 4L, 0.25), (rate.MerchantAtFault, rate.PaidOrders, rate.Rate!.Value));
    }

    [Fact]
    public async Task Order_flow_counts_what_happened_in_the_window_and_the_logistics_state_now()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.ShopAsync("S1", After(-5, "08:00"), teaOnHand: 8, mugOnHand: 100);
        await l.Placed("O-old", After(-3, "09:00"));
        await l.Paid("O-old", After(-3, "09:01"));
        await l.ShipmentCreated("P-old", "O-old", After(-3, "10:00"));
        await l.HandedToCarrier("P-old", After(-3, "11:00")); // no movement since: stuck
        await l.Placed("O1", At("09:00"));
        await l.Paid("O1", At("09:01"));
        await l.ShipmentCreated("P1", "O1", At("10:00"));
        await l.HandedToCarrier("P1", At("11:00"));
        await l.ExceptionReported("P1", ShipmentExceptionKind.Delayed, At("12:00"));
        await l.Delivered("P-old", At("13:00")); // the old parcel arrives after all
        await l.Placed("O2", After(-4, "09:30"));
        await l.Paid("O2", After(-4, "09:31"));
        await l.ShipmentCreated("P2", "O2", After(-4, "10:00"));
        await l.HandedToCarrier("P2", After(-4, "10:00")); // no scan since: stuck
        await l.Placed("O4", At("09:30"));
        await l.Paid("O4", At("09:31")); // waiting for its parcel
        await l.Placed("O3", At("10:00"));
        await l.Cancelled("O3", At("10:10"));
        var queries = await l.ProjectAsync(withCoreReadModels: true);

        var today = await queries.GetOrderFlowAsync("S1", Today, At("20:00"));

        Assert.Equal((3L, 2L, 1L, 1L, 1L), (today.Placed, today.Paid, today.Shipped, today.Delivered, today.Cancelled));
        Assert.Equal((1L, 1L, 1L), (today.LogisticsExceptionsOpen!.Value, today.StuckParcels!.Value, today.LowStockSkus!.Value)); // P1 delayed; P2 no scan since day −4; TEA-01 at 4 available (8 received, 4 orders hold or shipped one each)
    }

    [Fact]
    public async Task Without_the_core_read_models_the_logistics_state_is_unknown_rather_than_zero()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.Placed("O1", At("09:00"));
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await using var drop = new Npgsql.NpgsqlCommand("DROP VIEW IF EXISTS rm.shipments; DROP VIEW IF EXISTS rm.stock_levels; DROP VIEW IF EXISTS rm.stock_level_warehouses", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var flow = await (await l.ProjectAsync()).GetOrderFlowAsync("S1", Today, At("20:00"));

        Assert.Equal((1L, (long?)null, (long?)null, (long?)null), (flow.Placed, flow.LogisticsExceptionsOpen, flow.StuckParcels, flow.LowStockSkus));
    }

    [Fact]
    public async Task Commerce_facts_fall_on_the_store_local_day()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("SH", "Asia/Shanghai");
        await l.Placed("O1", At("17:00"), storeId: "SH"); // 01:00 Tuesday in Shanghai
        await l.Placed("O2", At("15:00"), storeId: "SH"); // 23:00 Monday in Shanghai
        var queries = await l.ProjectAsync();

        var monday = await queries.GetOrderFlowAsync("SH", Today, After(2, "00:00"));
        var tuesday = await queries.GetOrderFlowAsync("SH", MetricWindow.Day(Monday.AddDays(1)), After(2, "00:00"));

        Assert.Equal((1L, 1L), (monday.Placed, tuesday.Placed));
    }
}
