using OrderLedger.Domain.Shipments;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.ReadModels;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>
/// Issue 15: what a support agent sees of an order's after-sales in the <c>orders</c> read model, the flows driven
/// through the command handlers: each parcel's state and current lines, what amendments took out, the units restocked
/// and the refunds paid.
/// </summary>
public sealed class OrderAfterSalesSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private async Task<(AfterSalesShop Shop, OrderQueries Orders)> ProjectAsync()
    {
        await using var ledger = await MetricsLedger.OpenAsync(db);
        var minute = 0;
        var shop = await AfterSalesShop.RunAsync(c => ledger.RunAsync(c), () => Start.AddMinutes(++minute));
        await Projector.BuildAndPublishAsync(db.DataSource, new OrdersProjection(), await ledger.ReadAsync());
        return (shop, new OrderQueries(db.DataSource));
    }

    private static async Task<(OrderSummary Order, OrderParcel Parcel)> OrderAsync(OrderQueries orders, string orderId)
    {
        var order = await orders.GetOrderAsync(orderId);
        Assert.NotNull(order);
        return (order, Assert.Single(order.Parcels));
    }

    [Fact]
    public async Task Each_parcel_shows_its_state_its_lines_after_amendments_and_what_was_restocked_and_refunded()
    {
        var (shop, orders) = await ProjectAsync();

        var (amended, amendedParcel) = await OrderAsync(orders, shop.Amended);
        Assert.Equal(("delivered", "delivered"), (amendedParcel.State, amended.ShipmentStatus));
        Assert.Equal([new ShipmentUnits(shop.Tea, 1), new ShipmentUnits(shop.Mug, 1)], amendedParcel.Lines);
        Assert.Equal([new ShipmentUnits(shop.Tea, 1)], amendedParcel.Removed);
        Assert.Equal((0, 0, 0m), (amendedParcel.Restocked, amended.UnitsRestocked, amended.Refunded));

        var (intercepted, interceptedParcel) = await OrderAsync(orders, shop.Intercepted);
        Assert.Equal(("intercepted", "intercepted", "cancelled"), (interceptedParcel.State, intercepted.ShipmentStatus, intercepted.Status));
        Assert.Equal([new ShipmentUnits(shop.Tea, 2), new ShipmentUnits(shop.Mug, 1)], interceptedParcel.Lines);
        Assert.Empty(interceptedParcel.Removed);
        Assert.Null(interceptedParcel.TrackingNumber);

        var (refused, refusedParcel) = await OrderAsync(orders, shop.Refused);
        Assert.Equal(("back_at_warehouse", "returned", shop.Warehouse), (refusedParcel.State, refused.ShipmentStatus, refusedParcel.WarehouseId));
        Assert.Equal("TN-" + AfterSalesShop.ParcelOf(shop.Refused), refusedParcel.TrackingNumber);
        Assert.Equal([new ShipmentUnits(shop.Tea, 2), new ShipmentUnits(shop.Mug, 1)], refusedParcel.Lines);
        Assert.Equal((3, 3), (refusedParcel.Restocked, refused.UnitsRestocked));
        Assert.Equal((50m, 50m), (refused.Paid, refused.Refunded));
    }

    [Fact]
    public async Task The_customer_s_orders_carry_their_parcels_too()
    {
        var (shop, orders) = await ProjectAsync();

        var listed = await orders.ListForCustomerAsync([shop.StoreId], "C-after");

        Assert.Equal(
            [(shop.Refused, "back_at_warehouse"), (shop.Intercepted, "intercepted"), (shop.Amended, "delivered")],
            listed.Select(o => (o.OrderId, Assert.Single(o.Parcels).State)));
    }
}
