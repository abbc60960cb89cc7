using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>
/// §5 first-contact resolution: resolved with no reopen and no new conversation from the same customer about the same
/// order within 7 days; final once the 7 days have passed, provisional before.
/// </summary>
public sealed class FirstContactResolutionSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly MetricWindow Today = MetricWindow.Day(Monday);

    [Fact]
    public async Task A_repeat_contact_about_the_same_order_on_day_6_breaks_first_contact_resolution_on_day_8_it_does_not()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var first = l.Conversation("CV-A", customerId: "C1");
        await first.OpenedWith("agent-1", At("10:00"), orderId: "O1");
        await first.Resolve(At("12:00"));
        var repeatDay6 = l.Conversation("CV-A2", customerId: "C1");
        await repeatDay6.Started(After(6, "12:00"), orderId: "O1");
        var other = l.Conversation("CV-B", customerId: "C2");
        await other.OpenedWith("agent-1", At("10:00"), orderId: "O2");
        await other.Resolve(At("12:00"));
        var repeatDay8 = l.Conversation("CV-B2", customerId: "C2");
        await repeatDay8.Started(After(8, "12:00"), orderId: "O2");

        var fcr = await (await l.ProjectAsync()).Service.GetFirstContactResolutionAsync("S1", null, Today, After(10, "00:00"));

        Assert.Equal((2L, 2L, 1L, 0.5), (fcr.Resolved, fcr.Final, fcr.FinalFirstContact, fcr.Rate!.Value));
        Assert.True(fcr.IsFinal);
    }

    [Fact]
    public async Task Before_the_7_days_pass_the_figure_is_provisional()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var first = l.Conversation("CV-A", customerId: "C1");
        await first.OpenedWith("agent-1", At("10:00"), orderId: "O1");
        await first.Resolve(At("12:00"));
        var repeat = l.Conversation("CV-A2", customerId: "C1");
        await repeat.Started(After(6, "12:00"), orderId: "O1");
        var other = l.Conversation("CV-B", customerId: "C2");
        await other.OpenedWith("agent-1", At("10:00"), orderId: "O2");
        await other.Resolve(At("12:00"));
        var queries = await l.ProjectAsync();

        var day3 = await queries.Service.GetFirstContactResolutionAsync("S1", null, Today, After(3, "00:00"));
        var day7 = await queries.Service.GetFirstContactResolutionAsync("S1", null, Today, After(7, "00:00"));
        var exactlySevenDays = await queries.Service.GetFirstContactResolutionAsync("S1", null, Today, After(7, "12:00"));

        Assert.Equal((2L, 0L, (double?)null, 2L, 1.0), (day3.Resolved, day3.Final, day3.Rate, day3.FirstContactSoFar, day3.ProvisionalRate!.Value));
        Assert.False(day3.IsFinal);
        Assert.Equal((0L, 1L, 0.5), (day7.Final, day7.FirstContactSoFar, day7.ProvisionalRate!.Value));
        Assert.Equal((2L, 1L, 0.5), (exactlySevenDays.Final, exactlySevenDays.FinalFirstContact, exactlySevenDays.Rate!.Value));
    }

    [Fact]
    public async Task A_reopen_within_7_days_breaks_it_a_reopen_after_does_not()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var soon = l.Conversation("CV-soon", customerId: "C1");
        await soon.OpenedWith("agent-1", At("10:00"));
        await soon.Resolve(At("12:00"));
        await soon.Reopen(After(2, "09:00"));
        await soon.Resolve(After(2, "10:00"));
        var much = l.Conversation("CV-later", customerId: "C2");
        await much.OpenedWith("agent-1", At("10:00"));
        await much.Resolve(At("12:00"));
        await much.Reopen(After(9, "09:00"));

        var fcr = await (await l.ProjectAsync()).Service.GetFirstContactResolutionAsync("S1", null, Today, After(20, "00:00"));

        Assert.Equal((2L, 1L, 0.5), (fcr.Final, fcr.FinalFirstContact, fcr.Rate!.Value));
    }

    [Fact]
    public async Task Only_a_new_conversation_from_the_same_customer_about_the_same_order_is_a_repeat_contact()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var resolved = l.Conversation("CV-1", customerId: "C1");
        await resolved.OpenedWith("agent-1", At("10:00"), orderId: "O1");
        await resolved.Resolve(At("12:00"));
        await l.Conversation("CV-other-order", customerId: "C1").Started(After(1, "10:00"), orderId: "O9");
        await l.Conversation("CV-other-customer", customerId: "C2").Started(After(1, "11:00"), orderId: "O1");
        await l.Conversation("CV-no-order", customerId: "C1").Started(After(1, "12:00"));

        var fcr = await (await l.ProjectAsync()).Service.GetFirstContactResolutionAsync("S1", null, Today, After(8, "00:00"));

        Assert.Equal((1L, 1L, 1.0), (fcr.Final, fcr.FinalFirstContact, fcr.Rate!.Value));
    }

    [Fact]
    public async Task A_conversation_about_the_same_order_started_before_the_resolution_is_not_a_repeat_contact()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var resolved = l.Conversation("CV-1", customerId: "C1");
        await resolved.OpenedWith("agent-1", At("10:00"), orderId: "O1");
        await l.Conversation("CV-parallel", customerId: "C1").Started(At("11:00"), orderId: "O1");
        await resolved.Resolve(At("12:00"));

        var fcr = await (await l.ProjectAsync()).Service.GetFirstContactResolutionAsync("S1", null, Today, After(8, "00:00"));

        Assert.Equal((1L, 1L, 1.0), (fcr.Final, fcr.FinalFirstContact, fcr.Rate!.Value));
    }

    [Fact]
    public async Task A_conversation_counts_once_on_the_day_of_its_first_resolution_for_the_agent_who_held_it()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV-1", customerId: "C1");
        await cv.OpenedWith("agent-1", At("10:00"));
        await cv.Resolve(At("12:00"));
        await cv.Reopen(After(1, "09:00"));
        await cv.Assign("agent-2", After(1, "09:01"));
        await cv.Resolve(After(1, "10:00"));
        var queries = await l.ProjectAsync();
        var now = After(20, "00:00");

        var monday = await queries.Service.GetFirstContactResolutionAsync("S1", null, Today, now);
        var tuesday = await queries.Service.GetFirstContactResolutionAsync("S1", null, MetricWindow.Day(Monday.AddDays(1)), now);
        var agent1 = await queries.Service.GetFirstContactResolutionAsync("S1", "agent-1", MetricWindow.Days(Monday, Monday.AddDays(1)), now);
        var agent2 = await queries.Service.GetFirstContactResolutionAsync("S1", "agent-2", MetricWindow.Days(Monday, Monday.AddDays(1)), now);

        Assert.Equal((1L, 0L), (monday.Final, monday.FinalFirstContact));
        Assert.Equal(0, tuesday.Resolved);
        Assert.Equal(1, agent1.Resolved);
        Assert.Equal(0, agent2.Resolved);
    }
}
