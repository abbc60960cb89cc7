using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stores;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// Issue 13 item 5: the client chooses business time, so the command handler bounds it — not beyond the server's
/// clock plus the skew, not before the stream's last event — and a refused time appends nothing.
/// </summary>
public class BusinessTimeTests(Ledger ledger) : IClassFixture<Ledger>
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    private async Task<(App App, PlaceOrder Order)> PlacedAsync(ManualClock clock)
    {
        var app = ledger.App(clock: clock);
        var warehouse = Id("WH");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        var tea = Id("TEA-");
        await app.ReceiveAsync(warehouse, tea, 10);
        var order = new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY", [new OrderLine(tea, 1, 50m, "grocery", "BC-" + tea)], Shanghai, T0.AddMinutes(30), T0);
        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);
        return (app, order);
    }

    [Fact]
    public async Task A_payment_timeout_dated_a_year_ahead_of_the_clock_is_refused_and_the_order_stays_open()
    {
        var clock = new ManualClock(T0.AddMinutes(1));
        var (app, order) = await PlacedAsync(clock);
        var before = await ledger.ReadAsync(StreamIds.Order(order.OrderId));

        var outcome = await app.Commands.ExecuteAsync(new TimeOutPayment(order.OrderId, T0.AddYears(1)), Ctx(T0.AddYears(1)));

        Assert.Equal(BusinessTime.InTheFutureRule, outcome.Error?.Rule);
        Assert.Equal(BusinessTime.Field, outcome.Error?.Field);
        Assert.Equal(before.Count, (await ledger.ReadAsync(StreamIds.Order(order.OrderId))).Count);
        Assert.Equal(OrderStatus.AwaitingPayment, (await app.OrderAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task A_payment_timeout_fires_only_once_its_due_time_has_passed_on_the_clock()
    {
        var clock = new ManualClock(T0.AddMinutes(10));
        var (app, order) = await PlacedAsync(clock);
        var due = order.PaymentDueAt!.Value;

        // Dated at the due time while the clock is 20 minutes short of it: beyond the 5-minute skew.
        Assert.Equal(BusinessTime.InTheFutureRule, (await app.Commands.ExecuteAsync(new TimeOutPayment(order.OrderId, due), Ctx(due))).Error?.Rule);

        clock.Set(due.AddMinutes(1));
        Assert.Equal("order.payment-not-due", (await app.Commands.ExecuteAsync(new TimeOutPayment(order.OrderId, due.AddTicks(-1)), Ctx(due))).Error?.Rule);
        Assert.Null((await app.Commands.ExecuteAsync(new TimeOutPayment(order.OrderId, due), Ctx(due))).Error);
        Assert.Equal(OrderStatus.Cancelled, (await app.OrderAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task The_skew_is_an_option()
    {
        var clock = new ManualClock(T0);
        var app = ledger.App(clock: clock, options: new CommandHandlerOptions { MaxFutureSkew = TimeSpan.Zero });
        var storeId = Id("s");

        var outcome = await app.Commands.ExecuteAsync(new RegisterStore(storeId, "Tea House", "Asia/Shanghai", "CNY", T0.AddSeconds(1)), Ctx(T0));

        Assert.Equal(BusinessTime.InTheFutureRule, outcome.Error?.Rule);
        Assert.Empty(await ledger.ReadAsync(StreamIds.Store(storeId)));
    }

    [Fact]
    public async Task An_agent_reply_dated_before_the_customer_message_is_refused_and_appends_nothing()
    {
        var app = ledger.App();
        var conversation = Id("cv-");
        var asked = T0.AddHours(1);
        foreach (var command in new ConversationCommand[]
        {
            new StartConversation(conversation, Id("s"), "c-1", "chat", null, false, [], asked.AddMinutes(-1)),
            new AssignAgent(conversation, "agent-7", asked.AddMinutes(-1)),
            new ReceiveCustomerMessage(conversation, "m-1", "where is my parcel?", asked),
        })
        {
            Assert.Null((await app.Commands.ExecuteAsync(command, Ctx(command.OccurredAt))).Error);
        }

        var outcome = await app.Commands.ExecuteAsync(new SendAgentReply(conversation, "agent-7", "m-2", "on its way", asked.AddSeconds(-30)), Ctx(asked));

        Assert.Equal(BusinessTime.BeforeLastEventRule, outcome.Error?.Rule);
        Assert.Equal(3, (await ledger.ReadAsync(StreamIds.Conversation(conversation))).Count);
    }

    [Fact]
    public async Task An_import_of_history_may_date_facts_years_back_in_order()
    {
        var app = ledger.App();
        var conversation = Id("cv-");
        var longAgo = T0.AddYears(-3);

        Assert.Null((await app.Commands.ExecuteAsync(new StartConversation(conversation, Id("s"), "c-1", "chat", null, false, [], longAgo), Ctx(longAgo))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(new ReceiveCustomerMessage(conversation, "m-1", "hello", longAgo), Ctx(longAgo))).Error);
        Assert.Equal(
            BusinessTime.BeforeLastEventRule,
            (await app.Commands.ExecuteAsync(new ReceiveCustomerMessage(conversation, "m-2", "hello again", longAgo.AddDays(-1)), Ctx(longAgo))).Error?.Rule);
    }

    [Fact]
    public async Task Shared_streams_take_facts_in_any_business_time_order()
    {
        var app = ledger.App();
        var (warehouse, sku) = (Id("WH"), Id("SKU-"));

        Assert.Null((await app.Commands.ExecuteAsync(new Domain.Stock.ReceiveStock(warehouse, sku, 5, T0), Ctx(T0))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(new Domain.Stock.ReceiveStock(warehouse, sku, 5, T0.AddHours(-1)), Ctx(T0))).Error);
    }

    [Fact]
    public async Task A_refund_dated_before_the_orders_payment_is_refused_before_anything_is_claimed()
    {
        var clock = new ManualClock(T0.AddHours(1));
        var (app, order) = await PlacedAsync(clock);
        Assert.Null((await app.Commands.ExecuteAsync(new ConfirmPayment(order.OrderId, 50m, "CNY", "pay-1", T0.AddMinutes(5)), Ctx(T0))).Error);
        var before = (await ledger.ReadAsync(StreamIds.Order(order.OrderId))).Count;
        var request = new RequestRefund(Id("r-"), order.OrderId, order.StoreId, "c-1", RefundKind.RefundOnly, [new RefundLine(order.Lines[0].Sku, 1, 50m)], "late", null, T0.AddMinutes(4));

        var outcome = await app.Commands.ExecuteAsync(request, Ctx(T0));

        Assert.Equal(BusinessTime.BeforeLastEventRule, outcome.Error?.Rule);
        Assert.Equal(before, (await ledger.ReadAsync(StreamIds.Order(order.OrderId))).Count);
        Assert.Empty(await ledger.ReadAsync(StreamIds.Refund(request.RefundId)));
    }
}
