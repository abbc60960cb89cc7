using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Roster;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// The assignment reactor on the real dispatcher path: new human conversations go to the least-loaded agent on shift under
/// capacity, wait in the queue when nobody has room, a bound buyer goes to their agent, an escalation gets its team.
/// </summary>
public sealed class AssignmentReactorTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static StartConversation HumanStart(string store, string id, string customer = "c-1", DateTimeOffset? at = null, params string[] unresolved) =>
        new(id, store, customer, "email", unresolved.Length > 0 ? "o-shared" : null, false, unresolved, at ?? T0);

    private static Actor Agent(string id) => new(ActorKind.Agent, id);

    private async Task<string?> AssigneeAsync(ReactorHost host, string conversationId) =>
        (await host.EventsAsync($"conversation-{conversationId}")).Select(e => e.Event).OfType<AgentAssigned>().LastOrDefault()?.AgentId;

    private Task<string?> EventuallyAssignedAsync(ReactorHost host, string conversationId) =>
        Eventually.Get(() => AssigneeAsync(host, conversationId), agent => agent is not null, because: $"{conversationId} should be assigned");

    private static async Task OnShiftAsync(ReactorHost host, string store, string agent, DateTimeOffset at, int? capacity = null, AgentRank? rank = null)
    {
        if (capacity is { } c)
        {
            await host.Do(new SetAgentCapacity(store, agent, c, at), at);
        }

        if (rank is { } r)
        {
            await host.Do(new SetAgentRank(store, agent, r, at), at);
        }

        await host.Do(new StartShift(store, agent, agent, at), at, Agent(agent));
    }

    [Fact]
    public async Task New_conversations_go_to_the_least_loaded_agent_wait_when_everyone_is_full_and_move_when_one_is_resolved()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartWithAssignmentAsync(database, clock);
        var store = Id("s");
        await OnShiftAsync(host, store, "ann", T0, capacity: 1);
        await OnShiftAsync(host, store, "bob", T0, capacity: 1);

        var (first, second, third) = (Id("cv-"), Id("cv-"), Id("cv-"));
        await host.Do(HumanStart(store, first, at: T0.AddMinutes(1)), T0.AddMinutes(1));
        Assert.Equal("ann", await EventuallyAssignedAsync(host, first)); // a tie of two never assigned: by id
        await host.Do(HumanStart(store, second, at: T0.AddMinutes(2)), T0.AddMinutes(2));
        Assert.Equal("bob", await EventuallyAssignedAsync(host, second));

        await host.Do(HumanStart(store, third, at: T0.AddMinutes(3)), T0.AddMinutes(3));
        await Task.Delay(600); // several passes: both agents are at capacity
        Assert.Null(await AssigneeAsync(host, third));

        await host.Do(new ResolveConversation(first, "ann", T0.AddMinutes(4)), T0.AddMinutes(4), Agent("ann"));
        Assert.Equal("ann", await EventuallyAssignedAsync(host, third));
        var assigned = (await host.EventsAsync($"conversation-{third}")).Single(e => e.Event is AgentAssigned);
        Assert.Equal(("reactor/assignment/route/" + third, T0.AddMinutes(4)), (assigned.Metadata!.CommandId, assigned.Metadata.OccurredAt));
    }

    [Fact]
    public async Task A_conversation_handed_off_while_nobody_is_on_shift_waits_for_the_first_agent_to_come_on_shift()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartWithAssignmentAsync(database, clock);
        var store = Id("s");
        var id = Id("cv-");
        await host.Do(new StartConversation(id, store, "c-1", "wechat", null, true, [], T0), T0, Customer);
        await host.Do(new HandOffToHuman(id, "asked for a human", T0.AddMinutes(1)), T0.AddMinutes(1));
        await Task.Delay(600);
        Assert.Null(await AssigneeAsync(host, id));

        await OnShiftAsync(host, store, "cat", T0.AddMinutes(5));

        Assert.Equal("cat", await EventuallyAssignedAsync(host, id));
    }

    [Fact]
    public async Task A_conversation_someone_claimed_is_not_taken_from_them_and_an_agent_off_shift_gets_nothing()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartWithAssignmentAsync(database, clock);
        var store = Id("s");
        await OnShiftAsync(host, store, "ann", T0);
        await host.Do(new EndShift(store, "ann", "ann", false, T0.AddMinutes(1)), T0.AddMinutes(1), Agent("ann"));
        var claimed = Id("cv-");
        await host.Do(HumanStart(store, claimed, at: T0.AddMinutes(2)), T0.AddMinutes(2));
        await host.Do(new AssignAgent(claimed, "dan", T0.AddMinutes(2)), T0.AddMinutes(2), Agent("dan"));
        await OnShiftAsync(host, store, "bob", T0.AddMinutes(2));
        var next = Id("cv-");
        await host.Do(HumanStart(store, next, at: T0.AddMinutes(3)), T0.AddMinutes(3));

        Assert.Equal("bob", await EventuallyAssignedAsync(host, next));
        Assert.Equal(["dan"], (await host.EventsAsync($"conversation-{claimed}")).Select(e => e.Event).OfType<AgentAssigned>().Select(a => a.AgentId));
    }

    [Fact]
    public async Task A_buyer_of_a_binding_store_is_bound_to_the_agent_who_served_them_and_their_next_conversation_goes_to_that_agent()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartWithAssignmentAsync(database, clock);
        var (store, _, sku) = await host.StoreWithStockAsync();
        await host.Do(new SetBuyerBinding(store, true, T0.AddMinutes(-5)), T0.AddMinutes(-5));
        await OnShiftAsync(host, store, "ann", T0.AddMinutes(-5));
        var first = Id("cv-");
        await host.Do(HumanStart(store, first, at: T0.AddMinutes(-4)), T0.AddMinutes(-4));
        Assert.Equal("ann", await EventuallyAssignedAsync(host, first));

        var order = Order(store, sku);
        await host.Do(order, T0);
        var bound = await Eventually.Get(
            async () => (await host.EventsAsync($"roster-{store}")).Select(e => e.Event).OfType<BuyerBound>().SingleOrDefault(),
            b => b is not null, because: "the buyer should be bound after the first order");
        Assert.Equal(("c-1", "ann", order.OrderId), (bound!.CustomerId, bound.AgentId, bound.OrderId));

        await OnShiftAsync(host, store, "bob", T0.AddMinutes(1));
        var other = Id("cv-");
        await host.Do(HumanStart(store, other, customer: "c-2", at: T0.AddMinutes(2)), T0.AddMinutes(2));
        Assert.Equal("bob", await EventuallyAssignedAsync(host, other)); // fewest open: bob has none, ann one
        var again = Id("cv-");
        await host.Do(HumanStart(store, again, at: T0.AddMinutes(3)), T0.AddMinutes(3));
        Assert.Equal("ann", await EventuallyAssignedAsync(host, again)); // equal loads, but the buyer is ann's
    }

    [Fact]
    public async Task An_escalated_conversation_gets_the_senior_and_the_supervisor_on_shift_dated_at_the_escalation()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartWithAssignmentAsync(database, clock);
        var store = Id("s");
        await OnShiftAsync(host, store, "ann", T0);
        await OnShiftAsync(host, store, "cat", T0, rank: AgentRank.Senior);
        var (earlier, repeat) = (Id("cv-"), Id("cv-"));
        await host.Do(HumanStart(store, earlier, at: T0.AddMinutes(1)) with { OrderId = "o-shared" }, T0.AddMinutes(1));
        await host.Do(HumanStart(store, repeat, at: T0.AddMinutes(2), unresolved: earlier), T0.AddMinutes(2));
        await host.EventuallyHasAsync($"conversation-{repeat}", "conversation-agent-assigned");
        await Task.Delay(600); // no supervisor on shift: the escalation waits
        Assert.DoesNotContain("conversation-escalation-team-assigned", await host.TypesAsync($"conversation-{repeat}"));

        await OnShiftAsync(host, store, "sue", T0.AddMinutes(5), rank: AgentRank.Supervisor);

        await host.EventuallyHasAsync($"conversation-{repeat}", "conversation-escalation-team-assigned");
        var team = (await host.EventsAsync($"conversation-{repeat}")).Select(e => e.Event).OfType<EscalationTeamAssigned>().Single();
        Assert.Equal(new EscalationTeamAssigned(repeat, "cat", "sue", T0.AddMinutes(2), T0.AddMinutes(5)), team);

        var (third, fourth) = (Id("cv-"), Id("cv-"));
        await host.Do(HumanStart(store, third, at: T0.AddMinutes(6)) with { OrderId = "o-other" }, T0.AddMinutes(6));
        await host.Do(HumanStart(store, fourth, at: T0.AddMinutes(7), unresolved: third) with { OrderId = "o-other" }, T0.AddMinutes(7));
        await host.EventuallyHasAsync($"conversation-{fourth}", "conversation-escalation-team-assigned");
        var atOnce = (await host.EventsAsync($"conversation-{fourth}")).Single(e => e.Event is EscalationTeamAssigned);
        Assert.Equal(T0.AddMinutes(7), ((EscalationTeamAssigned)atOnce.Event).OccurredAt);
        Assert.Equal(T0.AddMinutes(7), atOnce.Metadata!.OccurredAt);
    }
}
