using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// Each live alert rule end to end (issue 17): the facts through the command handlers, the projections and the alerts
/// reactor as the API host runs them, the alert raised once when the condition holds and recovered when it stops.
/// The queue-wait rule and the webhook are in <see cref="AlertReactorTests"/>.
/// </summary>
public sealed class AlertRulePathTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly Dictionary<string, string?> EvaluateOften = new()
    {
        ["Alerts:EvaluateEvery"] = "00:00:00.2",
        ["Alerts:DeliverEvery"] = "00:00:00.2",
    };

    [Fact]
    public async Task Five_inquiries_answered_late_in_the_last_hour_raise_the_reply_rate_alert_and_it_recovers_when_they_leave_the_hour()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock, EvaluateOften);
        var store = Id("s");
        await host.Do(new RegisterStore(store, "Tea shop", "UTC", "CNY", T0.AddDays(-1)), T0.AddDays(-1));
        var conversations = Enumerable.Range(1, 5).Select(_ => Id("cv-")).ToList();
        foreach (var conversation in conversations)
        {
            await host.Do(new StartConversation(conversation, store, "c-" + conversation, "email", null, false, [], T0), T0);
            await host.Do(new ReceiveCustomerMessage(conversation, "m-1", "where is my tea?", T0), T0, Customer);
            await host.Do(new AssignAgent(conversation, "agent-1", T0.AddMinutes(1)), T0.AddMinutes(1));
        }

        await Task.Delay(800);                                  // a minute's wait is within the three minutes: nothing late yet
        Assert.DoesNotContain(await AlertsAsync(host, store), a => a.Rule == "reply-rate");

        foreach (var conversation in conversations)
        {
            await host.Do(new SendAgentReply(conversation, "agent-1", "m-2", "on its way", T0.AddMinutes(4)), T0.AddMinutes(4));
        }

        var raised = await RaisedAsync(host, store, "reply-rate");
        Assert.Equal((0.0, 0.8), (raised.Value, raised.Target));
        Assert.Contains("0 of 5 inquiries", raised.Summary, StringComparison.Ordinal);

        clock.Set(T0.AddMinutes(4).AddHours(1).AddSeconds(1));  // the late inquiries are older than an hour now
        await RecoveredAsync(host, store, "reply-rate");
    }

    [Fact]
    public async Task A_parcel_without_carrier_movement_for_48_hours_raises_the_stuck_parcels_alert_and_a_scan_recovers_it()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock, EvaluateOften);
        var (store, warehouse, sku) = await host.StoreWithStockAsync();
        var order = Order(store, sku);
        var parcel = Id("p-");
        await host.Do(order, T0);
        await host.Do(new ConfirmPayment(order.OrderId, 50m, "CNY", "pay-" + order.OrderId, T0.AddMinutes(5)), T0.AddMinutes(5));
        await host.Do(new CreateShipment(parcel, order.OrderId, store, warehouse, [new ShipmentLine(sku, 2, "BC-" + sku)], Shanghai, T0.AddHours(1)), T0.AddHours(1));
        await host.Do(new RecordPicked(parcel, "picker-1", T0.AddHours(2)), T0.AddHours(2));
        await host.Do(new PackAndVerify(parcel, ["BC-" + sku, "BC-" + sku], 500, "packer-1", T0.AddHours(2)), T0.AddHours(2));
        await host.Do(new HandOverToCarrier(parcel, "SF", "SF" + parcel, T0.AddHours(3)), T0.AddHours(3));

        clock.Set(T0.AddHours(3 + 47));
        await Task.Delay(800);                                  // 47 hours without movement: not stuck yet
        Assert.DoesNotContain(await AlertsAsync(host, store), a => a.Rule == "stuck-parcels");

        clock.Set(T0.AddHours(3 + 49));
        var raised = await RaisedAsync(host, store, "stuck-parcels");
        Assert.Equal((1.0, 0.0), (raised.Value, raised.Target));

        await host.Do(new RecordTrackingScan(parcel, "Hangzhou hub", "in transit", T0.AddHours(3 + 49)), T0.AddHours(3 + 49));
        await RecoveredAsync(host, store, "stuck-parcels");
    }

    [Fact]
    public async Task An_escalation_unresolved_past_its_48_hours_raises_the_deadline_alert_and_resolving_it_recovers_it()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock, EvaluateOften);
        var store = Id("s");
        await host.Do(new RegisterStore(store, "Tea shop", "UTC", "CNY", T0.AddDays(-1)), T0.AddDays(-1));
        var order = Id("o-");
        var (first, second) = (Id("cv-"), Id("cv-"));
        await host.Do(new StartConversation(first, store, "c-1", "email", order, false, [], T0), T0);
        await host.Do(new StartConversation(second, store, "c-1", "email", order, false, [first], T0.AddMinutes(10)), T0.AddMinutes(10));
        Assert.Contains("conversation-escalated", await host.TypesAsync($"conversation-{second}"));

        clock.Set(T0.AddMinutes(10).AddHours(47));
        await Task.Delay(800);
        Assert.DoesNotContain(await AlertsAsync(host, store), a => a.Rule == "escalation-deadline");

        clock.Set(T0.AddMinutes(10).AddHours(48));
        await host.EventuallyHasAsync($"conversation-{second}", "conversation-escalation-deadline-missed");
        var raised = await RaisedAsync(host, store, "escalation-deadline");
        Assert.Equal(1.0, raised.Value);

        await host.Do(new ResolveConversation(second, "supervisor-1", clock.GetUtcNow()), clock.GetUtcNow());
        await RecoveredAsync(host, store, "escalation-deadline");
    }

    private static async Task<IReadOnlyList<AlertRaised>> AlertsAsync(ReactorHost host, string store) =>
        [.. (await host.EventsAsync($"alerts-{store}")).Select(e => e.Event).OfType<AlertRaised>()];

    private static async Task<AlertRaised> RaisedAsync(ReactorHost host, string store, string rule)
    {
        await Eventually.Get(() => AlertsAsync(host, store), alerts => alerts.Any(a => a.Rule == rule), because: $"the {rule} alert is raised");
        return Assert.Single(await AlertsAsync(host, store), a => a.Rule == rule);
    }

    private static async Task RecoveredAsync(ReactorHost host, string store, string rule)
    {
        var recovered = await Eventually.Get(
            async () => (await host.EventsAsync($"alerts-{store}")).Select(e => e.Event).OfType<AlertRecovered>().ToList(),
            events => events.Any(e => e.Rule == rule),
            because: $"the {rule} alert recovers");
        Assert.Single(recovered, e => e.Rule == rule);
        Assert.Single(await AlertsAsync(host, store), a => a.Rule == rule); // raised once, never again
    }
}
