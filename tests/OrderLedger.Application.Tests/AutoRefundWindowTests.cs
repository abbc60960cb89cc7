using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stores;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// The auto-refund window counts from placement (what a buyer means by "within 24 hours of ordering"), or from
/// payment when the store chose that; and an order placed without a payment due time waits the store's 30 minutes.
/// </summary>
public sealed class AutoRefundWindowTests(Ledger ledger) : IClassFixture<Ledger>
{
    private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    /// <summary>An order placed at T0 and paid 20 hours later, in a store with a 24-hour window counting from <paramref name="basis"/>.</summary>
    private async Task<(App App, PlaceOrder Order)> PaidLateAsync(AutoRefundBasis? basis)
    {
        var app = ledger.App();
        var warehouse = Id("WH");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        if (basis is not null)
        {
            Assert.Null((await app.Commands.ExecuteAsync(new SetAutoRefundWindow(storeId, 24, T0) { CountsFrom = basis }, Ctx(T0))).Error);
        }

        var tea = Id("TEA-");
        await app.ReceiveAsync(warehouse, tea, 10);
        var order = new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY", [new OrderLine(tea, 2, 50m)], Shanghai, T0.AddDays(1), T0);
        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);
        Assert.Null((await app.Commands.ExecuteAsync(new ConfirmPayment(order.OrderId, 100m, "CNY", "pay-1", T0.AddHours(20)), Ctx(T0.AddHours(20)))).Error);
        return (app, order);
    }

    private static RequestRefund RefundOnly(PlaceOrder order, DateTimeOffset at) =>
        new(Id("r-"), order.OrderId, order.StoreId, "c-1", RefundKind.RefundOnly, [new RefundLine(order.Lines[0].Sku, 0, 10m)], "changed my mind", null, at);

    [SkippableFact]
    public async Task By_default_the_window_counts_from_placement()
    {
        var (app, order) = await PaidLateAsync(basis: null);

        var inTime = await app.Commands.ExecuteAsync(RefundOnly(order, T0.AddHours(24)), Ctx(T0.AddHours(24)));
        var late = await app.Commands.ExecuteAsync(RefundOnly(order, T0.AddHours(25)), Ctx(T0.AddHours(25)));

        Assert.Contains(inTime.Events, e => e is RefundApproved { ByRule: true });
        Assert.DoesNotContain(late.Events, e => e is RefundApproved);
    }

    [SkippableFact]
    public async Task A_store_may_count_the_window_from_payment()
    {
        var (app, order) = await PaidLateAsync(AutoRefundBasis.Payment);

        var outcome = await app.Commands.ExecuteAsync(RefundOnly(order, T0.AddHours(44)), Ctx(T0.AddHours(44)));

        Assert.Contains(outcome.Events, e => e is RefundApproved { ByRule: true });
    }

    [SkippableFact]
    public async Task An_order_placed_without_a_payment_due_time_waits_the_stores_payment_window()
    {
        var app = ledger.App();
        var warehouse = Id("WH");
        var storeId = await app.StoreAsync((warehouse, "SH"));
        var tea = Id("TEA-");
        await app.ReceiveAsync(warehouse, tea, 10);
        var order = new PlaceOrder(Id("o-"), storeId, "c-1", "web", "CNY", [new OrderLine(tea, 1, 50m)], Shanghai, null, T0);

        Assert.Null((await app.Commands.ExecuteAsync(order, Ctx(T0))).Error);

        Assert.Equal(T0 + StoreState.DefaultPaymentWindow, (await app.OrderAsync(order.OrderId)).PaymentDueAt);
    }
}
