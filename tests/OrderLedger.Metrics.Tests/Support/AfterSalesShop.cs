using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Metrics.Tests.Support;

/// <summary>
/// Three paid orders of 2 tea (10 each) and 1 mug (30) through the command handlers, each parcel ending in an after-sale:
/// <see cref="Amended"/> has a tea taken out before the hand-over and is then delivered; <see cref="Intercepted"/> is
/// stopped in the warehouse; <see cref="Refused"/> is refused by the buyer, comes back to the warehouse, is restocked and
/// refunded by rule (50.00).
/// </summary>
public sealed record AfterSalesShop(string StoreId, string Warehouse, string Tea, string Mug, string Amended, string Intercepted, string Refused)
{
    public static string ParcelOf(string orderId) => "SH-" + orderId;

    /// <summary>Runs the three orders with <paramref name="run"/>, each command at the next time <paramref name="next"/> gives.</summary>
    public static async Task<AfterSalesShop> RunAsync(Func<IDomainCommand, Task<CommandOutcome>> run, Func<DateTimeOffset> next)
    {
        var storeId = "AS-" + Guid.NewGuid().ToString("N")[..6];
        var shop = new AfterSalesShop(storeId, "WH-" + storeId, "TEA-" + storeId, "MUG-" + storeId, "OA-" + storeId, "OI-" + storeId, "OR-" + storeId);
        var address = new PostalAddress("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");
        await run(new RegisterStore(storeId, "Tea House", "Asia/Shanghai", "CNY", next()));
        await run(new SetWarehouses(storeId, [new WarehouseRegions(shop.Warehouse, ["SH"])], next()));
        await run(new ReceiveStock(shop.Warehouse, shop.Tea, 20, next()));
        await run(new ReceiveStock(shop.Warehouse, shop.Mug, 20, next()));
        foreach (var orderId in new[] { shop.Amended, shop.Intercepted, shop.Refused })
        {
            var placedAt = next();
            await run(new PlaceOrder(orderId, storeId, "C-after", "web", "CNY",
                [new OrderLine(shop.Tea, 2, 10m, "grocery", "BC-T"), new OrderLine(shop.Mug, 1, 30m, "kitchen", "BC-M")], address, placedAt.AddHours(1), placedAt));
            await run(new ConfirmPayment(orderId, 50m, "CNY", "pay-" + orderId, next()));
            await run(new CreateShipment(ParcelOf(orderId), orderId, storeId, shop.Warehouse, [new ShipmentLine(shop.Tea, 2, "BC-T"), new ShipmentLine(shop.Mug, 1, "BC-M")], address, next()));
        }

        await run(new AmendShipment(ParcelOf(shop.Amended), [new ShipmentUnits(shop.Tea, 1)], "refund before shipping", next()));
        await HandOverAsync(run, next, ParcelOf(shop.Amended), ["BC-T", "BC-M"]);
        await run(new MarkDelivered(ParcelOf(shop.Amended), next()));

        await run(new InterceptShipment(ParcelOf(shop.Intercepted), "buyer changed their mind", next()));

        await HandOverAsync(run, next, ParcelOf(shop.Refused), ["BC-T", "BC-T", "BC-M"]);
        await run(new ReturnToSender(ParcelOf(shop.Refused), "buyer refused", next()));
        await run(new ReceiveReturnedShipment(ParcelOf(shop.Refused), next()));
        return shop;
    }

    private static async Task HandOverAsync(Func<IDomainCommand, Task<CommandOutcome>> run, Func<DateTimeOffset> next, string shipmentId, string[] barcodes)
    {
        await run(new RecordPicked(shipmentId, "picker", next()));
        await run(new PackAndVerify(shipmentId, barcodes, 800, "packer", next()));
        await run(new HandOverToCarrier(shipmentId, "SF Express", "TN-" + shipmentId, next()));
    }
}
