using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// The alerts reactor through the real store, projections and command handling: a conversation waiting past the store's
/// first-reply target raises one alert, the reply recovers it, and a loopback webhook gets each once after a failed try.
/// </summary>
public sealed class AlertReactorTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    /// <summary>The alerts evaluated every 200 ms on <paramref name="clock"/>, with a new UTC store registered the day before <c>T0</c>.</summary>
    private async Task<(ReactorHost Host, string Store)> StartWithStoreAsync(ManualClock clock, string name)
    {
        var store = Id("s");
        var host = await StartAsync(database, clock, new Dictionary<string, string?> { ["Alerts:EvaluateEvery"] = "00:00:00.2" });
        try
        {
            await host.Do(new RegisterStore(store, name, "UTC", "CNY", T0.AddDays(-1)), T0.AddDays(-1));
            return (host, store);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task A_wait_over_the_stores_target_raises_one_alert_the_reply_recovers_it_and_the_webhook_gets_each_once()
    {
        await using var receiver = new WebhookReceiver(failFirst: 1);
        var store = Id("s");
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock, new Dictionary<string, string?>
        {
            ["Alerts:EvaluateEvery"] = "00:00:00.2",
            ["Alerts:DeliverEvery"] = "00:00:00.1",
            [$"Alerts:Stores:{store}:Webhook:Url"] = receiver.SecretUrl,
        });
        await host.Do(new RegisterStore(store, "Tea shop", "UTC", "CNY", T0.AddDays(-1)), T0.AddDays(-1));
        await host.Do(new SetSlaTargets(store, new SlaTargets(120, 24, 7), T0.AddDays(-1)), T0.AddDays(-1));
        var conversation = Id("cv-");
        await host.Do(new StartConversation(conversation, store, "c-1", "email", null, false, [], T0), T0);
        await host.Do(new ReceiveCustomerMessage(conversation, "m-1", "where is my tea?", T0.AddMinutes(1)), T0.AddMinutes(1), Customer);

        clock.Set(T0.AddMinutes(1).AddSeconds(110));     // within the store's 120 s
        await Task.Delay(600);
        Assert.DoesNotContain("alert-raised", await host.TypesAsync($"alerts-{store}"));

        clock.Set(T0.AddMinutes(1).AddSeconds(121));
        await host.EventuallyHasAsync($"alerts-{store}", "alert-raised");
        var raised = (AlertRaised)(await host.EventsAsync($"alerts-{store}")).Single().Event;
        Assert.Equal(("queue-wait", AlertsDecider.StoreSubject, $"{store}/1"), (raised.Rule, raised.Subject, raised.AlertId));
        Assert.Contains("120 s", raised.Summary, StringComparison.Ordinal);

        await Eventually.Get(() => Task.FromResult(AcceptedAfterASecond(receiver, clock)), d => d.Contains($"{store}/1/raised"), because: "the webhook gets the alert");
        await host.Do(new AssignAgent(conversation, "agent-1", clock.Now), clock.Now);
        await host.Do(new SendAgentReply(conversation, "agent-1", "m-2", "on its way", clock.Now), clock.Now);
        await host.EventuallyHasAsync($"alerts-{store}", "alert-recovered");
        await Eventually.Get(() => Task.FromResult(AcceptedAfterASecond(receiver, clock)), d => d.Contains($"{store}/1/recovered"), because: "the webhook gets the recovery");

        await Task.Delay(800);                              // more passes: nothing raised or sent again
        Assert.Equal(["alert-raised", "alert-recovered"], await host.TypesAsync($"alerts-{store}"));
        Assert.Equal([$"{store}/1/raised", $"{store}/1/recovered"], receiver.Accepted("deliveryId"));
        Assert.Equal(500, receiver.Posts.First().Status);   // the first try failed and was retried
        var recovered = receiver.Posts.Last().Body;
        Assert.Equal("recovered", recovered.GetProperty("status").GetString());
        Assert.Equal(store, recovered.GetProperty("storeId").GetString());

        var listed = await host.Service<OrderLedger.Reactors.Alerts.AlertQueries>().ListAsync([store]);
        Assert.Empty(listed.Open);
        Assert.Equal($"{store}/1", Assert.Single(listed.Recent).AlertId);
    }

    [Fact]
    public async Task An_urgent_conversation_waiting_over_its_priority_s_target_raises_the_queue_alert_before_the_store_s_target()
    {
        var clock = new ManualClock(T0);
        var (host, store) = await StartWithStoreAsync(clock, "Tea shop");
        await using var _ = host;
        await host.Do(new SetSlaTargets(store, new SlaTargets(300, 24, 7), T0.AddDays(-1)), T0.AddDays(-1));
        await host.Do(new SetPrioritySlaTargets(store, ConversationPriority.Urgent, 60, 120, T0.AddDays(-1)), T0.AddDays(-1));
        var conversation = Id("cv-");
        await host.Do(new StartConversation(conversation, store, "c-1", "email", null, false, [], T0), T0);
        await host.Do(new ReceiveCustomerMessage(conversation, "m-1", "my parcel is lost", T0), T0, Customer);
        await host.Do(new SetConversationUrgency(conversation, IssueUrgency.ParcelLost, T0), T0);

        clock.Set(T0.AddSeconds(50));                    // within the urgent target of 60 s
        await Task.Delay(600);
        Assert.DoesNotContain("alert-raised", await host.TypesAsync($"alerts-{store}"));

        clock.Set(T0.AddSeconds(90));                    // over the urgent 60 s, well within the store's 300 s
        await host.EventuallyHasAsync($"alerts-{store}", "alert-raised");
        var raised = (AlertRaised)(await host.EventsAsync($"alerts-{store}")).Single().Event;
        Assert.Equal(("queue-wait", (double?)1), (raised.Rule, raised.Value));
        Assert.StartsWith("1 of 1 waiting conversations over their priority's first-reply target", raised.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_work_order_escalated_at_its_plan_deadline_raises_one_alert_and_its_plan_recovers_it()
    {
        var clock = new ManualClock(T0);
        var (host, store) = await StartWithStoreAsync(clock, "Jade shop");
        await using var _ = host;
        await host.Do(new SetDepartment(store, "logistics", "lee", "wang", T0.AddDays(-1)), T0.AddDays(-1));
        var (conversation, ticket) = (Id("cv-"), Id("t-"));
        await host.Do(new StartConversation(conversation, store, "c-1", "email", null, false, [], T0), T0);
        await host.Do(new OpenWorkOrder(ticket, conversation, "logistics", "Parcel lost at the hub", "agent-1", T0), T0);
        var deadline = T0.AddHours(WorkOrderDecider.FirstPlanHours);
        await host.WaitForTimerDueAsync(TimerKinds.WorkOrderPlan, ticket, deadline);

        clock.Set(deadline.AddMinutes(-1));
        await Task.Delay(600);
        Assert.Empty(await host.TypesAsync($"alerts-{store}"));

        clock.Set(deadline.AddMinutes(1));
        await host.EventuallyHasAsync($"ticket-{ticket}", "ticket-escalated");
        await host.EventuallyHasAsync($"alerts-{store}", "alert-raised");
        var raised = (AlertRaised)(await host.EventsAsync($"alerts-{store}")).Single().Event;
        Assert.Equal((AlertsDecider.WorkOrderEscalatedRule, ticket), (raised.Rule, raised.Subject));
        Assert.Contains(ticket, raised.Summary, StringComparison.Ordinal);

        await host.Do(new SubmitWorkOrderPlan(ticket, "wang", "Trace it with the carrier today", clock.Now), clock.Now);
        await host.EventuallyHasAsync($"alerts-{store}", "alert-recovered");
        var alerts = await host.EventsAsync($"alerts-{store}");
        var recovered = (AlertRecovered)alerts[^1].Event;
        Assert.Equal((raised.AlertId, AlertsDecider.WorkOrderEscalatedRule, ticket), (recovered.AlertId, recovered.Rule, recovered.Subject));

        await Task.Delay(800);                              // more passes: nothing raised again
        Assert.Equal(["alert-raised", "alert-recovered"], await host.TypesAsync($"alerts-{store}"));
    }

    [Fact]
    public async Task Three_conversations_classified_as_complaints_within_the_hour_raise_a_complaint_spike_and_reclassifying_one_recovers_it()
    {
        var clock = new ManualClock(T0);
        var (host, store) = await StartWithStoreAsync(clock, "Tea shop");
        await using var _ = host;
        var conversations = new[] { Id("cv-"), Id("cv-"), Id("cv-") };
        foreach (var conversation in conversations)
        {
            // Bot-mode conversations: no inquiry, so no other rule is in play.
            await host.Do(new StartConversation(conversation, store, "c-1", "chat", null, true, [], T0), T0, Customer);
            await host.Do(new ClassifyConversation(conversation, ConversationCategory.Quality, true, ["broken"], T0.AddMinutes(1)), T0.AddMinutes(1));
        }

        clock.Set(T0.AddMinutes(2));
        await host.EventuallyHasAsync($"alerts-{store}", "alert-raised");
        var raised = (AlertRaised)(await host.EventsAsync($"alerts-{store}")).Single().Event;
        Assert.Equal(("complaint-spike", AlertsDecider.StoreSubject, (double?)3, (double?)3), (raised.Rule, raised.Subject, raised.Value, raised.Target));

        await host.Do(new ClassifyConversation(conversations[0], ConversationCategory.Quality, false, ["broken"], clock.Now), clock.Now);
        await host.EventuallyHasAsync($"alerts-{store}", "alert-recovered");
        Assert.Equal(["alert-raised", "alert-recovered"], await host.TypesAsync($"alerts-{store}"));
    }

    /// <summary>Retries wait on the reactors' clock: each look moves it on a second.</summary>
    private static IReadOnlyList<string> AcceptedAfterASecond(WebhookReceiver receiver, ManualClock clock)
    {
        clock.Advance(TimeSpan.FromSeconds(1));
        return receiver.Accepted("deliveryId");
    }
}
