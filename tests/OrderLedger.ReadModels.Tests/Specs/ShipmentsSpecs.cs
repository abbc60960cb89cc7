using OrderLedger.Domain;
using OrderLedger.Domain.Shipments;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.ReadModels.Tests.Support.Samples;

namespace OrderLedger.ReadModels.Tests.Specs;

public sealed class ShipmentsSpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    private ShipmentQueries Shipments => new(database.DataSource);

    private static ShipmentCreated Created(string id, string orderId, double minutes, string storeId = "S1") =>
        new(id, orderId, storeId, "W1", [new ShipmentLine("TEA-01", 2, Tea.Barcode!), new ShipmentLine("MUG-01", 1, Mug.Barcode!)], Shanghai, At(minutes));

    private async Task Given(Func<Ledger, Task> given)
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await given(ledger);
        await Projector.BuildAndPublishAsync(database.DataSource, new ShipmentsProjection(), await ledger.ReadAsync());
    }

    [Fact]
    public async Task A_delivered_parcel_shows_each_step_and_its_latest_scan()
    {
        await Given(async l =>
        {
            var s = StreamIds.Shipment("SD");
            await l.AppendAsync(s, At(0), Created("SD", "OD", 0));
            await l.AppendAsync(s, At(10), new ShipmentPicked("SD", "picker", At(10)));
            await l.AppendAsync(s, At(20), new ShipmentPackedAndVerified("SD", [Tea.Barcode!, Tea.Barcode!, Mug.Barcode!], 1200, "packer", At(20)));
            await l.AppendAsync(s, At(30), new ShipmentHandedToCarrier("SD", "OD", "SF", "SF-D", At(30)));
            await l.AppendAsync(s, At(300), new ShipmentTrackingScanned("SD", "Hangzhou hub", "sorted", At(300)));
            await l.AppendAsync(s, At(600), new ShipmentTrackingScanned("SD", "Shanghai depot", "out for delivery", At(600)));
            await l.AppendAsync(s, At(700), new ShipmentDelivered("SD", "OD", At(700)));
        });

        var parcel = await Shipments.GetAsync("SD");

        Assert.NotNull(parcel);
        Assert.Equal(("delivered", "OD", "S1", 3, 1200), (parcel.Status, parcel.OrderId, parcel.StoreId, parcel.ItemCount, parcel.WeightGrams));
        Assert.Equal(("SF", "SF-D"), (parcel.Carrier, parcel.TrackingNumber));
        Assert.Equal(("Shanghai depot", "out for delivery", At(600)), (parcel.LastScanLocation, parcel.LastScanStatus, parcel.LastScanAt));
        Assert.Equal([At(0), At(10), At(20), At(30), At(700)], new[] { parcel.CreatedAt, parcel.PickedAt, parcel.PackedAt, parcel.HandedOverAt, parcel.DeliveredAt });
        Assert.Empty(parcel.OpenExceptions);
    }

    [Fact]
    public async Task A_delay_is_open_until_the_next_scan_and_an_address_error_until_the_parcel_arrives()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        var s = StreamIds.Shipment("SX");
        await ledger.AppendAsync(s, At(0), Created("SX", "OX", 0));
        await ledger.AppendAsync(s, At(1), new ShipmentPicked("SX", "picker", At(1)));
        await ledger.AppendAsync(s, At(2), new ShipmentPackedAndVerified("SX", [Tea.Barcode!, Tea.Barcode!, Mug.Barcode!], 1200, "packer", At(2)));
        await ledger.AppendAsync(s, At(3), new ShipmentHandedToCarrier("SX", "OX", "SF", "SF-X", At(3)));
        await ledger.AppendAsync(s, At(100), new ShipmentExceptionReported("SX", ShipmentExceptionKind.Delayed, "storm", At(100)));
        await ledger.AppendAsync(s, At(101), new ShipmentExceptionReported("SX", ShipmentExceptionKind.AddressError, "no such street", At(101)));
        var schema = await Projector.BuildAndPublishAsync(database.DataSource, new ShipmentsProjection(), await ledger.ReadAsync());
        var beforeScan = await Shipments.GetAsync("SX");

        await ledger.AppendAsync(s, At(200), new ShipmentTrackingScanned("SX", "Suzhou hub", "in transit", At(200)));
        await Projector.ApplyAsync(database.DataSource, new ShipmentsProjection(), schema, (await ledger.ReadAsync()).TakeLast(1));
        var afterScan = await Shipments.GetAsync("SX");

        await ledger.AppendAsync(s, At(300), new ShipmentDelivered("SX", "OX", At(300)));
        await Projector.ApplyAsync(database.DataSource, new ShipmentsProjection(), schema, (await ledger.ReadAsync()).TakeLast(1));
        var delivered = await Shipments.GetAsync("SX");

        Assert.NotNull(beforeScan);
        Assert.Equal(["delayed", "address_error"], beforeScan.OpenExceptions);
        Assert.Equal(("no such street", At(101), 2), (beforeScan.LastExceptionNote, beforeScan.LastExceptionAt, beforeScan.ExceptionCount));
        Assert.NotNull(afterScan);
        Assert.Equal(["address_error"], afterScan.OpenExceptions);
        Assert.NotNull(delivered);
        Assert.Empty(delivered.OpenExceptions);
        Assert.Equal(2, delivered.ExceptionCount);
    }

    [Fact]
    public async Task Damage_reported_after_delivery_stays_open_and_the_parcel_is_listed_with_open_exceptions()
    {
        await Given(async l =>
        {
            var s = StreamIds.Shipment("SG");
            await l.AppendAsync(s, At(0), Created("SG", "OG", 0));
            await l.AppendAsync(s, At(1), new ShipmentPicked("SG", "picker", At(1)));
            await l.AppendAsync(s, At(2), new ShipmentPackedAndVerified("SG", [Tea.Barcode!, Tea.Barcode!, Mug.Barcode!], 1200, "packer", At(2)));
            await l.AppendAsync(s, At(3), new ShipmentHandedToCarrier("SG", "OG", "SF", "SF-G", At(3)));
            await l.AppendAsync(s, At(4), new ShipmentExceptionReported("SG", ShipmentExceptionKind.Lost, "no scans", At(4)));
            await l.AppendAsync(s, At(5), new ShipmentDelivered("SG", "OG", At(5)));
            await l.AppendAsync(s, At(6), new ShipmentExceptionReported("SG", ShipmentExceptionKind.Damaged, "crushed box", At(6)));
        });

        var listed = await Shipments.ListWithOpenExceptionsAsync(["S1"]);

        var parcel = Assert.Single(listed, p => p.ShipmentId == "SG");
        Assert.Equal(["damaged"], parcel.OpenExceptions);
    }

    [Fact]
    public async Task A_parcel_with_the_carrier_and_no_scan_for_longer_than_the_limit_is_stuck()
    {
        await Given(async l =>
        {
            foreach (var id in new[] { "S-quiet", "S-moving", "S-done", "S-other-store" })
            {
                var s = StreamIds.Shipment(id);
                await l.AppendAsync(s, At(0), Created(id, "O-" + id, 0, id == "S-other-store" ? "S2" : "S1"));
                await l.AppendAsync(s, At(1), new ShipmentPicked(id, "picker", At(1)));
                await l.AppendAsync(s, At(2), new ShipmentPackedAndVerified(id, [Tea.Barcode!, Tea.Barcode!, Mug.Barcode!], 1200, "packer", At(2)));
                await l.AppendAsync(s, At(60), new ShipmentHandedToCarrier(id, "O-" + id, "SF", "SF-" + id, At(60)));
            }

            await l.AppendAsync(StreamIds.Shipment("S-quiet"), At(120), new ShipmentTrackingScanned("S-quiet", "Hub", "sorted", At(120)));
            await l.AppendAsync(StreamIds.Shipment("S-moving"), At(60 * 47), new ShipmentTrackingScanned("S-moving", "Hub", "sorted", At(60 * 47)));
            await l.AppendAsync(StreamIds.Shipment("S-done"), At(180), new ShipmentDelivered("S-done", "O-S-done", At(180)));
        });

        var now = At(60 * 50);
        var stuck = await Shipments.ListStuckAsync(["S1"], now, TimeSpan.FromHours(24));

        var quiet = Assert.Single(stuck);
        Assert.Equal("S-quiet", quiet.Shipment.ShipmentId);
        Assert.Equal(now - At(120), quiet.SinceLastMovement);
    }

    [Fact]
    public async Task The_parcels_of_an_order_are_listed_by_creation()
    {
        await Given(async l =>
        {
            await l.AppendAsync(StreamIds.Shipment("SO2"), At(5), Created("SO2", "OO", 5));
            await l.AppendAsync(StreamIds.Shipment("SO1"), At(1), Created("SO1", "OO", 1));
            await l.AppendAsync(StreamIds.Shipment("SO1"), At(6), new ShipmentIntercepted("SO1", "OO", "address wrong", At(6)));
        });

        var parcels = await Shipments.ListForOrderAsync("OO");

        Assert.Equal([("SO1", "intercepted"), ("SO2", "created")], parcels.Select(p => (p.ShipmentId, p.Status)));
    }
}
