using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>Refunds against the order's ledger, auto-approval by store policy, the return leg; and a conversation.</summary>
public abstract class RefundSpecs(Ledger ledger)
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");
    private static readonly PostalAddress KitchenReturns = new("Kitchen returns", "5 Depot Rd", "Suzhou", "215000", "JS", "CN");
    private static readonly PostalAddress DefaultReturns = new("Returns", "1 Depot Rd", "Suzhou", "215000", "JS", "CN");

    private async Task<(App App, string Warehouse, string Tea, string Mug, PlaceOrder Order)> PaidAsync()
    {
        var app = ledger.App();
        var warehouse = Id("WH");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        await app.Commands.ExecuteAsync(new SetReturnAddress(storeId, ReturnAddressScope.Default, null, DefaultReturns, T0), Ctx(T0));
        await app.Commands.ExecuteAsync(new SetReturnAddress(storeId, ReturnAddressScope.Category, "kitchen", KitchenReturns, T0), Ctx(T0));
        var (tea, mug) = (Id("TEA-"), Id("MUG-"));
        await app.ReceiveAsync(warehouse, tea, 10);
        await app.ReceiveAsync(warehouse, mug, 10);
        var order = new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY",
            [new OrderLine(tea, 2, 50m, "grocery", "BC-" + tea), new OrderLine(mug, 1, 30m, "kitchen", "BC-" + mug)], Shanghai, T0.AddMinutes(30), T0);
        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(new ConfirmPayment(order.OrderId, 130m, "CNY", "pay-1", T0.AddMinutes(1)), Ctx(T0.AddMinutes(1)))).Error);
        return (app, warehouse, tea, mug, order);
    }

    private static RequestRefund Request(PlaceOrder order, RefundKind kind, DateTimeOffset at, params RefundLine[] lines) =>
        new(Id("r-"), order.OrderId, order.StoreId, "c-1", kind, lines, "not as described", null, at);

    [SkippableFact]
    public async Task A_refund_only_request_within_the_store_window_is_approved_automatically_and_paid()
    {
        var (app, _, tea, _, order) = await PaidAsync();
        var request = Request(order, RefundKind.RefundOnly, T0.AddHours(2), new RefundLine(tea, 1, 50m));

        var outcome = await app.Commands.ExecuteAsync(request, Ctx(T0.AddHours(2)));

        Assert.Null(outcome.Error);
        Assert.Contains(outcome.Events, e => e is RefundApproved { ByRule: true });
        Assert.Null((await app.Commands.ExecuteAsync(new PayRefund(request.RefundId, "rp-1", T0.AddHours(3)), Ctx(T0.AddHours(3)))).Error);
        Assert.Equal(50m, (await app.OrderAsync(order.OrderId)).RefundClaimedTotal);
    }

    [SkippableFact]
    public async Task A_request_after_the_window_waits_for_an_agent()
    {
        var (app, _, tea, _, order) = await PaidAsync();

        var outcome = await app.Commands.ExecuteAsync(Request(order, RefundKind.RefundOnly, T0.AddHours(26), new RefundLine(tea, 1, 50m)), Ctx(T0.AddHours(26)));

        Assert.Null(outcome.Error);
        Assert.DoesNotContain(outcome.Events, e => e is RefundApproved);
    }

    [SkippableFact]
    public async Task A_refund_above_what_was_paid_is_refused_and_records_nothing()
    {
        var (app, _, tea, _, order) = await PaidAsync();
        var request = Request(order, RefundKind.RefundOnly, T0.AddHours(2), new RefundLine(tea, 2, 100.01m));

        var outcome = await app.Commands.ExecuteAsync(request, Ctx(T0.AddHours(2)));

        Assert.Equal("refund.exceeds-paid", outcome.Error?.Rule);
        Assert.Empty(await ledger.ReadAsync(StreamIds.Refund(request.RefundId)));
    }

    [SkippableFact]
    public async Task Concurrent_refund_requests_never_add_up_to_more_than_was_paid()
    {
        var (app, _, tea, mug, order) = await PaidAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            app.Commands.ExecuteAsync(Request(order, RefundKind.RefundOnly, T0.AddHours(2), new RefundLine(tea, 2, 100m), new RefundLine(mug, 1, 30m)), Ctx(T0.AddHours(2)))));

        Assert.Single(outcomes, o => o.IsSuccess);
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("refund.exceeds-paid", o.Error?.Rule));
        Assert.Equal(130m, (await app.OrderAsync(order.OrderId)).RefundClaimedTotal);
    }

    [SkippableFact]
    public async Task A_refund_request_under_a_command_id_already_used_on_another_order_appends_nothing()
    {
        Skip.IfNot(ledger.Store.FindsEventsById, "The store keeps no index by event id (docs/eventstoredb.md).");
        var (app, _, tea, mug, first) = await PaidAsync();
        var second = first with { OrderId = Id("o-"), Lines = [new OrderLine(tea, 1, 50m, "grocery", "BC-" + tea), new OrderLine(mug, 1, 30m, "kitchen", "BC-" + mug)] };
        Assert.Null((await app.Commands.ExecuteAsync(second, Ctx(T0))).Error);
        var commandId = Id("cmd-");
        Assert.Null((await app.Commands.ExecuteAsync(new ConfirmPayment(second.OrderId, 80m, "CNY", "pay-2", T0.AddMinutes(1)), Ctx(T0.AddMinutes(1), commandId))).Error);
        var before = await ledger.ReadAsync(StreamIds.Order(first.OrderId));

        // The claim on the first order would be new; the refund's own events would meet the payment's ids on the second order.
        var reused = Request(first, RefundKind.RefundOnly, T0.AddHours(30), new RefundLine(mug, 1, 30m));
        var outcome = await app.Commands.ExecuteAsync(reused, Ctx(T0.AddHours(30), commandId));

        Assert.Equal(CommandHandler.CommandIdReusedRule, outcome.Error?.Rule);
        Assert.Empty(outcome.Events);
        Assert.Equal(before.Count, (await ledger.ReadAsync(StreamIds.Order(first.OrderId))).Count);
        Assert.Empty(await ledger.ReadAsync(StreamIds.Refund(reused.RefundId)));
    }

    [SkippableFact]
    public async Task A_rejected_refund_frees_its_amount_for_another_request()
    {
        var (app, _, _, mug, order) = await PaidAsync();
        var first = Request(order, RefundKind.RefundOnly, T0.AddHours(30), new RefundLine(mug, 1, 30m));
        await app.Commands.ExecuteAsync(first, Ctx(T0.AddHours(30)));

        Assert.Equal("refund.exceeds-paid", (await app.Commands.ExecuteAsync(Request(order, RefundKind.RefundOnly, T0.AddHours(31), new RefundLine(mug, 1, 30m)), Ctx(T0.AddHours(31)))).Error?.Rule);
        Assert.Null((await app.Commands.ExecuteAsync(new RejectRefund(first.RefundId, "agent-7", "no reason given", T0.AddHours(32)), Ctx(T0.AddHours(32)))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(Request(order, RefundKind.RefundOnly, T0.AddHours(33), new RefundLine(mug, 1, 30m)), Ctx(T0.AddHours(33)))).Error);
    }

    [SkippableFact]
    public async Task A_return_goes_to_the_category_address_is_received_by_scan_inspected_and_paid()
    {
        var (app, _, _, mug, order) = await PaidAsync();
        var request = Request(order, RefundKind.ReturnAndRefund, T0.AddDays(3), new RefundLine(mug, 1, 30m));
        var at = T0.AddDays(3);

        Assert.Null((await app.Commands.ExecuteAsync(request, Ctx(at))).Error);
        var approved = await app.Commands.ExecuteAsync(new ApproveRefund(request.RefundId, "agent-7", null, null, at), Ctx(at));
        Assert.Equal(KitchenReturns, Assert.Single(approved.Events.OfType<RefundReturnAddressAssigned>()).Address);
        Assert.Null((await app.Commands.ExecuteAsync(new RecordReturnShipped(request.RefundId, "YTO", "YT42", at), Ctx(at))).Error);
        Assert.Equal("refund.return-tracking-mismatch", (await app.Commands.ExecuteAsync(new ReceiveReturn(request.RefundId, "YT43", at), Ctx(at))).Error?.Rule);
        Assert.Null((await app.Commands.ExecuteAsync(new ReceiveReturn(request.RefundId, "YT42", at.AddDays(2)), Ctx(at.AddDays(2)))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(new InspectReturn(request.RefundId, true, "qa-1", "ok", at.AddDays(2)), Ctx(at.AddDays(2)))).Error);
        var paid = await app.Commands.ExecuteAsync(new PayRefund(request.RefundId, "rp-9", at.AddDays(2)), Ctx(at.AddDays(2)));

        Assert.Equal(30m, Assert.Single(paid.Events.OfType<RefundPaid>()).Amount);
    }

    [SkippableFact]
    public async Task After_the_hand_over_refunds_are_no_longer_approved_automatically()
    {
        var (app, warehouse, tea, mug, order) = await PaidAsync();
        var shipmentId = Id("sh-");
        foreach (ShipmentCommand step in new ShipmentCommand[]
        {
            new CreateShipment(shipmentId, order.OrderId, order.StoreId, warehouse, [new(tea, 2, "BC-" + tea), new(mug, 1, "BC-" + mug)], Shanghai, T0),
            new RecordPicked(shipmentId, "p", T0),
            new PackAndVerify(shipmentId, ["BC-" + tea, "BC-" + tea, "BC-" + mug], 700, "p", T0),
            new HandOverToCarrier(shipmentId, "SF", "SF9", T0.AddHours(1)),
        })
        {
            Assert.Null((await app.Commands.ExecuteAsync(step, Ctx(T0))).Error);
        }

        var outcome = await app.Commands.ExecuteAsync(Request(order, RefundKind.RefundOnly, T0.AddHours(2), new RefundLine(tea, 1, 50m)), Ctx(T0.AddHours(2)));

        Assert.Null(outcome.Error);
        Assert.DoesNotContain(outcome.Events, e => e is RefundApproved);
    }

    [SkippableFact]
    public async Task A_dispute_is_opened_and_judged()
    {
        var (app, _, tea, _, order) = await PaidAsync();
        var request = Request(order, RefundKind.RefundOnly, T0.AddDays(2), new RefundLine(tea, 1, 50m));
        await app.Commands.ExecuteAsync(request, Ctx(T0.AddDays(2)));
        await app.Commands.ExecuteAsync(new RejectRefund(request.RefundId, "agent-7", "used", T0.AddDays(2)), Ctx(T0.AddDays(2)));

        Assert.Null((await app.Commands.ExecuteAsync(new OpenDispute(request.RefundId, "c-1", "was broken", T0.AddDays(3)), Ctx(T0.AddDays(3)))).Error);
        var judged = await app.Commands.ExecuteAsync(new JudgeDispute(request.RefundId, true, "platform", "photos", T0.AddDays(4)), Ctx(T0.AddDays(4)));

        Assert.True(Assert.Single(judged.Events.OfType<RefundDisputeJudged>()).MerchantAtFault);
    }

    [SkippableFact]
    public async Task A_conversation_runs_from_bot_to_agent_to_nps()
    {
        var app = ledger.App();
        var id = Id("cv-");
        var at = T0;
        ConversationCommand[] script =
        [
            new StartConversation(id, "s-1", "c-1", "wechat", "o-1", true, [], at),
            new ReceiveCustomerMessage(id, "m-1", "where is my parcel?", at),
            new SendBotReply(id, "b-1", "It ships today.", at.AddSeconds(20)),
            new HandOffToHuman(id, "asked for a human", at.AddSeconds(40)),
            new AssignAgent(id, "agent-7", at.AddSeconds(50)),
            new SendAgentReply(id, "agent-7", "a-1", "Checking.", at.AddSeconds(170)),
            new ResolveConversation(id, "agent-7", at.AddMinutes(5)),
            new RateSatisfaction(id, SatisfactionRating.Satisfied, at.AddMinutes(6)),
            new SendNpsSurvey(id, at.AddDays(7)),
            new AnswerNps(id, 9, at.AddDays(8)),
        ];
        foreach (var command in script)
        {
            Assert.Null((await app.Commands.ExecuteAsync(command, Ctx(at))).Error);
        }

        Assert.Equal("conversation.resolved", (await app.Commands.ExecuteAsync(new SendAgentReply(id, "agent-7", "a-2", "Hi", at.AddDays(9)), Ctx(at))).Error?.Rule);
        Assert.Equal(10, (await ledger.ReadAsync(StreamIds.Conversation(id))).Count);
    }
}

/// <summary>On the embedded PostgreSQL store.</summary>
public sealed class RefundTests(Ledger ledger) : RefundSpecs(ledger), IClassFixture<Ledger>;

/// <summary>On EventStoreDB: the same specs, so a difference between the stores fails one of them.</summary>
public sealed class RefundOnEventStoreDbTests(EventStoreDbLedger ledger) : RefundSpecs(ledger), IClassFixture<EventStoreDbLedger>;
