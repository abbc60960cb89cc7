using System.Collections.Immutable;
using OrderLedger.Domain.Roster;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class RosterSpecs
{
    private static readonly Spec<RosterCommand, RosterEvent, RosterState> Roster = new(RosterDecider.Decider);

    private static readonly ShiftStarted AnnOn = new("s-1", "ann", T0);

    // ---- StartShift / EndShift ---------------------------------------------------------------------------

    [Fact]
    public void An_agent_starts_their_own_shift() =>
        Roster.When(new StartShift("s-1", "ann", "ann", T0)).Then(AnnOn);

    [Fact]
    public void Nobody_starts_another_agents_shift() =>
        Roster.When(new StartShift("s-1", "ann", "bob", T0)).ThenError("roster.not-own-shift");

    [Fact]
    public void Starting_a_shift_that_runs_changes_nothing() =>
        Roster.Given(AnnOn).When(new StartShift("s-1", "ann", "ann", At(5))).ThenNothing();

    [Fact]
    public void A_shift_names_its_agent() =>
        Roster.When(new StartShift("s-1", " ", " ", T0)).ThenError("roster.agent-required");

    [Fact]
    public void An_agent_ends_their_own_shift() =>
        Roster.Given(AnnOn).When(new EndShift("s-1", "ann", "ann", false, At(60))).Then(new ShiftEnded("s-1", "ann", "ann", At(60)));

    [Fact]
    public void An_agent_cannot_end_another_agents_shift() =>
        Roster.Given(AnnOn).When(new EndShift("s-1", "ann", "bob", false, At(60))).ThenError("roster.not-own-shift");

    [Fact]
    public void A_supervisor_ends_anyones_shift() =>
        Roster.Given(AnnOn).When(new EndShift("s-1", "ann", "sue", true, At(60))).Then(new ShiftEnded("s-1", "ann", "sue", At(60)));

    [Fact]
    public void Ending_a_shift_that_is_not_running_changes_nothing() =>
        Roster.When(new EndShift("s-1", "ann", "ann", false, At(60))).ThenNothing();

    // ---- SetAgentCapacity / SetAgentRank -------------------------------------------------------------------

    [Fact]
    public void A_capacity_is_set_per_agent() =>
        Roster.When(new SetAgentCapacity("s-1", "ann", 3, T0)).Then(new AgentCapacitySet("s-1", "ann", 3, T0));

    [Fact]
    public void A_capacity_is_zero_to_one_hundred()
    {
        Roster.When(new SetAgentCapacity("s-1", "ann", -1, T0)).ThenError("roster.capacity-out-of-range");
        Roster.When(new SetAgentCapacity("s-1", "ann", RosterDecider.MaxCapacity + 1, T0)).ThenError("roster.capacity-out-of-range");
        Roster.When(new SetAgentCapacity("s-1", "ann", 0, T0)).Then(new AgentCapacitySet("s-1", "ann", 0, T0));
    }

    [Fact]
    public void The_same_capacity_again_changes_nothing() =>
        Roster.Given(new AgentCapacitySet("s-1", "ann", 3, T0)).When(new SetAgentCapacity("s-1", "ann", 3, At(1))).ThenNothing();

    [Fact]
    public void An_agent_starts_with_the_default_capacity_and_rank()
    {
        var ann = Roster.Given(AnnOn).State.Agent("ann");

        Assert.Equal((AgentRank.Agent, RosterDecider.DefaultCapacity, true), (ann.Rank, ann.Capacity, ann.OnShift));
    }

    [Fact]
    public void A_rank_is_set_per_agent() =>
        Roster.When(new SetAgentRank("s-1", "ann", AgentRank.Senior, T0)).Then(new AgentRankSet("s-1", "ann", AgentRank.Senior, T0));

    [Fact]
    public void The_same_rank_again_changes_nothing() =>
        Roster.Given(new AgentRankSet("s-1", "ann", AgentRank.Senior, T0)).When(new SetAgentRank("s-1", "ann", AgentRank.Senior, At(1))).ThenNothing();

    // ---- SetBuyerBinding / BindBuyer -------------------------------------------------------------------------

    private static readonly BuyerBindingSet BindingOn = new("s-1", true, T0);

    [Fact]
    public void A_store_turns_buyer_binding_on() =>
        Roster.When(new SetBuyerBinding("s-1", true, T0)).Then(BindingOn);

    [Fact]
    public void Buyer_binding_is_off_by_default_so_turning_it_off_changes_nothing() =>
        Roster.When(new SetBuyerBinding("s-1", false, T0)).ThenNothing();

    [Fact]
    public void A_buyer_is_bound_to_an_agent_after_an_order() =>
        Roster.Given(BindingOn).When(new BindBuyer("s-1", "c-1", "ann", "o-1", At(5))).Then(new BuyerBound("s-1", "c-1", "ann", "o-1", At(5)));

    [Fact]
    public void Buyers_are_bound_only_where_the_store_binds_them() =>
        Roster.When(new BindBuyer("s-1", "c-1", "ann", "o-1", At(5))).ThenError("roster.buyer-binding-off");

    [Fact]
    public void A_buyer_is_bound_once() =>
        Roster.Given(BindingOn, new BuyerBound("s-1", "c-1", "ann", "o-1", At(5))).When(new BindBuyer("s-1", "c-1", "bob", "o-2", At(9))).ThenNothing();

    [Fact]
    public void A_binding_names_the_buyer() =>
        Roster.Given(BindingOn).When(new BindBuyer("s-1", "", "ann", "o-1", At(5))).ThenError("roster.customer-required");
}

/// <summary>Who the assignment reactor gives a conversation or an escalation (<see cref="AssignmentPolicy"/>).</summary>
public class AssignmentPolicySpecs
{
    private static RosterState RosterOf(params RosterEvent[] events) => RosterDecider.Decider.Fold(events);

