using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.ReadModels.Tests.Support.Samples;

namespace OrderLedger.ReadModels.Tests.Specs;

public sealed class OrdersSpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    private async Task<OrderSummary?> Project(Func<Ledger, Task> given, string orderId)
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await given(ledger);
        await Projector.BuildAndPublishAsync(database.DataSource, new OrdersProjection(), await ledger.ReadAsync());
        return await new OrderQueries(database.DataSource).GetOrderAsync(orderId);
    }

    [Fact]
    public async Task A_placed_order_awaits_payment_with_its_totals()
    {
        var order = await Project(l => l.AppendAsync(StreamIds.Order("O1"), At(0), Placed("O1", "C1", At(0))), "O1");

        Assert.NotNull(order);
        Assert.Equal(("S1", "C1", "awaiting_payment", "web", "CNY"), (order.StoreId, order.CustomerId, order.Status, order.Channel, order.Currency));
        Assert.Equal(3, order.ItemCount);
        Assert.Equal(130m, order.Total);
        Assert.Equal(0m, order.Paid);
        Assert.Equal("none", order.ShipmentStatus);
        Assert.Equal(At(0), order.PlacedAt);
        Assert.Null(order.PaidAt);
    }

    [Fact]
    public async Task A_paid_shipped_delivered_and_partly_refunded_order_has_every_step_timestamped()
    {
        var order = await Project(
            async l =>
            {
                await l.AppendAsync(StreamIds.Order("O2"), At(0), Placed("O2", "C1", At(0)));
                await l.AppendAsync(StreamIds.Order("O2"), At(5), new OrderPaymentConfirmed("O2", 130m, "CNY", "PAY-1", At(5)));
                await l.AppendAsync(StreamIds.Shipment("SH2"), At(60), new ShipmentCreated("SH2", "O2", "S1", "W1", [new ShipmentLine("TEA-01", 2, "6901234567892")], Shanghai, At(60)));
                await l.AppendAsync(StreamIds.Shipment("SH2"), At(120), new ShipmentHandedToCarrier("SH2", "O2", "SF", "SF100", At(120)));
                await l.AppendAsync(StreamIds.Shipment("SH2"), At(2000), new ShipmentDelivered("SH2", "O2", At(2000)));
                await l.AppendAsync(StreamIds.Order("O2"), At(2001), new OrderCompleted("O2", At(2001)));
                await l.AppendAsync(StreamIds.Order("O2"), At(3000), new OrderRefundClaimed("O2", "R2", [new RefundLine("MUG-01", 1, 30m)], 30m, At(3000)));
                await l.AppendAsync(StreamIds.Refund("R2"), At(3100), new RefundPaid("R2", "O2", 30m, "RP-1", At(3100)));
            },
            "O2");

        Assert.NotNull(order);
        Assert.Equal("completed", order.Status);
        Assert.Equal((130m, 30m, 30m), (order.Paid, order.RefundClaimed, order.Refunded));
        Assert.Equal(("delivered", 1, 1, 1), (order.ShipmentStatus, order.Shipments, order.ShipmentsHandedOver, order.ShipmentsDelivered));
        Assert.Equal(At(5), order.PaidAt);
        Assert.Equal(At(120), order.FirstHandedOverAt);
        Assert.Equal(At(2000), order.DeliveredAt);
        Assert.Equal(At(2001), order.CompletedAt);
        Assert.Equal(At(3100), order.LastRefundPaidAt);
        Assert.Equal(At(3100), order.UpdatedAt);
    }

    [Fact]
    public async Task An_order_with_one_of_two_parcels_delivered_is_partially_delivered()
    {
        var order = await Project(
            async l =>
            {
                await l.AppendAsync(StreamIds.Order("O3"), At(0), Placed("O3", "C1", At(0)), new OrderPaymentConfirmed("O3", 130m, "CNY", "PAY-3", At(1)));
                await l.AppendAsync(StreamIds.Shipment("SH3a"), At(10), new ShipmentCreated("SH3a", "O3", "S1", "W1", [new ShipmentLine("TEA-01", 2, "6901234567892")], Shanghai, At(10)));
                await l.AppendAsync(StreamIds.Shipment("SH3b"), At(10), new ShipmentCreated("SH3b", "O3", "S1", "W2", [new ShipmentLine("MUG-01", 1, "6901234567908")], Shanghai, At(10)));
                await l.AppendAsync(StreamIds.Shipment("SH3a"), At(20), new ShipmentHandedToCarrier("SH3a", "O3", "SF", "SF31", At(20)));
                await l.AppendAsync(StreamIds.Shipment("SH3b"), At(20), new ShipmentHandedToCarrier("SH3b", "O3", "SF", "SF32", At(20)));
                await l.AppendAsync(StreamIds.Shipment("SH3a"), At(900), new ShipmentDelivered("SH3a", "O3", At(900)));
            },
            "O3");

        Assert.NotNull(order);
        Assert.Equal("paid", order.Status);
        Assert.Equal("partially_delivered", order.ShipmentStatus);
        Assert.Null(order.DeliveredAt);
    }

    [Theory]
    [InlineData("none", "none")]
    [InlineData("created", "preparing")]
    [InlineData("handed-over", "in_transit")]
    [InlineData("intercepted", "intercepted")]
    [InlineData("returned", "returned")]
    public async Task The_shipment_status_follows_the_orders_parcel(string parcel, string expected)
    {
        var orderId = NewId("OS");
        var order = await Project(
            async l =>
            {
                await l.AppendAsync(StreamIds.Order(orderId), At(0), Placed(orderId, "C1", At(0)), new OrderPaymentConfirmed(orderId, 130m, "CNY", "P", At(1)));
                var s = StreamIds.Shipment(orderId);
                if (parcel == "none")
                {
                    return;
                }

                await l.AppendAsync(s, At(2), new ShipmentCreated(orderId, orderId, "S1", "W1", [new ShipmentLine("TEA-01", 2, Tea.Barcode!)], Shanghai, At(2)));
                if (parcel == "intercepted")
                {
                    await l.AppendAsync(s, At(3), new ShipmentIntercepted(orderId, orderId, "cancelled", At(3)));
                }
                else if (parcel is "handed-over" or "returned")
                {
                    await l.AppendAsync(s, At(3), new ShipmentHandedToCarrier(orderId, orderId, "SF", "T", At(3)));
                    if (parcel == "returned")
                    {
                        await l.AppendAsync(s, At(4), new ShipmentReturnedToSender(orderId, orderId, "refused", At(4)));
                    }
                }
            },
            orderId);

        Assert.NotNull(order);
        Assert.Equal(expected, order.ShipmentStatus);
    }

    [Fact]
    public async Task An_unpaid_order_that_timed_out_is_cancelled_with_the_reason_and_counts_failed_payments()
    {
        var order = await Project(
            async l =>
            {
                await l.AppendAsync(StreamIds.Order("O4"), At(0), Placed("O4", "C2", At(0)));
                await l.AppendAsync(StreamIds.Order("O4"), At(3), new OrderPaymentFailed("O4", "PAY-4", "card-declined", At(3)));
                await l.AppendAsync(StreamIds.Order("O4"), At(31),
                    new OrderPaymentTimedOut("O4", At(30), At(31)), new OrderCancelled("O4", "payment-timeout", false, At(31)));
            },
            "O4");

        Assert.NotNull(order);
        Assert.Equal(("cancelled", "payment-timeout", 1), (order.Status, order.CancelReason, order.PaymentFailures));
        Assert.Equal(At(31), order.CancelledAt);
    }

    [Fact]
    public async Task A_rejected_order_is_listed_as_rejected_with_no_amounts()
    {
        var order = await Project(
            l => l.AppendAsync(StreamIds.Order("O5"), At(0),
                new OrderRejected("O5", "S1", "C3", RejectionReason.OutOfStock, [new LineFault("TEA-01", 2, 0, "out-of-stock")], At(0))),
            "O5");

        Assert.NotNull(order);
        Assert.Equal(("rejected", 0m), (order.Status, order.Total));
        Assert.Equal(At(0), order.RejectedAt);
        Assert.Null(order.PlacedAt);
    }

    [Fact]
    public async Task A_customers_orders_are_listed_newest_first_within_the_allowed_stores()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await ledger.AppendAsync(StreamIds.Order("O6a"), At(0), Placed("O6a", "C6", At(0)));
        await ledger.AppendAsync(StreamIds.Order("O6b"), At(10), Placed("O6b", "C6", At(10)));
        await ledger.AppendAsync(StreamIds.Order("O6c"), At(20), Placed("O6c", "C6", At(20), storeId: "S2"));
        await Projector.BuildAndPublishAsync(database.DataSource, new OrdersProjection(), await ledger.ReadAsync());

        var orders = await new OrderQueries(database.DataSource).ListForCustomerAsync(["S1"], "C6");

        Assert.Equal(["O6b", "O6a"], orders.Select(o => o.OrderId));
    }

    [Fact]
    public async Task The_shipping_phone_is_kept_as_digits_and_finds_the_store_s_customers_by_it()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await ledger.AppendAsync(StreamIds.Order("O7a"), At(0), Placed("O7a", "C7", At(0)) with { ShippingAddress = Shanghai with { Phone = "+86 138-0013-8000" } });
        await ledger.AppendAsync(StreamIds.Order("O7b"), At(10), Placed("O7b", "C7", At(10)) with { ShippingAddress = Shanghai with { Phone = "86 13800138000" } });
        await ledger.AppendAsync(StreamIds.Order("O7c"), At(20), Placed("O7c", "C8", At(20)) with { ShippingAddress = Shanghai with { Phone = "(86) 138 0013 8000" } });
        await ledger.AppendAsync(StreamIds.Order("O7d"), At(30), Placed("O7d", "C9", At(30), storeId: "S2") with { ShippingAddress = Shanghai with { Phone = "8613800138000" } });
        await ledger.AppendAsync(StreamIds.Order("O7e"), At(40), Placed("O7e", "C10", At(40)));
        await Projector.BuildAndPublishAsync(database.DataSource, new OrdersProjection(), await ledger.ReadAsync());
        var queries = new OrderQueries(database.DataSource);

        var found = await queries.FindCustomersByPhoneAsync("S1", "+86 (138) 0013-8000");

        Assert.Equal("8613800138000", (await queries.GetOrderAsync("O7a"))!.Phone);
        Assert.Null((await queries.GetOrderAsync("O7e"))!.Phone);
        Assert.Equal([new CustomerMatch("S1", "C8", 1, At(20)), new CustomerMatch("S1", "C7", 2, At(10))], found);
    }

    [Theory]
    [InlineData("+86 138-0013-8000", "8613800138000")]
    [InlineData("(555) 010 4477 ext. 2", "55501044772")]
    [InlineData(" - ", null)]
    [InlineData(null, null)]
    public void A_phone_is_compared_by_its_digits_only(string? phone, string? digits) =>
        Assert.Equal(digits, OrdersProjection.PhoneDigits(phone));
}
