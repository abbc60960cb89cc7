using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// An intercepted parcel settles its order and frees its stock: the reservations are released (units available
/// again), the order is cancelled when no parcel is left to ship, or amended (completion no longer waits for it).
/// </summary>
public abstract class InterceptionSpecs(Ledger ledger)
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    /// <summary>A paid order of tea (from <c>teaWarehouse</c>) and a mug (from <c>mugWarehouse</c>, the same one unless two are asked for).</summary>
    private async Task<(App App, string TeaWarehouse, string MugWarehouse, string Tea, string Mug, PlaceOrder Order)> PaidAsync(bool twoWarehouses = false)
    {
        var app = ledger.App();
        var (first, second) = (Id("WH"), Id("WH"));
        var storeId = twoWarehouses ? await app.StoreAsync((first, "SH"), (second, "BJ")) : await app.StoreAsync((first, "SH"));
        var mugWarehouse = twoWarehouses ? second : first;
        var (tea, mug) = (Id("TEA-"), Id("MUG-"));
        await app.ReceiveAsync(first, tea, 10);
        await app.ReceiveAsync(mugWarehouse, mug, 10);
        var order = new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY",
            [new OrderLine(tea, 2, 50m, "grocery", "BC-" + tea), new OrderLine(mug, 1, 30m, "kitchen", "BC-" + mug)], Shanghai, T0.AddMinutes(30), T0);
        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(new ConfirmPayment(order.OrderId, 130m, "CNY", "pay-1", T0.AddMinutes(1)), Ctx(T0.AddMinutes(1)))).Error);
        return (app, first, mugWarehouse, tea, mug, order);
    }

    private static async Task<string> ShipmentAsync(App app, PlaceOrder order, string warehouse, params OrderLine[] lines)
    {
        var shipmentId = Id("sh-");
        var create = new CreateShipment(shipmentId, order.OrderId, order.StoreId, warehouse, [.. lines.Select(l => new ShipmentLine(l.Sku, l.Quantity, l.ScanCode))], Shanghai, T0.AddMinutes(5));
        Assert.Null((await app.Commands.ExecuteAsync(create, Ctx(T0.AddMinutes(5)))).Error);
        return shipmentId;
    }

    [SkippableFact]
    public async Task Intercepting_the_only_parcel_releases_its_units_and_cancels_the_paid_order()
    {
        var (app, warehouse, _, tea, mug, order) = await PaidAsync();
        var shipmentId = await ShipmentAsync(app, order, warehouse, [.. order.Lines]);

        var outcome = await app.Commands.ExecuteAsync(new InterceptShipment(shipmentId, "wrong address", T0.AddMinutes(10)), Ctx(T0.AddMinutes(10)));

        Assert.Null(outcome.Error);
        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(warehouse, tea)));
        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(warehouse, mug)));
        Assert.Equal(2, outcome.Events.OfType<StockReservationReleased>().Count(r => r.Reason == ReleaseReason.ShipmentIntercepted));
        var cancelled = Assert.Single(outcome.Events.OfType<OrderCancelled>());
        Assert.Equal((OrderDecider.ShipmentsInterceptedReason, true), (cancelled.Reason, cancelled.WasPaid));
        Assert.Equal(OrderStatus.Cancelled, (await app.OrderAsync(order.OrderId)).Status);
    }

    [SkippableFact]
    public async Task Intercepting_one_of_two_parcels_amends_the_order_which_completes_when_the_other_is_delivered()
    {
        var (app, teaWarehouse, mugWarehouse, tea, mug, order) = await PaidAsync(twoWarehouses: true);
        var teaParcel = await ShipmentAsync(app, order, teaWarehouse, order.Lines[0]);
        var mugParcel = await ShipmentAsync(app, order, mugWarehouse, order.Lines[1]);
        var at = T0.AddMinutes(10);

        Assert.Null((await app.Commands.ExecuteAsync(new InterceptShipment(teaParcel, "damaged in the warehouse", at), Ctx(at))).Error);

        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(teaWarehouse, tea)));
        Assert.Equal(1, (await app.StockAsync(mugWarehouse, mug)).Reserved);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OrderId)).Status);
        Assert.Equal("order.warehouse-intercepted", (await app.Commands.ExecuteAsync(
            new CreateShipment(Id("sh-"), order.OrderId, order.StoreId, teaWarehouse, [new ShipmentLine(tea, 2, "BC-" + tea)], Shanghai, at), Ctx(at))).Error?.Rule);
        foreach (ShipmentCommand step in (ShipmentCommand[])[
                     new RecordPicked(mugParcel, "picker-1", at), new PackAndVerify(mugParcel, ["BC-" + mug], 300, "packer-1", at),
                     new HandOverToCarrier(mugParcel, "SF", "SF-" + mugParcel, at), new MarkDelivered(mugParcel, at.AddDays(1))])
        {
            Assert.Null((await app.Commands.ExecuteAsync(step, Ctx(at))).Error);
        }

        Assert.Null((await app.Commands.ExecuteAsync(new CompleteOrder(order.OrderId, at.AddDays(1)), Ctx(at.AddDays(1)))).Error);
        Assert.Equal(OrderStatus.Completed, (await app.OrderAsync(order.OrderId)).Status);
    }

    [SkippableFact]
    public async Task A_refused_interception_appends_nothing_anywhere()
    {
        var (app, warehouse, _, tea, mug, order) = await PaidAsync();
        var shipmentId = await ShipmentAsync(app, order, warehouse, [.. order.Lines]);
        var at = T0.AddMinutes(10);
        foreach (ShipmentCommand step in (ShipmentCommand[])[
                     new RecordPicked(shipmentId, "picker-1", at), new PackAndVerify(shipmentId, ["BC-" + tea, "BC-" + tea, "BC-" + mug], 900, "packer-1", at),
                     new HandOverToCarrier(shipmentId, "SF", "SF-" + shipmentId, at)])
        {
            Assert.Null((await app.Commands.ExecuteAsync(step, Ctx(at))).Error);
        }

        var orderBefore = (await ledger.ReadAsync(StreamIds.Order(order.OrderId))).Count;
        var outcome = await app.Commands.ExecuteAsync(new InterceptShipment(shipmentId, "too late", at), Ctx(at));

        Assert.Equal("shipment.intercept-after-handover", outcome.Error?.Rule);
        Assert.Empty(outcome.Changes);
        Assert.Equal(orderBefore, (await ledger.ReadAsync(StreamIds.Order(order.OrderId))).Count);
    }

    [SkippableFact]
    public async Task An_interception_that_dies_before_releasing_is_completed_by_retrying_it_or_by_the_recovery_pass()
    {
        var (app, warehouse, _, tea, mug, order) = await PaidAsync();
        var shipmentId = await ShipmentAsync(app, order, warehouse, [.. order.Lines]);
        var intercept = new InterceptShipment(shipmentId, "wrong address", T0.AddMinutes(10));
        var context = Ctx(T0.AddMinutes(10), commandId: "intercept-" + shipmentId);

        var crashing = ledger.App(new CrashingStore(ledger.Store, s => s == StreamIds.Order(order.OrderId), 1));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.Commands.ExecuteAsync(intercept, context));
        Assert.Equal(2, (await app.StockAsync(warehouse, tea)).Reserved);

        ledger.Clock.Set(T0 + new CommandHandling.CommandHandlerOptions().ReservationTimeout + TimeSpan.FromMinutes(1));
        var report = await app.Recovery.RunAsync();

        Assert.Contains(report.Released, r => r.OrderId == order.OrderId && r.Reason == ReleaseReason.OrderCancelled);
        Assert.Equal(0, (await app.StockAsync(warehouse, tea)).Reserved);
        Assert.Null((await app.Commands.ExecuteAsync(intercept, context)).Error);
        Assert.Equal((10, 0, 10), PlacementTests.Levels(await app.StockAsync(warehouse, mug)));
        Assert.Single((await ledger.EventsAsync(StreamIds.Order(order.OrderId))).OfType<OrderShipmentIntercepted>());
    }

    [SkippableFact]
    public async Task Taking_refunded_units_out_of_a_parcel_releases_just_those_units_and_the_rest_still_ships()
    {
        var (app, warehouse, _, tea, mug, order) = await PaidAsync();
        var shipmentId = await ShipmentAsync(app, order, warehouse, [.. order.Lines]);
        var at = T0.AddMinutes(10);

        var outcome = await app.Commands.ExecuteAsync(new AmendShipment(shipmentId, [new ShipmentUnits(tea, 1)], "refund r-1", at), Ctx(at));

        Assert.Null(outcome.Error);
        Assert.Equal((10, 1, 9), PlacementTests.Levels(await app.StockAsync(warehouse, tea)));
        Assert.Equal(1, (await app.StockAsync(warehouse, mug)).Reserved);
        foreach (ShipmentCommand step in (ShipmentCommand[])[
                     new RecordPicked(shipmentId, "picker-1", at), new PackAndVerify(shipmentId, ["BC-" + tea, "BC-" + mug], 600, "packer-1", at),
                     new HandOverToCarrier(shipmentId, "SF", "SF-" + shipmentId, at)])
        {
            Assert.Null((await app.Commands.ExecuteAsync(step, Ctx(at))).Error);
        }

        Assert.Equal((9, 0, 9), PlacementTests.Levels(await app.StockAsync(warehouse, tea)));
    }

    [SkippableFact]
    public async Task Taking_every_unit_out_of_a_parcel_intercepts_it()
    {
        var (app, warehouse, _, tea, mug, order) = await PaidAsync();
        var shipmentId = await ShipmentAsync(app, order, warehouse, [.. order.Lines]);
        var at = T0.AddMinutes(10);

        var outcome = await app.Commands.ExecuteAsync(new AmendShipment(shipmentId, [new ShipmentUnits(tea, 2), new ShipmentUnits(mug, 1)], "refund r-1", at), Ctx(at));

        Assert.Null(outcome.Error);
        Assert.Contains(outcome.Events, e => e is ShipmentIntercepted);
        Assert.Equal(0, (await app.StockAsync(warehouse, tea)).Reserved);
        Assert.Equal(OrderStatus.Cancelled, (await app.OrderAsync(order.OrderId)).Status);
    }
}

/// <summary>On the embedded PostgreSQL store.</summary>
public sealed class InterceptionTests(Ledger ledger) : InterceptionSpecs(ledger), IClassFixture<Ledger>;

/// <summary>On EventStoreDB: the same specs, so a difference between the stores fails one of them.</summary>
public sealed class InterceptionOnEventStoreDbTests(EventStoreDbLedger ledger) : InterceptionSpecs(ledger), IClassFixture<EventStoreDbLedger>;
