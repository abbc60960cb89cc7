using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using static OrderLedger.ReadModels.Tests.Support.Samples;

namespace OrderLedger.ReadModels.Tests.Support;

/// <summary>
/// A busy afternoon touching every core read model: two customers, three orders (one cancelled), parcels with
/// exceptions, refunds of both kinds (one auto-approved, one disputed), stock movements and conversations with
/// hand-offs, reopen and surveys. Streams interleave in the log, as they do in production.
/// </summary>
public static class Scenario
{
    public static async Task AppendAsync(Ledger l)
    {
        await l.AppendAsync(StreamIds.Store("S1"), At(-100),
            new StoreWarehousesSet("S1", [new WarehouseRegions("W1", ["SH"]), new WarehouseRegions("W2", ["JS"])], At(-100)));
        await l.AppendAsync(StreamIds.Stock("W1", "TEA-01"), At(-90), new StockReceived("W1", "TEA-01", 10, At(-90)));
        await l.AppendAsync(StreamIds.Stock("W1", "MUG-01"), At(-90), new StockReceived("W1", "MUG-01", 4, At(-90)));
        await l.AppendAsync(StreamIds.Stock("W2", "TEA-01"), At(-80), new StockReceived("W2", "TEA-01", 3, At(-80)));

        // Order A (customer C1): paid, shipped, delayed then scanned, delivered, completed, partly refunded automatically.
        await l.AppendAsync(StreamIds.Stock("W1", "TEA-01"), At(0), new StockReserved("W1", "TEA-01", "OA", 2, At(0)));
        await l.AppendAsync(StreamIds.Stock("W1", "MUG-01"), At(0), new StockReserved("W1", "MUG-01", "OA", 1, At(0)));
        await l.AppendAsync(StreamIds.Order("OA"), At(0), Placed("OA", "C1", At(0)),
            new OrderAllocated("OA", [new LineAllocation("TEA-01", "W1", 2), new LineAllocation("MUG-01", "W1", 1)], At(0)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(1), new ConversationStarted("CV1", "S1", "C1", "chat", "OA", ConversationMode.Bot, At(1)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(1.5), new CustomerMessageReceived("CV1", "m1", "Can I pay by card?", At(1.5)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(1.6), new BotReplied("CV1", "m2", "Yes, all major cards.", At(1.6)));
        await l.AppendAsync(StreamIds.Order("OA"), At(2), new OrderPaymentFailed("OA", "PAY-A0", "card-declined", At(2)));
        await l.AppendAsync(StreamIds.Order("OA"), At(4), new OrderPaymentConfirmed("OA", 130m, "CNY", "PAY-A1", At(4)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(5), new ConversationResolved("CV1", "bot", At(5)));
        await l.AppendAsync(StreamIds.Shipment("SA"), At(30),
            new ShipmentCreated("SA", "OA", "S1", "W1", [new ShipmentLine("TEA-01", 2, Tea.Barcode!), new ShipmentLine("MUG-01", 1, Mug.Barcode!)], Shanghai, At(30)));
        await l.AppendAsync(StreamIds.Shipment("SA"), At(40), new ShipmentPicked("SA", "picker-1", At(40)));
        await l.AppendAsync(StreamIds.Shipment("SA"), At(50),
            new ShipmentPackedAndVerified("SA", [Tea.Barcode!, Tea.Barcode!, Mug.Barcode!], 900, "packer-1", At(50)));
        await l.AppendAsync(StreamIds.Stock("W1", "TEA-01"), At(60), new StockReservationCommitted("W1", "TEA-01", "OA", 2, "SA", At(60)));
        await l.AppendAsync(StreamIds.Stock("W1", "MUG-01"), At(60), new StockReservationCommitted("W1", "MUG-01", "OA", 1, "SA", At(60)));
        await l.AppendAsync(StreamIds.Shipment("SA"), At(60), new ShipmentHandedToCarrier("SA", "OA", "SF", "SF-A", At(60)));
        await l.AppendAsync(StreamIds.Order("OA"), At(60), new OrderShipmentHandedOver("OA", "SA", "W1", At(60)));

        // Order B (customer C2): placed, then cancelled before payment; its stock released.
        await l.AppendAsync(StreamIds.Stock("W2", "TEA-01"), At(70), new StockReserved("W2", "TEA-01", "OB", 2, At(70)));
        await l.AppendAsync(StreamIds.Order("OB"), At(70), Placed("OB", "C2", At(70)) with { Lines = [Tea], Total = 100m });
        await l.AppendAsync(StreamIds.Order("OB"), At(80), new OrderCancelled("OB", "customer-request", false, At(80)));
        await l.AppendAsync(StreamIds.Stock("W2", "TEA-01"), At(80), new StockReservationReleased("W2", "TEA-01", "OB", 2, ReleaseReason.OrderCancelled, At(80)));

        await l.AppendAsync(StreamIds.Shipment("SA"), At(600), new ShipmentExceptionReported("SA", ShipmentExceptionKind.Delayed, "weather", At(600)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(601),
            new ConversationReopened("CV1", At(601)), new CustomerMessageReceived("CV1", "m3", "Where is my parcel?", At(601)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(602), new ConversationHandedOff("CV1", "asked-for-human", At(602)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(603), new AgentAssigned("CV1", "agent-7", null, At(603)));
        await l.AppendAsync(StreamIds.Shipment("SA"), At(604), new ShipmentTrackingScanned("SA", "Shanghai hub", "in transit", At(604)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(605), new AgentReplied("CV1", "agent-7", "m4", "It is moving again, arriving tomorrow.", At(605)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(606), new ConversationResolved("CV1", "agent-7", At(606)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(607), new SatisfactionRated("CV1", SatisfactionRating.Satisfied, At(607)));
        await l.AppendAsync(StreamIds.Shipment("SA"), At(1400), new ShipmentDelivered("SA", "OA", At(1400)));
        await l.AppendAsync(StreamIds.Shipment("SA"), At(1401), new ShipmentExceptionReported("SA", ShipmentExceptionKind.Damaged, "mug chipped", At(1401)));
        await l.AppendAsync(StreamIds.Order("OA"), At(1402), new OrderCompleted("OA", At(1402)));
        await l.AppendAsync(StreamIds.Order("OA"), At(1410), new OrderRefundClaimed("OA", "RA", [new RefundLine("MUG-01", 0, 10m)], 10m, At(1410)));
        await l.AppendAsync(StreamIds.Refund("RA"), At(1410),
            new RefundRequested("RA", "OA", "S1", "C1", RefundKind.RefundOnly, [new RefundLine("MUG-01", 0, 10m)], 10m, "chipped", At(1410)),
            new RefundApproved("RA", "OA", true, RefundDecider.AutoApprover, At(1410)));
        await l.AppendAsync(StreamIds.Refund("RA"), At(1420), new RefundPaid("RA", "OA", 10m, "RP-A", At(1420)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(11000), new NpsSurveySent("CV1", At(11000)));
        await l.AppendAsync(StreamIds.Conversation("CV1"), At(11100), new NpsAnswered("CV1", 9, At(11100)));

        // Order C (customer C2): paid, parcel lost in transit, return-and-refund approved by an agent, then disputed.
        await l.AppendAsync(StreamIds.Stock("W1", "TEA-01"), At(2000), new StockReserved("W1", "TEA-01", "OC", 2, At(2000)));
        await l.AppendAsync(StreamIds.Order("OC"), At(2000), Placed("OC", "C2", At(2000)) with { Lines = [Tea], Total = 100m });
        await l.AppendAsync(StreamIds.Order("OC"), At(2001), new OrderPaymentConfirmed("OC", 100m, "CNY", "PAY-C", At(2001)));
        await l.AppendAsync(StreamIds.Shipment("SC"), At(2010),
            new ShipmentCreated("SC", "OC", "S1", "W1", [new ShipmentLine("TEA-01", 2, Tea.Barcode!)], Shanghai, At(2010)));
        await l.AppendAsync(StreamIds.Shipment("SC"), At(2011), new ShipmentPicked("SC", "picker-2", At(2011)));
        await l.AppendAsync(StreamIds.Shipment("SC"), At(2012), new ShipmentPackedAndVerified("SC", [Tea.Barcode!, Tea.Barcode!], 600, "packer-2", At(2012)));
        await l.AppendAsync(StreamIds.Stock("W1", "TEA-01"), At(2013), new StockReservationCommitted("W1", "TEA-01", "OC", 2, "SC", At(2013)));
        await l.AppendAsync(StreamIds.Shipment("SC"), At(2013), new ShipmentHandedToCarrier("SC", "OC", "YTO", "YT-C", At(2013)));
        await l.AppendAsync(StreamIds.Conversation("CV2"), At(2100), new ConversationStarted("CV2", "S1", "C2", "email", "OC", ConversationMode.Human, At(2100)));
        await l.AppendAsync(StreamIds.Conversation("CV2"), At(2100), new CustomerMessageReceived("CV2", "e1", "My tea never arrived.", At(2100)));
        await l.AppendAsync(StreamIds.Shipment("SC"), At(2101), new ShipmentExceptionReported("SC", ShipmentExceptionKind.Lost, "no scan for 3 days", At(2101)));
        await l.AppendAsync(StreamIds.Shipment("SC"), At(2102), new ShipmentReturnedToSender("SC", "OC", "found damaged at depot", At(2102)));
        await l.AppendAsync(StreamIds.Order("OC"), At(2110), new OrderRefundClaimed("OC", "RC", [new RefundLine("TEA-01", 2, 100m)], 100m, At(2110)));
        await l.AppendAsync(StreamIds.Refund("RC"), At(2110),
            new RefundRequested("RC", "OC", "S1", "C2", RefundKind.ReturnAndRefund, [new RefundLine("TEA-01", 2, 100m)], 100m, "not received", At(2110)));
        await l.AppendAsync(StreamIds.Refund("RC"), At(2120),
            new RefundApproved("RC", "OC", false, "agent-9", At(2120)), new RefundReturnAddressAssigned("RC", ReturnsCenter, At(2120)));
        await l.AppendAsync(StreamIds.Refund("RC"), At(2130), new RefundDisputeOpened("RC", "OC", "C2", "slow", At(2130)));
        await l.AppendAsync(StreamIds.Refund("RC"), At(2140), new RefundDisputeJudged("RC", "OC", true, "platform", "merchant lost parcel", At(2140)));
        await l.AppendAsync(StreamIds.Stock("W1", "TEA-01"), At(2150), new StockAdjusted("W1", "TEA-01", -1, 5, "cycle count", At(2150)));
        await l.AppendAsync(StreamIds.Store("S1"), At(2160),
            new StoreWarehousesSet("S1", [new WarehouseRegions("W1", ["SH", "JS"])], At(2160)));
    }
}
