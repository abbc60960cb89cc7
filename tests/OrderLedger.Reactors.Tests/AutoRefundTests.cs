using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// Auto-refund: <c>RefundWorkflow</c> approves a qualifying refund-only request at once; the reactor intercepts the
/// parcels still in the warehouse and pays it, with no human. Only the customer's own requests qualify.
/// </summary>
public sealed class AutoRefundTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static RequestRefund Refund(PlaceOrder order, RefundKind kind, DateTimeOffset at) =>
        new(Id("r-"), order.OrderId, order.StoreId, "c-1", kind, [new RefundLine(order.Lines[0].Sku, 2, 50m)], "changed my mind", null, at);

    private static async Task<PlaceOrder> PaidAsync(ReactorHost host, string store, string sku)
    {
        var order = Order(store, sku);
        await host.Do(order, T0);
        await host.Do(new ConfirmPayment(order.OrderId, 50m, "CNY", "pay-1", T0.AddMinutes(2)), T0.AddMinutes(2));
        return order;
    }

    [Fact]
    public async Task A_request_before_the_hand_over_intercepts_the_parcel_and_is_paid_with_no_human()
    {
        var clock = new ManualClock(T0.AddHours(3));
        await using var host = await StartAsync(database, clock);
        var (store, warehouse, sku) = await host.StoreWithStockAsync();
        var order = await PaidAsync(host, store, sku);
        var shipmentId = Id("sh-");
        await host.Do(new CreateShipment(shipmentId, order.OrderId, store, warehouse, [new ShipmentLine(sku, 2, "BC-" + sku)], Shanghai, T0.AddHours(1)), T0.AddHours(1));
        var refund = Refund(order, RefundKind.RefundOnly, T0.AddHours(2));

        await host.Do(refund, T0.AddHours(2), Customer);

        await host.EventuallyHasAsync($"refund-{refund.RefundId}", "refund-paid");
        Assert.Equal(["refund-requested", "refund-approved", "refund-paid"], await host.TypesAsync($"refund-{refund.RefundId}"));
        Assert.Contains("shipment-intercepted", await host.TypesAsync($"shipment-{shipmentId}"));
        Assert.Equal((TimerKinds.AutoRefund, refund.RefundId, "done"), Assert.Single(await host.DispatchedAsync(refund.RefundId)));
    }

    [Fact]
    public async Task A_return_waits_for_an_agent()
    {
        var clock = new ManualClock(T0.AddHours(3));
        await using var host = await StartAsync(database, clock);
        var (store, _, sku) = await host.StoreWithStockAsync();
        var order = await PaidAsync(host, store, sku);
        var refund = Refund(order, RefundKind.ReturnAndRefund, T0.AddHours(2)) with { Lines = [new RefundLine(sku, 1, 25m)] };
        await host.Do(refund, T0.AddHours(2), Customer);
        var later = Refund(order, RefundKind.RefundOnly, T0.AddHours(2)) with { Lines = [new RefundLine(sku, 0, 0.01m)] };

        // A second, qualifying request shows the reactor is running; the return is still only requested.
        await host.Do(later, T0.AddHours(2), Customer);
        await host.EventuallyHasAsync($"refund-{later.RefundId}", "refund-paid");

        Assert.Equal(["refund-requested"], await host.TypesAsync($"refund-{refund.RefundId}"));
    }

    [Fact]
    public async Task A_request_by_an_agent_is_never_paid_by_rule_even_with_the_widest_window()
    {
        var clock = new ManualClock(T0.AddHours(3));
        await using var host = await StartAsync(database, clock);
        var (store, _, sku) = await host.StoreWithStockAsync(autoRefundHours: 2160);
        var order = await PaidAsync(host, store, sku);
        var byAgent = Refund(order, RefundKind.RefundOnly, T0.AddHours(2)) with { Lines = [new RefundLine(sku, 0, 25m)] };
        await host.Do(byAgent, T0.AddHours(2));
        var byCustomer = Refund(order, RefundKind.RefundOnly, T0.AddHours(2)) with { Lines = [new RefundLine(sku, 0, 0.01m)] };

        // The customer's own request shows the reactor is running; the agent's is still only requested.
        await host.Do(byCustomer, T0.AddHours(2), Customer);
        await host.EventuallyHasAsync($"refund-{byCustomer.RefundId}", "refund-paid");

        Assert.Equal(["refund-requested"], await host.TypesAsync($"refund-{byAgent.RefundId}"));
    }

    /// <summary>A paid order of 2 units (50.00) whose parcel is created in its warehouse and not yet picked.</summary>
    private static async Task<(string Warehouse, string Sku, PlaceOrder Order, string ShipmentId)> ParcelOfPaidOrderAsync(ReactorHost host)
    {
        var (store, warehouse, sku) = await host.StoreWithStockAsync();
        var order = await PaidAsync(host, store, sku);
        var shipmentId = Id("sh-");
        await host.Do(new CreateShipment(shipmentId, order.OrderId, store, warehouse, [new ShipmentLine(sku, 2, "BC-" + sku)], Shanghai, T0.AddHours(1)), T0.AddHours(1));
        return (warehouse, sku, order, shipmentId);
    }

    [Fact]
    public async Task A_whole_order_refund_before_the_hand_over_cancels_the_order_and_frees_its_units()
    {
        await using var host = await StartAsync(database, new ManualClock(T0.AddHours(3)));
        var (warehouse, sku, order, _) = await ParcelOfPaidOrderAsync(host);
        var refund = Refund(order, RefundKind.RefundOnly, T0.AddHours(2));

        await host.Do(refund, T0.AddHours(2), Customer);

        await host.EventuallyHasAsync($"refund-{refund.RefundId}", "refund-paid");
        Assert.Equal(["order-shipment-intercepted", "order-cancelled"], (await host.TypesAsync($"order-{order.OrderId}")).TakeLast(2));
        Assert.Equal("stock-reservation-released", (await host.TypesAsync($"stock-{warehouse}.{sku}"))[^1]);
    }

    [Fact]
    public async Task A_small_refund_only_amount_is_paid_and_stops_no_parcel_so_the_order_still_ships()
    {
        await using var host = await StartAsync(database, new ManualClock(T0.AddHours(3)));
        var (warehouse, sku, order, shipmentId) = await ParcelOfPaidOrderAsync(host);
        var refund = Refund(order, RefundKind.RefundOnly, T0.AddHours(2)) with { Lines = [new RefundLine(sku, 0, 1m)] };

        await host.Do(refund, T0.AddHours(2), Customer);

        await host.EventuallyHasAsync($"refund-{refund.RefundId}", "refund-paid");
        Assert.Equal(["shipment-created"], await host.TypesAsync($"shipment-{shipmentId}"));
        var at = T0.AddHours(3);
        await host.Do(new RecordPicked(shipmentId, "picker-1", at), at);
        await host.Do(new PackAndVerify(shipmentId, ["BC-" + sku, "BC-" + sku], 400, "packer-1", at), at);
        await host.Do(new HandOverToCarrier(shipmentId, "SF", "SF-" + shipmentId, at), at);
        Assert.Contains("order-shipment-handed-over", await host.TypesAsync($"order-{order.OrderId}"));
    }

    [Fact]
    public async Task A_refund_of_some_units_takes_them_out_of_the_parcel_and_releases_them()
    {
        await using var host = await StartAsync(database, new ManualClock(T0.AddHours(3)));
        var (warehouse, sku, order, shipmentId) = await ParcelOfPaidOrderAsync(host);
        var refund = Refund(order, RefundKind.RefundOnly, T0.AddHours(2)) with { Lines = [new RefundLine(sku, 1, 25m)] };

        await host.Do(refund, T0.AddHours(2), Customer);

        await host.EventuallyHasAsync($"refund-{refund.RefundId}", "refund-paid");
        Assert.Equal(["shipment-created", "shipment-amended"], await host.TypesAsync($"shipment-{shipmentId}"));
        Assert.Equal("stock-reservation-reduced", (await host.TypesAsync($"stock-{warehouse}.{sku}"))[^1]);
    }
}
