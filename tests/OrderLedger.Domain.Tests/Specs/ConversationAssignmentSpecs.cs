using OrderLedger.Domain.Conversations;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

/// <summary>The assignment reactor's commands on a conversation: <see cref="RouteToAgent"/> and <see cref="AssignEscalationTeam"/>.</summary>
public class ConversationAssignmentSpecs
{
    private static readonly Spec<ConversationCommand, ConversationEvent, ConversationState> Conversation = new(ConversationDecider.Decider);

    private static readonly ConversationStarted Started = new("cv-1", "s-1", "c-1", "wechat", "o-1", ConversationMode.Bot, T0);
    private static readonly ConversationHandedOff HandedOff = new("cv-1", "asked for a human", At(2));
    private static readonly ConversationEscalated Escalated = new("cv-1", "angry customer", [], At(5));
    private static readonly EscalationTeamAssigned Team = new("cv-1", "cat", "sue", At(5), At(5));

    // ---- RouteToAgent -------------------------------------------------------------------------------------

    [Fact]
    public void A_queued_conversation_is_routed_to_the_chosen_agent() =>
        Conversation.Given(Started, HandedOff).When(new RouteToAgent("cv-1", "ann", At(3))).Then(new AgentAssigned("cv-1", "ann", null, At(3)));

    [Fact]
    public void A_conversation_started_with_humans_is_routed_without_a_hand_off() =>
        Conversation.Given(Started with { Mode = ConversationMode.Human }).When(new RouteToAgent("cv-1", "ann", At(3)))
            .Then(new AgentAssigned("cv-1", "ann", null, At(3)));

    [Fact]
    public void Routing_never_takes_a_conversation_from_the_agent_who_has_it() =>
        Conversation.Given(Started, HandedOff, new AgentAssigned("cv-1", "bob", null, At(3))).When(new RouteToAgent("cv-1", "ann", At(4))).ThenNothing();

    [Fact]
    public void A_bot_conversation_is_not_routed() =>
        Conversation.Given(Started).When(new RouteToAgent("cv-1", "ann", At(3))).ThenError("conversation.not-handed-off");

    [Fact]
    public void A_resolved_conversation_is_not_routed() =>
        Conversation.Given(Started, HandedOff, new ConversationResolved("cv-1", "customer", At(3))).When(new RouteToAgent("cv-1", "ann", At(4)))
            .ThenError("conversation.resolved");

    // ---- AssignEscalationTeam -----------------------------------------------------------------------------

    [Fact]
    public void An_escalation_gets_a_senior_agent_and_a_supervisor_dated_at_the_escalation() =>
        Conversation.Given(Started, HandedOff, Escalated).When(new AssignEscalationTeam("cv-1", "cat", "sue", At(5))).Then(Team);

    [Fact]
    public void Only_an_escalated_conversation_gets_a_team() =>
        Conversation.Given(Started, HandedOff).When(new AssignEscalationTeam("cv-1", "cat", "sue", At(5))).ThenError("conversation.not-escalated");

    [Fact]
    public void An_escalation_gets_one_team() =>
        Conversation.Given(Started, HandedOff, Escalated, Team).When(new AssignEscalationTeam("cv-1", "ann", "sue", At(6))).ThenNothing();

    [Fact]
    public void A_team_is_two_people()
    {
        Conversation.Given(Started, HandedOff, Escalated).When(new AssignEscalationTeam("cv-1", "sue", "sue", At(5))).ThenError("escalation.team-incomplete");
        Conversation.Given(Started, HandedOff, Escalated).When(new AssignEscalationTeam("cv-1", "", "sue", At(5))).ThenError("escalation.team-incomplete");
    }

    [Fact]
    public void A_resolved_escalation_still_gets_its_team_who_owe_the_written_resolution() =>
        Conversation.Given(Started, HandedOff, Escalated, new ConversationResolved("cv-1", "bob", At(6))).When(new AssignEscalationTeam("cv-1", "cat", "sue", At(7)))
            .Then(Team with { OccurredAt = At(7) });

    [Fact]
    public void After_a_reopen_and_a_new_escalation_the_new_escalation_gets_a_team_of_its_own() =>
        Conversation.Given(
                Started, HandedOff, Escalated, Team, new ConversationReopened("cv-1", At(20)), new ConversationEscalated("cv-1", "again", [], At(30)))
            .When(new AssignEscalationTeam("cv-1", "ann", "sue", At(30)))
            .Then(new EscalationTeamAssigned("cv-1", "ann", "sue", At(30), At(30)));

    [Fact]
    public void The_escalation_team_replies_beside_the_assigned_agent()
    {
        var assigned = new AgentAssigned("cv-1", "bob", null, At(3));

        Conversation.Given(Started, HandedOff, assigned, Escalated, Team).When(new SendAgentReply("cv-1", "sue", "m-9", "We will make this right.", At(6)))
            .Then(new AgentReplied("cv-1", "sue", "m-9", "We will make this right.", At(6)));
        Conversation.Given(Started, HandedOff, assigned, Escalated).When(new SendAgentReply("cv-1", "sue", "m-9", "x", At(6)))
            .ThenError("conversation.assigned-to-another-agent");
    }
}
