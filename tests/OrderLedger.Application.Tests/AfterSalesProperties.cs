using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using Xunit.Abstractions;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// Invariants of after-sales over random sequences of orders, payments, shipments, amendments, interceptions, refusals,
/// returns and refunds, all through <see cref="CommandService"/> on PostgreSQL: reserved stock is never negative and is
/// the sum of the open reservations; on hand = received − shipped + restocked; refunded ≤ paid per order and line; an
/// order's allocation is what its live parcels carry; every refused parcel back at the warehouse ends restocked and
/// refunded, every intercepted one with its reservations released.
/// </summary>
public sealed class AfterSalesProperties(Ledger ledger, ITestOutputHelper output) : IClassFixture<Ledger>
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    private enum Path
    {
        Cancel,
        Deliver,
        DeliverAndReturn,
        Intercept,
        AmendThenShip,
        Refuse,
        RefundMoneyThenRefuse,
    }

    private sealed record Parcel(string ShipmentId, string OrderId, Path Path);

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Random_after_sales_keep_stock_and_money_conserved_and_strand_nothing(int seed)
    {
        var random = new Random(seed);
        var app = ledger.App();
        var warehouse = Id("WH");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        Assert.Null((await app.Commands.ExecuteAsync(new SetReturnAddress(storeId, ReturnAddressScope.Default, null, Shanghai, T0), Ctx(T0))).Error);
        var skus = new[] { Id("TEA-"), Id("MUG-") };
        foreach (var sku in skus)
        {
            await app.ReceiveAsync(warehouse, sku, 100);
        }

        var parcels = new List<Parcel>();
        var at = T0.AddMinutes(1);
        async Task Run(object command)
        {
            at = at.AddMinutes(1);
            var outcome = await app.Commands.ExecuteAsync(command, Ctx(at));
            Assert.True(outcome.Error is null, $"seed {seed}: {command.GetType().Name} refused: {outcome.Error}");
        }

        for (var i = 0; i < 8; i++)
        {
            var path = (Path)random.Next(Enum.GetValues<Path>().Length);
            var lines = skus.Select(sku => new OrderLine(sku, random.Next(1, 4), 10m * random.Next(1, 5), "grocery", "BC-" + sku)).ToList();
            var order = new PlaceOrder(Id("o-"), storeId, "c-" + i, "web", "CNY", lines, Shanghai, null, at);
            await Run(order);
            await Run(new ConfirmPayment(order.OrderId, lines.Sum(l => l.Amount), "CNY", "pay-" + order.OrderId, at));
            if (path == Path.Cancel)
            {
                await Run(new CancelOrder(order.OrderId, "changed mind", at));
                continue;
            }

            var shipmentId = Id("sh-");
            await Run(new CreateShipment(shipmentId, order.OrderId, storeId, warehouse, [.. lines.Select(l => new ShipmentLine(l.Sku, l.Quantity, l.ScanCode))], Shanghai, at));
            parcels.Add(new Parcel(shipmentId, order.OrderId, path));
            if (path == Path.Intercept)
            {
                await Run(new InterceptShipment(shipmentId, "address error", at));
                continue;
            }

            var packed = lines.ToList();
            if (path == Path.AmendThenShip && lines.FirstOrDefault(l => l.Quantity > 1) is { } amended)
            {
                await Run(new AmendShipment(shipmentId, [new ShipmentUnits(amended.Sku, 1)], "refunded", at));
                packed = [.. lines.Select(l => l == amended ? l with { Quantity = l.Quantity - 1 } : l)];
            }

            await Run(new RecordPicked(shipmentId, "picker", at));
            await Run(new PackAndVerify(shipmentId, [.. packed.SelectMany(l => Enumerable.Repeat(l.ScanCode, l.Quantity))], 500, "packer", at));
            await Run(new HandOverToCarrier(shipmentId, "SF", "SF-" + shipmentId, at));
            switch (path)
            {
                case Path.Refuse or Path.RefundMoneyThenRefuse:
                    if (path == Path.RefundMoneyThenRefuse)
                    {
                        var partial = new RequestRefund(Id("r-"), order.OrderId, storeId, order.CustomerId, RefundKind.RefundOnly, [new RefundLine(lines[0].Sku, 0, 5m)], "late", null, at);
                        await Run(partial);
                        await Run(new ApproveRefund(partial.RefundId, "agent", null, null, at));
                        await Run(new PayRefund(partial.RefundId, "rp-" + partial.RefundId, at));
                    }

                    await Run(new ReturnToSender(shipmentId, "buyer refused", at));
                    await Run(new ReceiveReturnedShipment(shipmentId, at));
                    break;
                case Path.DeliverAndReturn:
                    await Run(new MarkDelivered(shipmentId, at));
                    var back = new RequestRefund(Id("r-"), order.OrderId, storeId, order.CustomerId, RefundKind.ReturnAndRefund, [new RefundLine(lines[1].Sku, 1, lines[1].UnitPrice)], "too big", null, at);
                    await Run(back);
                    await Run(new ApproveRefund(back.RefundId, "agent", null, null, at));
                    await Run(new RecordReturnShipped(back.RefundId, "YTO", "RT-" + back.RefundId, at));
                    await Run(new ScanReturn(storeId, "RT-" + back.RefundId, at));
                    await Run(new InspectReturn(back.RefundId, random.Next(2) == 0, "qa", "checked", at));
                    break;
                default:
                    await Run(new MarkDelivered(shipmentId, at));
                    break;
            }
        }

        output.WriteLine($"seed {seed}: {string.Join(", ", parcels.Select(p => p.Path))}");
        foreach (var sku in skus)
        {
            await StockIsConservedAsync(app, warehouse, sku);
        }

        foreach (var parcel in parcels)
        {
            await ParcelIsSettledAsync(app, warehouse, parcel);
        }
    }

    private async Task StockIsConservedAsync(App app, string warehouse, string sku)
    {
        var events = await ledger.EventsAsync(StreamIds.Stock(warehouse, sku));
        var state = await app.StockAsync(warehouse, sku);
        var expectedOnHand = events.OfType<StockReceived>().Sum(e => e.Quantity) - events.OfType<StockReservationCommitted>().Sum(e => e.Quantity)
            + events.OfType<StockRestocked>().Sum(e => e.Quantity);
        Assert.True(state.Reserved >= 0 && state.Available >= 0, $"{sku}: reserved {state.Reserved}, available {state.Available}");
        Assert.Equal(state.OpenReservations.Sum(r => r.Value.Quantity), state.Reserved);
        Assert.Equal(expectedOnHand, state.OnHand);
        Assert.Equal(events.OfType<StockRestocked>().Sum(e => e.Quantity), state.Restocked);
    }

    private static async Task ParcelIsSettledAsync(App app, string warehouse, Parcel parcel)
    {
        var order = await app.OrderAsync(parcel.OrderId);
        var shipment = (await app.Handler.LoadAsync(ShipmentDecider.Decider, StreamIds.Shipment(parcel.ShipmentId))).State;
        Assert.True(order.RefundClaimedTotal <= order.PaidAmount, $"{parcel.OrderId}: refunds {order.RefundClaimedTotal} above paid {order.PaidAmount}");
        Assert.All(order.Lines, line => Assert.True(order.RefundClaimedFor(line.Sku) <= order.PaidFor(line.Sku), $"{parcel.OrderId} {line.Sku}: refunded above paid"));
        var refunded = 0m;
        foreach (var refundId in order.RefundClaims.Where(c => !c.Value.Released).Select(c => c.Key))
        {
            var refund = (await app.Handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(refundId))).State;
            refunded += refund.Status == RefundStatus.Paid ? refund.Amount : 0m;
        }

        Assert.True(refunded <= order.PaidAmount);
        switch (parcel.Path)
        {
            case Path.Intercept:
                Assert.Equal(ShipmentStatus.Intercepted, shipment.Status);
                foreach (var line in order.Lines)
                {
                    Assert.Equal(ReservationStatus.Released, (await app.StockAsync(warehouse, line.Sku)).Reservations[parcel.OrderId].Status);
                }

                Assert.Equal(OrderStatus.Cancelled, order.Status);
                break;
            case Path.Refuse or Path.RefundMoneyThenRefuse:
                Assert.Equal(ShipmentStatus.BackAtWarehouse, shipment.Status);
                Assert.True(order.ReturnedShipments.ContainsKey(parcel.ShipmentId));
                var refund = (await app.Handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(RefundScope.RefusedParcelRefundId(parcel.ShipmentId)))).State;
                Assert.Equal(RefundStatus.Paid, refund.Status);
                Assert.Equal(order.PaidAmount, refunded);
                foreach (var line in shipment.Lines)
                {
                    Assert.Contains(parcel.ShipmentId, (await app.StockAsync(warehouse, line.Sku)).RestockedFrom);
                }

                break;
            default:
                Assert.Equal(order.Allocation.Sum(a => a.Quantity), shipment.Lines.Sum(l => l.Quantity));
                break;
        }
    }
}
