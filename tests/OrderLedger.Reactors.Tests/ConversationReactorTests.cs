using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// NPS survey seven days after resolution, once; the 48-hour resolution deadline of an escalation and its written
/// resolution; the bot hand-off after the store's threshold.
/// </summary>
public sealed class ConversationReactorTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static StartConversation Start(string id, string? orderId = null, params string[] unresolved) =>
        new(id, "s-1", "c-1", "email", orderId, false, unresolved, T0);

    [Fact]
    public async Task The_nps_survey_goes_out_seven_days_after_resolution_once()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var id = Id("cv-");
        await host.Do(Start(id), T0);
        await host.Do(new ReceiveCustomerMessage(id, "m-1", "where is my parcel?", T0.AddMinutes(1)), T0.AddMinutes(1));
        await host.Do(new ResolveConversation(id, "agent-1", T0.AddMinutes(10)), T0.AddMinutes(10));
        await host.WaitForTimerAsync(TimerKinds.NpsSurvey, id);

        clock.Set(T0.AddMinutes(10).AddDays(7).AddSeconds(-1));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.DispatchedAsync(id)); // not yet due (timers of the class's other tests may be)

        clock.Set(T0.AddMinutes(10).AddDays(7));
        await host.EventuallyHasAsync($"conversation-{id}", "conversation-nps-survey-sent");
        clock.Advance(TimeSpan.FromDays(30));
        await Task.Delay(300);
        Assert.Single(await host.TypesAsync($"conversation-{id}"), t => t == "conversation-nps-survey-sent");
    }

    [Fact]
    public async Task A_survey_for_a_conversation_resolved_long_ago_is_dated_at_its_due_time_not_when_it_is_sent()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var id = Id("cv-");
        var resolvedAt = T0.AddDays(-60);
        await host.Do(Start(id) with { OccurredAt = resolvedAt.AddMinutes(-10) }, resolvedAt.AddMinutes(-10));
        await host.Do(new ResolveConversation(id, "agent-1", resolvedAt), resolvedAt);
        await host.WaitForTimerAsync(TimerKinds.NpsSurvey, id);

        await host.EventuallyHasAsync($"conversation-{id}", "conversation-nps-survey-sent");

        var survey = (await host.EventsAsync($"conversation-{id}")).Single(e => e.Event is NpsSurveySent);
        Assert.Equal(resolvedAt.AddDays(7), ((NpsSurveySent)survey.Event).OccurredAt);
        Assert.Equal(resolvedAt.AddDays(7), survey.Metadata!.OccurredAt);
    }

    [Fact]
    public async Task A_reopened_conversation_gets_its_survey_seven_days_after_the_final_resolution()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var id = Id("cv-");
        await host.Do(Start(id), T0);
        await host.Do(new ResolveConversation(id, "agent-1", T0.AddMinutes(10)), T0.AddMinutes(10));
        await host.Do(new ReceiveCustomerMessage(id, "m-2", "still broken", T0.AddDays(2)), T0.AddDays(2));
        await host.Do(new ResolveConversation(id, "agent-1", T0.AddDays(3)), T0.AddDays(3));
        // The first resolution's timer exists at once; wait until the projection has moved it to the final resolution's.
        await host.WaitForTimerDueAsync(TimerKinds.NpsSurvey, id, T0.AddDays(10));

        clock.Set(T0.AddDays(8));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.DispatchedAsync(id)); // not yet due (timers of the class's other tests may be)

        clock.Set(T0.AddDays(10));
        await host.EventuallyHasAsync($"conversation-{id}", "conversation-nps-survey-sent");
    }

    [Fact]
    public async Task Two_contacts_about_an_order_that_missed_each_other_get_the_later_one_escalated()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var order = Id("o-");
        var (first, second, aboutAnother) = (Id("cv-"), Id("cv-"), Id("cv-"));
        await host.Do(Start(first, order), T0);
        await host.Do(Start(second, order), T0);            // the caller's list was empty: both started at once
        await host.Do(Start(aboutAnother, Id("o-")), T0);

        await host.EventuallyHasAsync($"conversation-{second}", "conversation-escalated");
        await host.WaitForTimerAsync(TimerKinds.EscalationDeadline, second);

        Assert.DoesNotContain("conversation-escalated", await host.TypesAsync($"conversation-{first}"));
        Assert.DoesNotContain("conversation-escalated", await host.TypesAsync($"conversation-{aboutAnother}"));
    }

    [Fact]
    public async Task A_second_contact_about_an_order_escalates_and_a_missed_48_hour_deadline_is_recorded()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var order = Id("o-");
        var (first, second, resolvedInTime) = (Id("cv-"), Id("cv-"), Id("cv-"));
        await host.Do(Start(first, order), T0);
        await host.Do(Start(second, order, first), T0);
        await host.Do(Start(resolvedInTime, order, first), T0);
        Assert.Contains("conversation-escalated", await host.TypesAsync($"conversation-{second}"));
        await host.Do(new ResolveConversation(resolvedInTime, "agent-1", T0.AddHours(47)), T0.AddHours(47));
        await host.WaitForTimerAsync(TimerKinds.EscalationDeadline, second);

        clock.Set(T0.AddHours(48).AddSeconds(-1));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.DispatchedAsync(second)); // not yet due (timers of the class's other tests may be)

        clock.Set(T0.AddHours(48));
        await host.EventuallyHasAsync($"conversation-{second}", "conversation-escalation-deadline-missed");
        Assert.DoesNotContain("conversation-escalation-deadline-missed", await host.TypesAsync($"conversation-{resolvedInTime}"));
        Assert.DoesNotContain("conversation-escalation-deadline-missed", await host.TypesAsync($"conversation-{first}"));
    }

    [Fact]
    public async Task A_written_resolution_within_48_hours_meets_the_escalation_deadline()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var order = Id("o-");
        var (first, second) = (Id("cv-"), Id("cv-"));
        await host.Do(Start(first, order), T0);
        await host.Do(Start(second, order, first), T0);
        await host.WaitForTimerAsync(TimerKinds.EscalationDeadline, second);

        await host.Do(new WriteEscalationResolution(second, "supervisor-1", "Parcel re-sent by express", "20 CNY coupon", "Pack fragile items in foam", T0.AddHours(30)), T0.AddHours(30));
        await host.WaitForNoTimerAsync(TimerKinds.EscalationDeadline, second);

        clock.Set(T0.AddHours(49));
        await host.Dispatcher.DispatchDueAsync();
        Assert.DoesNotContain("conversation-escalation-deadline-missed", await host.TypesAsync($"conversation-{second}"));
    }

    [Fact]
    public async Task A_missed_deadline_fired_late_is_dated_at_the_deadline_not_when_the_dispatcher_ran()
    {
        var clock = new ManualClock(T0.AddDays(10));
        await using var host = await StartAsync(database, clock);
        var order = Id("o-");
        var (first, second) = (Id("cv-"), Id("cv-"));
        await host.Do(Start(first, order), T0);
        await host.Do(Start(second, order, first), T0);

        await host.EventuallyHasAsync($"conversation-{second}", "conversation-escalation-deadline-missed");

        var missed = (await host.EventsAsync($"conversation-{second}")).Single(e => e.Event is EscalationDeadlineMissed);
        Assert.Equal(T0.AddHours(48), ((EscalationDeadlineMissed)missed.Event).OccurredAt);
        Assert.Equal(T0.AddHours(48), missed.Metadata!.OccurredAt);
    }

    private static StartConversation BotStart(string id, string store) => new(id, store, "c-1", "wechat", null, true, [], T0);

    [Fact]
    public async Task A_customer_the_bot_leaves_without_a_useful_answer_is_handed_to_a_human_after_120_seconds()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var id = Id("cv-");
        await host.Do(BotStart(id, "s-1"), T0);
        await host.Do(new ReceiveCustomerMessage(id, "m-1", "my parcel is damaged", T0.AddSeconds(5)), T0.AddSeconds(5));
        await host.Do(new SendBotReply(id, "b-1", "Here are our return rules…", T0.AddSeconds(6)), T0.AddSeconds(6));
        await host.Do(new ReceiveCustomerMessage(id, "m-2", "that does not help", T0.AddSeconds(60)), T0.AddSeconds(60));
        await host.WaitForTimerAsync(TimerKinds.BotHandOff, id);

        clock.Set(T0.AddSeconds(124));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.DispatchedAsync(id)); // not yet due (timers of the class's other tests may be)

        clock.Set(T0.AddSeconds(125));
        await host.EventuallyHasAsync($"conversation-{id}", "conversation-handed-off");
        var handOff = (ConversationHandedOff)(await host.EventsAsync($"conversation-{id}")).Single(e => e.Event is ConversationHandedOff).Event;
        Assert.Equal(ConversationDecider.BotNoAnswerReason, handOff.Reason);
        Assert.Equal(T0.AddSeconds(125), handOff.OccurredAt);
    }

    [Fact]
    public async Task The_store_sets_its_own_threshold_and_a_conversation_settled_in_time_stays_with_the_bot()
    {
        // 200 days on: the survey this test's resolution schedules is never due in the other tests of the class.
        var t0 = T0.AddDays(200);
        var clock = new ManualClock(t0);
        await using var host = await StartAsync(database, clock);
        var store = Id("s-");
        await host.Do(new RegisterStore(store, "Jade shop", "Asia/Shanghai", "CNY", t0.AddDays(-1)), t0.AddDays(-1));
        await host.Do(new SetBotHandOff(store, 30, t0.AddDays(-1)), t0.AddDays(-1));
        var (slow, settled, human) = (Id("cv-"), Id("cv-"), Id("cv-"));
        foreach (var id in new[] { slow, settled })
        {
            await host.Do(BotStart(id, store) with { OccurredAt = t0 }, t0);
            await host.Do(new ReceiveCustomerMessage(id, "m-1", "is the bracelet real jade?", t0), t0);
        }

        await host.Do(new StartConversation(human, store, "c-1", "wechat", null, false, [], t0), t0);
        await host.Do(new ReceiveCustomerMessage(human, "m-1", "hello", t0), t0);
        await host.Do(new ResolveConversation(settled, ConversationDecider.ResolvedByBot, t0.AddSeconds(20)), t0.AddSeconds(20));
        await host.WaitForTimerAsync(TimerKinds.BotHandOff, slow);

        clock.Set(t0.AddSeconds(30));
        await host.EventuallyHasAsync($"conversation-{slow}", "conversation-handed-off");
        clock.Set(t0.AddMinutes(10));
        await host.Dispatcher.DispatchDueAsync();
        Assert.DoesNotContain("conversation-handed-off", await host.TypesAsync($"conversation-{settled}"));
        Assert.DoesNotContain("conversation-handed-off", await host.TypesAsync($"conversation-{human}"));
        Assert.False(await host.HasTimerAsync(TimerKinds.BotHandOff, human));
    }
}
