using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// After-sales end to end through <see cref="CommandService"/>: a refused parcel back at the warehouse is restocked and
/// refunded by rule; a passed return is restocked (and paid when the store says so), a failed one waits; return tracking
/// numbers are unique per store and a scan finds the refund; an amended parcel shrinks its order's allocation.
/// </summary>
public sealed class AfterSalesTests(Ledger ledger) : IClassFixture<Ledger>
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");
    private static readonly PostalAddress Returns = new("Returns", "1 Depot Rd", "Suzhou", "215000", "JS", "CN");

    private sealed record Paid(App App, string Warehouse, string Tea, string Mug, PlaceOrder Order);

    /// <summary>A paid order of 2 tea (50 each) and 1 mug (30) from one warehouse holding 10 of each.</summary>
    private async Task<Paid> PaidAsync()
    {
        var app = ledger.App();
        var warehouse = Id("WH");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        Assert.Null((await app.Commands.ExecuteAsync(new SetReturnAddress(storeId, ReturnAddressScope.Default, null, Returns, T0), Ctx(T0))).Error);
        var (tea, mug) = (Id("TEA-"), Id("MUG-"));
        await app.ReceiveAsync(warehouse, tea, 10);
        await app.ReceiveAsync(warehouse, mug, 10);
        var order = new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY",
            [new OrderLine(tea, 2, 50m, "grocery", "BC-" + tea), new OrderLine(mug, 1, 30m, "kitchen", "BC-" + mug)], Shanghai, T0.AddMinutes(30), T0);
        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(new ConfirmPayment(order.OrderId, 130m, "CNY", "pay-1", T0.AddMinutes(1)), Ctx(T0.AddMinutes(1)))).Error);
        return new Paid(app, warehouse, tea, mug, order);
    }

    private static async Task<string> ShipAsync(Paid paid, bool handOver = true)
    {
        var shipmentId = Id("sh-");
        var at = T0.AddMinutes(5);
        var steps = new List<ShipmentCommand>
        {
            new CreateShipment(shipmentId, paid.Order.OrderId, paid.Order.StoreId, paid.Warehouse, [.. paid.Order.Lines.Select(l => new ShipmentLine(l.Sku, l.Quantity, l.ScanCode))], Shanghai, at),
        };
        if (handOver)
        {
            steps.AddRange([
                new RecordPicked(shipmentId, "picker-1", at), new PackAndVerify(shipmentId, ["BC-" + paid.Tea, "BC-" + paid.Tea, "BC-" + paid.Mug], 700, "packer-1", at),
                new HandOverToCarrier(shipmentId, "SF", "SF-" + shipmentId, at)]);
        }

        foreach (var step in steps)
        {
            Assert.Null((await paid.App.Commands.ExecuteAsync(step, Ctx(at))).Error);
        }

        return shipmentId;
    }

    private static async Task<string> RefusedAsync(Paid paid)
    {
        var shipmentId = await ShipAsync(paid);
        Assert.Null((await paid.App.Commands.ExecuteAsync(new ReturnToSender(shipmentId, "buyer refused", T0.AddDays(2)), Ctx(T0.AddDays(2)))).Error);
        return shipmentId;
    }

    private static async Task<RefundState> RefundAsync(App app, string refundId) =>
        (await app.Handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(refundId))).State;

    // ---- refused delivery ------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task A_refused_parcel_back_at_the_warehouse_is_restocked_refunded_by_rule_and_recorded_on_its_order()
    {
        var paid = await PaidAsync();
        var shipmentId = await RefusedAsync(paid);
        Assert.Equal((8, 0), ((await paid.App.StockAsync(paid.Warehouse, paid.Tea)).OnHand, (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).Restocked));
        var at = T0.AddDays(4);

        var outcome = await paid.App.Commands.ExecuteAsync(new ReceiveReturnedShipment(shipmentId, at), Ctx(at, "back-" + shipmentId));

        Assert.Null(outcome.Error);
        var tea = await paid.App.StockAsync(paid.Warehouse, paid.Tea);
        Assert.Equal((10, 2, 10), (tea.OnHand, tea.Restocked, tea.Available));
        Assert.Equal(10, (await paid.App.StockAsync(paid.Warehouse, paid.Mug)).OnHand);
        var refund = await RefundAsync(paid.App, RefundScope.RefusedParcelRefundId(shipmentId));
        Assert.Equal((RefundStatus.Paid, 130m), (refund.Status, refund.Amount));
        Assert.Equal(RefundDecider.RulePaymentReference(refund.RefundId), Assert.Single(outcome.Events.OfType<RefundPaid>()).PaymentReference);
        Assert.True(Assert.Single(outcome.Events.OfType<RefundApproved>()).ByRule);
        var order = await paid.App.OrderAsync(paid.Order.OrderId);
        Assert.Equal(paid.Warehouse, order.ReturnedShipments[shipmentId]);
        Assert.Equal(130m, order.RefundClaimedTotal);

        var again = await paid.App.Commands.ExecuteAsync(new ReceiveReturnedShipment(shipmentId, at), Ctx(at, "back-" + shipmentId));
        var otherId = await paid.App.Commands.ExecuteAsync(new ReceiveReturnedShipment(shipmentId, at.AddMinutes(1)), Ctx(at.AddMinutes(1)));
        Assert.True(again.AlreadyProcessed);
        Assert.Null(otherId.Error);
        Assert.Empty(otherId.Changes.Where(c => !c.AlreadyProcessed).SelectMany(c => c.Events));
        Assert.Equal(10, (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).OnHand);
    }

    [SkippableFact]
    public async Task A_refused_parcel_refunds_only_what_an_earlier_refund_left()
    {
        var paid = await PaidAsync();
        var shipmentId = await RefusedAsync(paid);
        var earlier = new RequestRefund(Id("r-"), paid.Order.OrderId, paid.Order.StoreId, "c-1", RefundKind.RefundOnly, [new RefundLine(paid.Tea, 0, 20m)], "late", null, T0.AddDays(3));
        Assert.Null((await paid.App.Commands.ExecuteAsync(earlier, Ctx(T0.AddDays(3)))).Error);

        var outcome = await paid.App.Commands.ExecuteAsync(new ReceiveReturnedShipment(shipmentId, T0.AddDays(4)), Ctx(T0.AddDays(4)));

        Assert.Null(outcome.Error);
        Assert.Equal(110m, (await RefundAsync(paid.App, RefundScope.RefusedParcelRefundId(shipmentId))).Amount);
        Assert.Equal(130m, (await paid.App.OrderAsync(paid.Order.OrderId)).RefundClaimedTotal);
    }

    [SkippableFact]
    public async Task A_store_that_turned_the_rule_off_gets_its_units_back_and_refunds_by_hand()
    {
        var paid = await PaidAsync();
        Assert.Null((await paid.App.Commands.ExecuteAsync(new SetReturnPolicy(paid.Order.StoreId, false, false, T0), Ctx(T0))).Error);
        var shipmentId = await RefusedAsync(paid);

        var outcome = await paid.App.Commands.ExecuteAsync(new ReceiveReturnedShipment(shipmentId, T0.AddDays(4)), Ctx(T0.AddDays(4)));

        Assert.Null(outcome.Error);
        Assert.Equal(10, (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).OnHand);
        Assert.Empty(outcome.Events.OfType<RefundRequested>());
        Assert.Equal(RefundStatus.None, (await RefundAsync(paid.App, RefundScope.RefusedParcelRefundId(shipmentId))).Status);
    }

    [SkippableFact]
    public async Task A_parcel_still_with_the_carrier_is_not_received_back_and_nothing_is_appended()
    {
        var paid = await PaidAsync();
        var shipmentId = await ShipAsync(paid);

        var outcome = await paid.App.Commands.ExecuteAsync(new ReceiveReturnedShipment(shipmentId, T0.AddDays(4)), Ctx(T0.AddDays(4)));

        Assert.Equal("shipment.handed-to-carrier", outcome.Error?.Rule);
        Assert.Equal(8, (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).OnHand);
        Assert.Empty((await paid.App.OrderAsync(paid.Order.OrderId)).RefundClaims);
    }

    // ---- returns: tracking, scan, inspection, restock ---------------------------------------------------------

    private static async Task<string> ReturnShippedAsync(Paid paid, string tracking, int teaUnits = 1)
    {
        var request = new RequestRefund(Id("r-"), paid.Order.OrderId, paid.Order.StoreId, "c-1", RefundKind.ReturnAndRefund, [new RefundLine(paid.Tea, teaUnits, 50m * teaUnits)], "too big", null, T0.AddDays(3));
        var at = T0.AddDays(3);
        Assert.Null((await paid.App.Commands.ExecuteAsync(request, Ctx(at))).Error);
        Assert.Null((await paid.App.Commands.ExecuteAsync(new ApproveRefund(request.RefundId, "agent-7", null, null, at), Ctx(at))).Error);
        Assert.Null((await paid.App.Commands.ExecuteAsync(new RecordReturnShipped(request.RefundId, "YTO", tracking, at), Ctx(at))).Error);
        return request.RefundId;
    }

    /// <summary>A return of one tea shipped back and scanned at the warehouse desk.</summary>
    private static async Task<string> ReturnReceivedAsync(Paid paid, int teaUnits = 1)
    {
        await ShipAsync(paid);
        var tracking = Id("YT");
        var refundId = await ReturnShippedAsync(paid, tracking, teaUnits);
        Assert.Null((await paid.App.Commands.ExecuteAsync(new ScanReturn(paid.Order.StoreId, tracking, T0.AddDays(5)), Ctx(T0.AddDays(5)))).Error);
        return refundId;
    }

    [SkippableFact]
    public async Task A_return_tracking_number_is_unique_in_the_store_and_a_second_use_appends_nothing()
    {
        var paid = await PaidAsync();
        await ShipAsync(paid);
        var tracking = Id("YT");
        await ReturnShippedAsync(paid, tracking);
        var second = new RequestRefund(Id("r-"), paid.Order.OrderId, paid.Order.StoreId, "c-1", RefundKind.ReturnAndRefund, [new RefundLine(paid.Mug, 1, 30m)], "broken", null, T0.AddDays(3));
        Assert.Null((await paid.App.Commands.ExecuteAsync(second, Ctx(T0.AddDays(3)))).Error);
        Assert.Null((await paid.App.Commands.ExecuteAsync(new ApproveRefund(second.RefundId, "agent-7", null, null, T0.AddDays(3)), Ctx(T0.AddDays(3)))).Error);

        var reused = await paid.App.Commands.ExecuteAsync(new RecordReturnShipped(second.RefundId, "YTO", " " + tracking.ToLowerInvariant(), T0.AddDays(3)), Ctx(T0.AddDays(3)));

        Assert.Equal("store.return-tracking-taken", reused.Error?.Rule);
        Assert.Equal(RefundStatus.Approved, (await RefundAsync(paid.App, second.RefundId)).Status);
    }

    [SkippableFact]
    public async Task A_scan_finds_the_refund_by_its_tracking_number_and_records_the_receipt()
    {
        var paid = await PaidAsync();
        await ShipAsync(paid);
        var tracking = Id("YT");
        var refundId = await ReturnShippedAsync(paid, tracking);

        var unknown = await paid.App.Commands.ExecuteAsync(new ScanReturn(paid.Order.StoreId, tracking + "X", T0.AddDays(5)), Ctx(T0.AddDays(5)));
        var scanned = await paid.App.Commands.ExecuteAsync(new ScanReturn(paid.Order.StoreId, tracking.ToLowerInvariant(), T0.AddDays(5)), Ctx(T0.AddDays(5)));

        Assert.Equal("store.return-tracking-unknown", unknown.Error?.Rule);
        Assert.Null(scanned.Error);
        Assert.Equal(tracking, Assert.Single(scanned.Events.OfType<RefundReturnReceived>()).TrackingNumber);
        Assert.Equal(RefundStatus.ReturnReceived, (await RefundAsync(paid.App, refundId)).Status);
    }

    [SkippableFact]
    public async Task A_return_that_passed_inspection_is_restocked_and_waits_for_an_agent_to_pay_by_default()
    {
        var paid = await PaidAsync();
        var refundId = await ReturnReceivedAsync(paid, teaUnits: 2);

        var inspected = await paid.App.Commands.ExecuteAsync(new InspectReturn(refundId, true, "qa-1", "as new", T0.AddDays(5)), Ctx(T0.AddDays(5)));

        Assert.Null(inspected.Error);
        var restocked = Assert.Single(inspected.Events.OfType<StockRestocked>());
        Assert.Equal((paid.Warehouse, paid.Tea, 2, RestockReason.ReturnPassedInspection), (restocked.WarehouseId, restocked.Sku, restocked.Quantity, restocked.Reason));
        Assert.Equal((10, 2), ((await paid.App.StockAsync(paid.Warehouse, paid.Tea)).OnHand, (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).Restocked));
        Assert.Equal(RefundStatus.ReturnInspected, (await RefundAsync(paid.App, refundId)).Status);
    }

    [SkippableFact]
    public async Task A_store_that_pays_passed_returns_by_rule_pays_at_the_inspection()
    {
        var paid = await PaidAsync();
        Assert.Null((await paid.App.Commands.ExecuteAsync(new SetReturnPolicy(paid.Order.StoreId, true, true, T0), Ctx(T0))).Error);
        var refundId = await ReturnReceivedAsync(paid);

        var inspected = await paid.App.Commands.ExecuteAsync(new InspectReturn(refundId, true, "qa-1", "as new", T0.AddDays(5)), Ctx(T0.AddDays(5)));

        Assert.Null(inspected.Error);
        Assert.Equal(RefundDecider.RulePaymentReference(refundId), Assert.Single(inspected.Events.OfType<RefundPaid>()).PaymentReference);
        Assert.Equal(9, (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).OnHand);
    }

    [SkippableFact]
    public async Task A_return_that_failed_inspection_is_not_restocked_nor_paid()
    {
        var paid = await PaidAsync();
        Assert.Null((await paid.App.Commands.ExecuteAsync(new SetReturnPolicy(paid.Order.StoreId, true, true, T0), Ctx(T0))).Error);
        var refundId = await ReturnReceivedAsync(paid);

        var inspected = await paid.App.Commands.ExecuteAsync(new InspectReturn(refundId, false, "qa-1", "worn", T0.AddDays(5)), Ctx(T0.AddDays(5)));

        Assert.Null(inspected.Error);
        Assert.Empty(inspected.Events.OfType<StockRestocked>());
        Assert.Empty(inspected.Events.OfType<RefundPaid>());
        Assert.Equal((8, 0), ((await paid.App.StockAsync(paid.Warehouse, paid.Tea)).OnHand, (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).Restocked));
        Assert.Equal("refund.inspection-failed", (await paid.App.Commands.ExecuteAsync(new PayRefund(refundId, "rp-1", T0.AddDays(5)), Ctx(T0.AddDays(5)))).Error?.Rule);
    }

    [SkippableFact]
    public async Task An_inspection_naming_a_warehouse_of_another_store_is_refused_and_appends_nothing()
    {
        var paid = await PaidAsync();
        var refundId = await ReturnReceivedAsync(paid);

        var inspected = await paid.App.Commands.ExecuteAsync(new InspectReturn(refundId, true, "qa-1", "ok", T0.AddDays(5)) { WarehouseId = Id("WH") }, Ctx(T0.AddDays(5)));

        Assert.Equal("refund.warehouse-not-of-store", inspected.Error?.Rule);
        Assert.Equal(RefundStatus.ReturnReceived, (await RefundAsync(paid.App, refundId)).Status);
    }

    // ---- the order's allocation on an amendment ---------------------------------------------------------------

    [SkippableFact]
    public async Task Units_taken_out_of_a_parcel_leave_the_order_allocation()
    {
        var paid = await PaidAsync();
        var shipmentId = await ShipAsync(paid, handOver: false);
        var at = T0.AddMinutes(10);

        Assert.Null((await paid.App.Commands.ExecuteAsync(new AmendShipment(shipmentId, [new ShipmentUnits(paid.Tea, 1)], "refund r-1", at), Ctx(at))).Error);

        var order = await paid.App.OrderAsync(paid.Order.OrderId);
        Assert.Equal(1, order.AllocatedUnits(paid.Tea, paid.Warehouse));
        Assert.Equal(1, order.AllocatedUnits(paid.Mug, paid.Warehouse));
        var shipment = (await paid.App.Handler.LoadAsync(ShipmentDecider.Decider, StreamIds.Shipment(shipmentId))).State;
        var units = (Order: order.Allocation.Sum(a => a.Quantity), Parcel: shipment.Lines.Sum(l => l.Quantity), Reserved: (await paid.App.StockAsync(paid.Warehouse, paid.Tea)).Reserved + (await paid.App.StockAsync(paid.Warehouse, paid.Mug)).Reserved);
        Assert.Equal((2, 2, 2), units);
    }
}
