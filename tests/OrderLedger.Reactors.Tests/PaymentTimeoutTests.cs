using OrderLedger.Domain.Orders;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>Payment timeout: an order unpaid after its payment window is cancelled and its stock released.</summary>
public sealed class PaymentTimeoutTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task An_unpaid_order_is_cancelled_at_its_due_time_and_its_stock_released_and_a_paid_one_is_left_alone()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var (store, warehouse, sku) = await host.StoreWithStockAsync();
        var unpaid = Order(store, sku);
        var paid = Order(store, sku);
        await host.Do(unpaid, T0);
        await host.Do(paid, T0);
        await host.Do(new ConfirmPayment(paid.OrderId, 50m, "CNY", "pay-1", T0.AddMinutes(2)), T0.AddMinutes(2));
        await host.WaitForTimerAsync(TimerKinds.PaymentTimeout, unpaid.OrderId);

        clock.Set(T0.AddMinutes(29));
        Assert.Equal(0, await host.Dispatcher.DispatchDueAsync());
        Assert.DoesNotContain("order-payment-timed-out", await host.TypesAsync($"order-{unpaid.OrderId}"));

        clock.Set(T0.AddMinutes(31));
        var order = await host.EventuallyHasAsync($"order-{unpaid.OrderId}", "order-cancelled");
        Assert.Equal(["order-placed", "order-allocated", "order-payment-timed-out", "order-cancelled"], order);
        await host.EventuallyHasAsync($"stock-{warehouse}.{sku}", "stock-reservation-released");
        Assert.DoesNotContain("order-cancelled", await host.TypesAsync($"order-{paid.OrderId}"));
        Assert.Empty(await host.DispatchedAsync(paid.OrderId));
    }

    [Fact]
    public async Task A_timer_survives_a_restart_and_fires_once_however_often_it_is_dispatched()
    {
        var clock = new ManualClock(T0);
        PlaceOrder order;
        await using (var first = await StartAsync(database, clock))
        {
            var (store, _, sku) = await first.StoreWithStockAsync();
            order = Order(store, sku);
            await first.Do(order, T0);
            await first.WaitForTimerAsync(TimerKinds.PaymentTimeout, order.OrderId);
        }

        // Down while the order fell due; the timer is in PostgreSQL, so the next process fires it.
        clock.Set(T0.AddHours(3));
        await using var second = await StartAsync(database, clock);
        await second.EventuallyHasAsync($"order-{order.OrderId}", "order-cancelled");
        await Eventually.Get(() => second.DispatchedAsync(order.OrderId), d => d.Count == 1);

        Assert.Equal(0, await second.Dispatcher.DispatchDueAsync());
        Assert.Single(await second.TypesAsync($"order-{order.OrderId}"), t => t == "order-payment-timed-out");
        Assert.Equal((TimerKinds.PaymentTimeout, order.OrderId, "done"), Assert.Single(await second.DispatchedAsync(order.OrderId)));
    }
}
