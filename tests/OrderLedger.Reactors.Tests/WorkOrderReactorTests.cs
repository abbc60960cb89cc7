using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>A work order without a first plan two hours after it was opened goes to the department's director, dated at the deadline.</summary>
public sealed class WorkOrderReactorTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Due = T0.AddHours(WorkOrderDecider.FirstPlanHours);

    private static async Task<string> OpenAsync(ReactorHost host, string store)
    {
        var (conversation, ticket) = (Id("cv-"), Id("t-"));
        await host.Do(new RegisterStore(store, "Jade Shop", "Asia/Shanghai", "CNY", T0.AddDays(-1)), T0.AddDays(-1));
        await host.Do(new SetDepartment(store, "logistics", "lee", "wang", T0.AddDays(-1)), T0.AddDays(-1));
        await host.Do(new StartConversation(conversation, store, "c-1", "email", null, false, [], T0), T0);
        await host.Do(new OpenWorkOrder(ticket, conversation, "logistics", "Parcel lost at the hub", "agent-1", T0), T0);
        return ticket;
    }

    [Fact]
    public async Task Without_a_first_plan_in_two_hours_it_goes_to_the_director_the_store_names_at_the_deadline()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var store = Id("s-");
        var ticket = await OpenAsync(host, store);
        await host.WaitForTimerDueAsync(TimerKinds.WorkOrderPlan, ticket, Due);
        await host.Do(new SetDepartment(store, "logistics", "lee", "zhao", T0.AddHours(1)), T0.AddHours(1));

        clock.Set(Due.AddTicks(-1));
        await host.Dispatcher.DispatchDueAsync();
        Assert.Empty(await host.DispatchedAsync(ticket));

        clock.Set(Due.AddMinutes(30));
        await host.EventuallyHasAsync($"ticket-{ticket}", "ticket-escalated");
        var escalated = (await host.EventsAsync($"ticket-{ticket}")).Single(e => e.Event is WorkOrderEscalated);
        Assert.Equal(new WorkOrderEscalated(ticket, "lee", "zhao", Due, Due), escalated.Event);
        Assert.Equal(Due, escalated.Metadata!.OccurredAt);
    }

    [Fact]
    public async Task A_first_plan_in_time_stops_the_escalation()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock);
        var ticket = await OpenAsync(host, Id("s-"));
        await host.WaitForTimerDueAsync(TimerKinds.WorkOrderPlan, ticket, Due);

        await host.Do(new SubmitWorkOrderPlan(ticket, "lee", "Call the hub at once", T0.AddMinutes(90)), T0.AddMinutes(90));
        await host.WaitForNoTimerAsync(TimerKinds.WorkOrderPlan, ticket);

        clock.Set(Due.AddHours(1));
        await host.Dispatcher.DispatchDueAsync();
        Assert.DoesNotContain("ticket-escalated", await host.TypesAsync($"ticket-{ticket}"));
    }
}
