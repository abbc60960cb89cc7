using OrderLedger.Domain.Conversations;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>NPS survey seven days after resolution, once; the 48-hour resolution deadline of an escalation.</summary>
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
        Assert.Equal(0, await host.Dispatcher.DispatchDueAsync());

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
        await host.WaitForTimerAsync(TimerKinds.NpsSurvey, id);

        clock.Set(T0.AddDays(8));
        Assert.Equal(0, await host.Dispatcher.DispatchDueAsync());

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
        Assert.Equal(0, await host.Dispatcher.DispatchDueAsync());

        clock.Set(T0.AddHours(48));
        await host.EventuallyHasAsync($"conversation-{second}", "conversation-escalation-deadline-missed");
        Assert.DoesNotContain("conversation-escalation-deadline-missed", await host.TypesAsync($"conversation-{resolvedInTime}"));
        Assert.DoesNotContain("conversation-escalation-deadline-missed", await host.TypesAsync($"conversation-{first}"));
    }
}
