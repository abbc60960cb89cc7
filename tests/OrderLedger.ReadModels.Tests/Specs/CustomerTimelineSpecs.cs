using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.ReadModels.Tests.Support.Samples;

namespace OrderLedger.ReadModels.Tests.Specs;

public sealed class CustomerTimelineSpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    private CustomerTimelineQueries Timeline => new(database.DataSource);

    [Fact]
    public async Task Every_fact_about_a_customer_is_listed_newest_first_with_a_summary()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await Scenario.AppendAsync(ledger);
        await Projector.BuildAndPublishAsync(database.DataSource, new CustomerTimelineProjection(), await ledger.ReadAsync());

        var page = await Timeline.GetPageAsync(["S1"], "C1", pageSize: 500);

        Assert.Equal(
            [
                "Answered the NPS survey: 9/10",
                "NPS survey sent",
                "Refund RA of 10.00 paid",
                "Refund RA approved automatically",
                "Requested a refund only of 10.00 for order OA: chipped",
                "Order OA completed",
                "Parcel SA problem: damaged — mug chipped",
                "Parcel SA for order OA delivered",
                "Rated the service: satisfied",
                "Conversation resolved by agent-7",
                "Agent agent-7: It is moving again, arriving tomorrow.",
                "Parcel SA scanned at Shanghai hub: in transit",
                "Agent agent-7 assigned",
                "Handed off to a human agent (asked for human)",
                "Customer: Where is my parcel?",
                "Conversation reopened",
                "Parcel SA problem: delayed — weather",
                "Order OA shipped with SF, tracking SF-A",
                "Parcel SA for order OA packed and verified (900 g)",
                "Parcel SA for order OA picked",
                "Parcel SA for order OA is being prepared at warehouse W1",
                "Conversation resolved by bot",
                "Paid 130.00 CNY for order OA",
                "Payment for order OA failed: card-declined",
                "Bot: Yes, all major cards.",
                "Customer: Can I pay by card?",
                "Started a conversation on chat about order OA",
                "Placed order OA: 3 items, 130.00 CNY via web",
            ],
            page.Entries.Select(e => e.Summary));
        Assert.All(page.Entries, e => Assert.Equal(("S1", "C1"), (e.StoreId, e.CustomerId)));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Each_entry_links_to_its_source_event_and_names_the_order()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await ledger.AppendAsync(StreamIds.Order("OL"), At(0), Placed("OL", "CL", At(0)));
        await ledger.AppendAsync(StreamIds.Shipment("SL"), At(5),
            new ShipmentCreated("SL", "OL", "S1", "W1", [new ShipmentLine("TEA-01", 2, Tea.Barcode!)], Shanghai, At(5)));
        await ledger.AppendAsync(StreamIds.Shipment("SL"), At(6), new ShipmentPicked("SL", "picker", At(6)));
        var events = await ledger.ReadAsync();
        await Projector.BuildAndPublishAsync(database.DataSource, new CustomerTimelineProjection(), events);

        var newest = (await Timeline.GetPageAsync(["S1"], "CL")).Entries[0];

        Assert.Equal(("shipment-picked", "OL", "shipment-SL", 1L), (newest.Type, newest.OrderId, newest.StreamId, newest.StreamRevision));
        Assert.Equal(events[^1].Record.Position, newest.Position);
        Assert.Equal(At(6), newest.OccurredAt);
    }

    [Fact]
    public async Task Pages_are_keyset_paged_and_stay_stable_when_new_facts_arrive()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await ledger.AppendAsync(StreamIds.Conversation("CP"), At(0), new ConversationStarted("CP", "S1", "CPAGE", "chat", null, ConversationMode.Human, At(0)));
        for (var i = 1; i <= 24; i++)
        {
            // Two messages share each minute: ties on business time are broken by log position.
            await ledger.AppendAsync(StreamIds.Conversation("CP"), At((i + 1) / 2), new CustomerMessageReceived("CP", $"m{i}", $"message {i}", At((i + 1) / 2)));
        }

        var schema = await Projector.BuildAndPublishAsync(database.DataSource, new CustomerTimelineProjection(), await ledger.ReadAsync());

        var first = await Timeline.GetPageAsync(["S1"], "CPAGE", null, 10);
        await ledger.AppendAsync(StreamIds.Conversation("CP"), At(100), new CustomerMessageReceived("CP", "late", "message late", At(100)));
        await Projector.ApplyAsync(database.DataSource, new CustomerTimelineProjection(), schema, (await ledger.ReadAsync()).TakeLast(1));
        var second = await Timeline.GetPageAsync(["S1"], "CPAGE", first.NextCursor, 10);
        var third = await Timeline.GetPageAsync(["S1"], "CPAGE", second.NextCursor, 10);

        Assert.Equal([.. Enumerable.Range(15, 10).Reverse().Select(i => $"Customer: message {i}")], first.Entries.Select(e => e.Summary));
        Assert.Equal([.. Enumerable.Range(5, 10).Reverse().Select(i => $"Customer: message {i}")], second.Entries.Select(e => e.Summary));
        Assert.Equal(
            [.. Enumerable.Range(1, 4).Reverse().Select(i => $"Customer: message {i}"), "Started a conversation on chat"],
            third.Entries.Select(e => e.Summary));
        Assert.Null(third.NextCursor);
    }

    [Fact]
    public async Task A_customer_is_seen_only_in_the_stores_asked_for()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await ledger.AppendAsync(StreamIds.Order("OS1"), At(0), Placed("OS1", "CS", At(0), storeId: "S1"));
        await ledger.AppendAsync(StreamIds.Order("OS2"), At(1), Placed("OS2", "CS", At(1), storeId: "S2"));
        await Projector.BuildAndPublishAsync(database.DataSource, new CustomerTimelineProjection(), await ledger.ReadAsync());

        Assert.Equal(["order-OS2"], (await Timeline.GetPageAsync(["S2"], "CS")).Entries.Select(e => e.StreamId));
        Assert.Equal(2, (await Timeline.GetPageAsync(["S1", "S2"], "CS")).Entries.Count);
        Assert.Empty((await Timeline.GetPageAsync(["S3"], "CS")).Entries);
    }

    [Fact]
    public async Task A_rejected_order_and_a_payment_timeout_are_facts_about_the_customer_too()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await ledger.AppendAsync(StreamIds.Order("OR1"), At(0),
            new OrderRejected("OR1", "S1", "CR", RejectionReason.OutOfStock, [new LineFault("TEA-01", 2, 0, "out-of-stock")], At(0)));
        await ledger.AppendAsync(StreamIds.Order("OR2"), At(1), Placed("OR2", "CR", At(1)));
        await ledger.AppendAsync(StreamIds.Order("OR2"), At(40),
            new OrderPaymentTimedOut("OR2", At(31), At(40)), new OrderCancelled("OR2", "payment-timeout", false, At(40)));
        await Projector.BuildAndPublishAsync(database.DataSource, new CustomerTimelineProjection(), await ledger.ReadAsync());

        Assert.Equal(
            ["Order OR2 cancelled (payment timeout)", "Payment for order OR2 was not received in time", "Placed order OR2: 3 items, 130.00 CNY via web",
             "Order OR1 could not be placed: out of stock"],
            (await Timeline.GetPageAsync(["S1"], "CR")).Entries.Select(e => e.Summary));
    }

    [Fact]
    public async Task A_malformed_cursor_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Timeline.GetPageAsync(["S1"], "C1", "not-a-cursor"));
    }
}