    private static ImmutableDictionary<string, AgentLoad> Loads(params AgentLoad[] loads) => loads.ToImmutableDictionary(l => l.AgentId);

    private static readonly RosterEvent[] AnnAndBobOn = [new ShiftStarted("s-1", "ann", T0), new ShiftStarted("s-1", "bob", T0)];

    [Fact]
    public void The_agent_on_shift_with_the_fewest_open_conversations_gets_it() =>
        Assert.Equal("bob", AssignmentPolicy.ChooseAgent(RosterOf(AnnAndBobOn), Loads(new AgentLoad("ann", 2, At(1)), new("bob", 1, At(2))), "c-1"));

    [Fact]
    public void Agents_off_shift_get_nothing() =>
        Assert.Equal("ann", AssignmentPolicy.ChooseAgent(
            RosterOf([.. AnnAndBobOn, new ShiftEnded("s-1", "bob", "bob", At(3))]), Loads(new AgentLoad("ann", 4, At(1))), "c-1"));

    [Fact]
    public void Ties_go_to_the_agent_longest_since_their_last_assignment_then_by_id()
    {
        Assert.Equal("bob", AssignmentPolicy.ChooseAgent(RosterOf(AnnAndBobOn), Loads(new AgentLoad("ann", 1, At(5)), new("bob", 1, At(2))), "c-1"));
        Assert.Equal("bob", AssignmentPolicy.ChooseAgent(RosterOf(AnnAndBobOn), Loads(new AgentLoad("ann", 0, At(5))), "c-1"));
        Assert.Equal("ann", AssignmentPolicy.ChooseAgent(RosterOf(AnnAndBobOn), Loads(), "c-1"));
    }

    [Fact]
    public void An_agent_at_capacity_gets_nothing_and_with_everyone_full_the_conversation_waits()
    {
        var roster = RosterOf([.. AnnAndBobOn, new AgentCapacitySet("s-1", "ann", 1, T0), new AgentCapacitySet("s-1", "bob", 2, T0)]);

        Assert.Equal("bob", AssignmentPolicy.ChooseAgent(roster, Loads(new AgentLoad("ann", 1, At(1)), new("bob", 1, At(2))), "c-1"));
        Assert.Null(AssignmentPolicy.ChooseAgent(roster, Loads(new AgentLoad("ann", 1, At(1)), new("bob", 2, At(2))), "c-1"));
    }

    [Fact]
    public void Nobody_on_shift_leaves_the_conversation_in_the_queue() =>
        Assert.Null(AssignmentPolicy.ChooseAgent(RosterOf(new AgentCapacitySet("s-1", "ann", 3, T0)), Loads(), "c-1"));

    [Fact]
    public void A_bound_buyer_goes_to_their_agent_on_shift_however_loaded_the_others_are()
    {
        var roster = RosterOf([.. AnnAndBobOn, new BuyerBindingSet("s-1", true, T0), new BuyerBound("s-1", "c-1", "ann", "o-1", T0)]);

        Assert.Equal("ann", AssignmentPolicy.ChooseAgent(roster, Loads(new AgentLoad("ann", 3, At(1)), new("bob", 0, null)), "c-1"));
        Assert.Equal("bob", AssignmentPolicy.ChooseAgent(roster, Loads(new AgentLoad("ann", 3, At(1)), new("bob", 0, null)), "c-2"));
    }

    [Fact]
    public void A_bound_buyer_waits_for_their_agent_at_capacity_and_goes_to_the_others_while_that_agent_is_off_shift()
    {
        var bound = RosterOf([.. AnnAndBobOn, new BuyerBindingSet("s-1", true, T0), new BuyerBound("s-1", "c-1", "ann", "o-1", T0), new AgentCapacitySet("s-1", "ann", 1, T0)]);

        Assert.Null(AssignmentPolicy.ChooseAgent(bound, Loads(new AgentLoad("ann", 1, At(1))), "c-1"));
        Assert.Equal("bob", AssignmentPolicy.ChooseAgent(
            RosterDecider.Evolve(bound, new ShiftEnded("s-1", "ann", "ann", At(2))), Loads(new AgentLoad("ann", 1, At(1))), "c-1"));
    }

    [Fact]
    public void An_escalation_gets_the_least_loaded_senior_and_supervisor_on_shift_whatever_their_capacity()
    {
        var roster = RosterOf(
            [.. AnnAndBobOn, new ShiftStarted("s-1", "cat", T0), new ShiftStarted("s-1", "sue", T0),
             new AgentRankSet("s-1", "ann", AgentRank.Senior, T0), new AgentRankSet("s-1", "cat", AgentRank.Senior, T0),
             new AgentRankSet("s-1", "sue", AgentRank.Supervisor, T0), new AgentCapacitySet("s-1", "cat", 0, T0)]);

        Assert.Equal(new EscalationTeam("cat", "sue"), AssignmentPolicy.ChooseEscalationTeam(roster, Loads(new AgentLoad("ann", 2, At(1)), new("sue", 9, At(1)))));
    }

    [Fact]
    public void Without_a_senior_or_a_supervisor_on_shift_the_escalation_waits()
    {
        var seniorOnly = RosterOf([.. AnnAndBobOn, new AgentRankSet("s-1", "ann", AgentRank.Senior, T0)]);

        Assert.Null(AssignmentPolicy.ChooseEscalationTeam(seniorOnly, Loads()));
        Assert.Null(AssignmentPolicy.ChooseEscalationTeam(
            RosterOf([new ShiftStarted("s-1", "sue", T0), new AgentRankSet("s-1", "sue", AgentRank.Supervisor, T0)]), Loads()));
    }
}
