using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>Sales per sharer and promoter (docs/metrics.md, "Sales per sharer"), the orders placed, paid and refunded through the command handlers.</summary>
public sealed class SharerSalesSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string Store = "S-sharers";
    private const string Warehouse = "W-sharers";

    [Fact]
    public async Task Each_fact_counts_on_its_own_store_local_day_and_refunds_paid_back_are_subtracted_from_what_was_paid()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await ShopAsync(l);
        // Shanghai is UTC+8: placed Monday 23:30, paid Tuesday 00:10 local.
        await OrderAsync(l, "O1", At("15:30"), 2, new OrderAttribution("sharer-a", "ordinary", "sph-p"));
        await l.RunAsync(new ConfirmPayment("O1", 50m, "CNY", "pay-1", At("16:10")));
        await OrderAsync(l, "O2", After(1, "02:00"), 1, new OrderAttribution("sharer-a", "ordinary"));
        await l.RunAsync(new ConfirmPayment("O2", 25m, "CNY", "pay-2", After(1, "02:05")));
        await OrderAsync(l, "O3", After(1, "03:00"), 1, new OrderAttribution("sharer-b"));
        await OrderAsync(l, "O4", After(1, "04:00"), 1, attribution: null);
        await l.RunAsync(new ConfirmPayment("O4", 25m, "CNY", "pay-4", After(1, "04:05")));
        // A refund of 10 on O2, paid back Wednesday.
        var requested = await l.RunAsync(new RequestRefund("R2", "O2", Store, "C1", RefundKind.RefundOnly, [new RefundLine("TEA-01", 0, 10m)], "late", null, After(2, "01:00")));
        if (!requested.Events.OfType<RefundApproved>().Any())
        {
            await l.RunAsync(new ApproveRefund("R2", "agent-1", null, null, After(2, "02:00")));
        }

        await l.RunAsync(new PayRefund("R2", "rp-2", After(2, "03:00")));
        var sales = await SalesAsync(l, MetricWindow.Days(Monday, Monday.AddDays(2)), After(2, "23:00"));

        var a = sales.Single(s => s is { Role: "sharer", Id: "sharer-a" });
        Assert.Equal((2L, 2L, 75m, 10m, 65m, "ordinary"), (a.Orders, a.PaidOrders, a.PaidAmount, a.RefundedAmount, a.NetAmount, a.SharerType));
        Assert.Equal(
            [new SharerDay(Monday, 1, 0, 0m, 0m, 0m), new SharerDay(Monday.AddDays(1), 1, 2, 75m, 0m, 75m), new SharerDay(Monday.AddDays(2), 0, 0, 0m, 10m, -10m)],
            a.Days);
        var b = sales.Single(s => s is { Role: "sharer", Id: "sharer-b" });
        Assert.Equal((1L, 0L, 0m), (b.Orders, b.PaidOrders, b.PaidAmount));
        var p = sales.Single(s => s.Role == "promoter");
        Assert.Equal(("sph-p", 1L, 1L, 50m, 0m, (string?)null), (p.Id, p.Orders, p.PaidOrders, p.PaidAmount, p.RefundedAmount, p.SharerType));
        Assert.Equal(3, sales.Count); // O4 named nobody
    }

    [Fact]
    public async Task Facts_after_now_and_outside_the_days_are_not_counted()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await ShopAsync(l);
        await OrderAsync(l, "O1", At("15:30"), 2, new OrderAttribution("sharer-a"));
        await l.RunAsync(new ConfirmPayment("O1", 50m, "CNY", "pay-1", At("16:10")));
        await OrderAsync(l, "O2", After(1, "02:00"), 1, new OrderAttribution("sharer-a"));

        var asOfMondayNight = Assert.Single(await SalesAsync(l, MetricWindow.Days(Monday, Monday.AddDays(1)), At("16:00")));
        var mondayOnly = Assert.Single(await SalesAsync(l, MetricWindow.Day(Monday), After(2, "00:00")));

        Assert.Equal((1L, 0L, 0m), (asOfMondayNight.Orders, asOfMondayNight.PaidOrders, asOfMondayNight.PaidAmount));
        Assert.Equal((1L, 0L), (mondayOnly.Orders, mondayOnly.PaidOrders)); // paid on Tuesday, local time
    }

    private static async Task ShopAsync(MetricsLedger l)
    {
        await l.RunAsync(new RegisterStore(Store, "Tea House", "Asia/Shanghai", "CNY", After(-1, "00:00")));
        await l.RunAsync(new SetWarehouses(Store, [new WarehouseRegions(Warehouse, ["SH"])], After(-1, "00:01")));
        await l.RunAsync(new ReceiveStock(Warehouse, "TEA-01", 100, After(-1, "00:02")));
    }

    private static Task OrderAsync(MetricsLedger l, string orderId, DateTimeOffset at, int quantity, OrderAttribution? attribution) =>
        l.RunAsync(new PlaceOrder(orderId, Store, "C1", "wechat-shop", "CNY", [new OrderLine("TEA-01", quantity, 25m)], Commerce.Shanghai, at.AddHours(2), at, Attribution: attribution));

    private async Task<IReadOnlyList<SharerSales>> SalesAsync(MetricsLedger l, MetricWindow window, DateTimeOffset now)
    {
        await Projector.BuildAndPublishAsync(db.DataSource, new SharerSalesProjection(), await l.ReadAsync());
        return await new SharerSalesQueries(db.DataSource).GetAsync(Store, window, now);
    }
}
