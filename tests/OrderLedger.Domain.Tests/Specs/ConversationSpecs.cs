using OrderLedger.Domain.Conversations;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class ConversationSpecs
{
    private static readonly Spec<ConversationCommand, ConversationEvent, ConversationState> Conversation = new(ConversationDecider.Decider);

    private static StartConversation Start(bool bot = true, string? orderId = "o-1", params string[] unresolved) =>
        new StartConversation("cv-1", "s-1", "c-1", "wechat", orderId, bot, unresolved, T0);

    private static readonly ConversationStarted Started = new("cv-1", "s-1", "c-1", "wechat", "o-1", ConversationMode.Bot, T0);
    private static readonly CustomerMessageReceived Hello = new("cv-1", "m-1", "where is my parcel?", At(1));
    private static readonly ConversationHandedOff HandedOff = new("cv-1", "asked for a human", At(2));
    private static readonly AgentAssigned Assigned = new("cv-1", "agent-7", null, At(3));
    private static readonly ConversationResolved Resolved = new("cv-1", "agent-7", At(10));
    private static readonly NpsSurveySent SurveySent = new("cv-1", At(10).AddDays(7));

    // ---- StartConversation -------------------------------------------------------------------------------

    [Fact]
    public void A_conversation_starts_with_the_bot_on_a_bot_channel() =>
        Conversation.When(Start()).Then(Started);

    [Fact]
    public void On_a_channel_without_a_bot_it_starts_with_humans() =>
        Conversation.When(Start(bot: false)).Then(Started with { Mode = ConversationMode.Human });

    [Fact]
    public void A_second_unresolved_contact_about_the_same_order_is_escalated() =>
        Conversation.When(Start(true, "o-1", "cv-0"))
            .Then(Started, new ConversationEscalated("cv-1", ConversationDecider.RepeatContactReason, ["cv-0"], T0));

    [Fact]
    public void A_contact_about_no_order_is_not_escalated() =>
        Conversation.When(Start(true, null, "cv-0")).Then(Started with { OrderId = null });

    [Fact]
    public void A_second_unresolved_contact_about_no_order_within_seven_days_is_escalated() =>
        Conversation.When(Start(true, null) with { RecentUnresolvedWithoutOrder = ["cv-0"] })
            .Then(Started with { OrderId = null }, new ConversationEscalated("cv-1", ConversationDecider.RepeatContactReason, ["cv-0"], T0));

    [Fact]
    public void Starting_twice_changes_nothing() =>
        Conversation.Given(Started).When(Start()).ThenNothing();

    [Fact]
    public void A_conversation_names_its_channel() =>
        Conversation.When(Start() with { Channel = "" }).ThenError("conversation.channel-required");

    [Fact]
    public void Nothing_happens_in_a_conversation_never_started() =>
        Conversation.When(new ReceiveCustomerMessage("cv-1", "m-1", "hi", At(1))).ThenError("conversation.not-found");

    // ---- ReceiveCustomerMessage --------------------------------------------------------------------------

    [Fact]
    public void A_customer_message_is_recorded() =>
        Conversation.Given(Started).When(new ReceiveCustomerMessage("cv-1", "m-1", "where is my parcel?", At(1))).Then(Hello);

    [Fact]
    public void The_same_message_delivered_twice_is_recorded_once() =>
        Conversation.Given(Started, Hello).When(new ReceiveCustomerMessage("cv-1", "m-1", "where is my parcel?", At(1))).ThenNothing();

    [Fact]
    public void A_new_customer_message_reopens_a_resolved_conversation() =>
        Conversation.Given(Started, Hello, Resolved).When(new ReceiveCustomerMessage("cv-1", "m-9", "still not here", At(60)))
            .Then(new ConversationReopened("cv-1", At(60)), new CustomerMessageReceived("cv-1", "m-9", "still not here", At(60)));

    // ---- SendBotReply ------------------------------------------------------------------------------------

    [Fact]
    public void The_bot_replies_in_bot_mode() =>
        Conversation.Given(Started, Hello).When(new SendBotReply("cv-1", "b-1", "It ships today.", At(1)))
            .Then(new BotReplied("cv-1", "b-1", "It ships today.", At(1)));

    // A bot reply in human mode used to be refused (conversation.handed-off); DESIGN §5's worked example has a bot reply
    // while a human inquiry is open, so the bot's reply is recorded in any mode (it answers no inquiry).
    [Fact]
    public void The_bot_reply_is_recorded_after_the_hand_off() =>
        Conversation.Given(Started, Hello, HandedOff).When(new SendBotReply("cv-1", "b-1", "An agent will be with you.", At(3)))
            .Then(new BotReplied("cv-1", "b-1", "An agent will be with you.", At(3)));

    [Fact]
    public void A_bot_reply_leaves_a_human_conversation_in_human_mode_and_assigned()
    {
        var state = Conversation.Given(Started, Hello, HandedOff, Assigned, new BotReplied("cv-1", "b-1", "...", At(4))).State;
        Assert.Equal((ConversationMode.Human, "agent-7", ConversationStatus.Open), (state.Mode, state.AssignedAgent, state.Status));
    }

    [Fact]
    public void Nobody_replies_in_a_resolved_conversation() =>
        Conversation.Given(Started, Hello, Resolved).When(new SendBotReply("cv-1", "b-1", "...", At(11))).ThenError("conversation.resolved");

    // ---- HandOffToHuman ----------------------------------------------------------------------------------

    [Fact]
    public void The_bot_hands_off_to_a_human() =>
        Conversation.Given(Started, Hello).When(new HandOffToHuman("cv-1", "asked for a human", At(2))).Then(HandedOff);

    [Fact]
    public void Handing_off_twice_changes_nothing() =>
        Conversation.Given(Started, Hello, HandedOff).When(new HandOffToHuman("cv-1", "again", At(3))).ThenNothing();

    // ---- AssignAgent -------------------------------------------------------------------------------------

    [Fact]
    public void An_agent_is_assigned_after_the_hand_off() =>
        Conversation.Given(Started, Hello, HandedOff).When(new AssignAgent("cv-1", "agent-7", At(3))).Then(Assigned);

    [Fact]
    public void A_conversation_is_reassigned_to_another_agent() =>
        Conversation.Given(Started, Hello, HandedOff, Assigned).When(new AssignAgent("cv-1", "agent-8", At(4)))
            .Then(new AgentAssigned("cv-1", "agent-8", "agent-7", At(4)));

    [Fact]
    public void No_agent_is_assigned_while_the_bot_handles_it() =>
        Conversation.Given(Started, Hello).When(new AssignAgent("cv-1", "agent-7", At(3))).ThenError("conversation.not-handed-off");

    [Fact]
    public void Assigning_the_same_agent_changes_nothing() =>
        Conversation.Given(Started, Hello, HandedOff, Assigned).When(new AssignAgent("cv-1", "agent-7", At(4))).ThenNothing();

    // ---- SendAgentReply ----------------------------------------------------------------------------------

    [Fact]
    public void The_assigned_agent_replies() =>
        Conversation.Given(Started, Hello, HandedOff, Assigned).When(new SendAgentReply("cv-1", "agent-7", "a-1", "Let me check.", At(4)))
            .Then(new AgentReplied("cv-1", "agent-7", "a-1", "Let me check.", At(4)));

    [Fact]
    public void An_agent_reply_needs_an_assigned_agent() =>
        Conversation.Given(Started, Hello, HandedOff).When(new SendAgentReply("cv-1", "agent-7", "a-1", "Hi", At(4))).ThenError("conversation.agent-not-assigned");

    [Fact]
    public void Only_the_assigned_agent_replies() =>
        Conversation.Given(Started, Hello, HandedOff, Assigned).When(new SendAgentReply("cv-1", "agent-8", "a-1", "Hi", At(4)))
            .ThenError("conversation.assigned-to-another-agent");

    [Fact]
    public void The_same_reply_sent_twice_is_recorded_once() =>
        Conversation.Given(Started, Hello, HandedOff, Assigned, new AgentReplied("cv-1", "agent-7", "a-1", "Hi", At(4)))
            .When(new SendAgentReply("cv-1", "agent-7", "a-1", "Hi", At(4))).ThenNothing();

    // ---- EscalateConversation ----------------------------------------------------------------------------

    [Fact]
    public void A_conversation_is_escalated() =>
        Conversation.Given(Started, Hello).When(new EscalateConversation("cv-1", "angry customer", At(5)))
            .Then(new ConversationEscalated("cv-1", "angry customer", [], At(5)));

    [Fact]
    public void Escalating_twice_changes_nothing() =>
        Conversation.Given(Started, Hello, new ConversationEscalated("cv-1", "x", [], At(5))).When(new EscalateConversation("cv-1", "y", At(6))).ThenNothing();

    // ---- RecordEscalationDeadlineMissed (the escalation reactor, 48 hours after the escalation) ----------

    private static readonly ConversationEscalated Escalated = new("cv-1", ConversationDecider.RepeatContactReason, ["cv-0"], At(5));
    private static readonly DateTimeOffset Deadline = At(5).AddHours(ConversationDecider.EscalationResolutionHours);

    [Fact]
    public void An_escalation_still_unresolved_at_its_deadline_records_the_miss() =>
        Conversation.Given(Started, Hello, Escalated).When(new RecordEscalationDeadlineMissed("cv-1", Deadline))
            .Then(new EscalationDeadlineMissed("cv-1", At(5), Deadline, Deadline));

    [Fact]
    public void Before_the_deadline_nothing_is_missed_yet() =>
        Conversation.Given(Started, Hello, Escalated).When(new RecordEscalationDeadlineMissed("cv-1", Deadline.AddSeconds(-1)))
            .ThenError("conversation.deadline-not-reached");

    [Fact]
    public void A_conversation_resolved_in_time_misses_nothing() =>
        Conversation.Given(Started, Hello, Escalated, Resolved).When(new RecordEscalationDeadlineMissed("cv-1", Deadline)).ThenNothing();

    [Fact]
    public void A_miss_is_recorded_once_per_escalation() =>
        Conversation.Given(Started, Hello, Escalated, new EscalationDeadlineMissed("cv-1", At(5), Deadline, Deadline))
            .When(new RecordEscalationDeadlineMissed("cv-1", Deadline.AddHours(1))).ThenNothing();

    [Fact]
    public void A_conversation_never_escalated_has_no_deadline() =>
        Conversation.Given(Started, Hello).When(new RecordEscalationDeadlineMissed("cv-1", Deadline)).ThenError("conversation.not-escalated");

    [Fact]
    public void A_written_resolution_meets_the_deadline() =>
        Conversation.Given(Started, Hello, Escalated, Written).When(new RecordEscalationDeadlineMissed("cv-1", Deadline)).ThenNothing();

    // ---- WriteEscalationResolution (the senior agent's and supervisor's written answer, due within 48 hours) -----

    private static readonly WriteEscalationResolution Write =
        new WriteEscalationResolution("cv-1", "supervisor-1", "We re-send the vase by express", "20 CNY coupon", "Fragile items are packed in foam", At(30));

    private static readonly EscalationResolutionWritten Written =
        new("cv-1", "supervisor-1", "We re-send the vase by express", "20 CNY coupon", "Fragile items are packed in foam", At(5), Deadline, At(30));

    [Fact]
    public void An_escalation_gets_its_written_resolution_with_its_deadline() =>
        Conversation.Given(Started, Hello, Escalated).When(Write).Then(Written);

    [Fact]
    public void A_resolution_written_after_the_deadline_is_recorded_and_shows_it_was_late() =>
        Conversation.Given(Started, Hello, Escalated, new EscalationDeadlineMissed("cv-1", At(5), Deadline, Deadline))
            .When(Write with { OccurredAt = Deadline.AddHours(3) })
            .Then(Written with { OccurredAt = Deadline.AddHours(3) });

    [Fact]
    public void The_written_resolution_may_follow_the_chat_s_resolution() =>
        Conversation.Given(Started, Hello, Escalated, Resolved).When(Write).Then(Written);

    [Fact]
    public void No_compensation_is_recorded_as_none() =>
        Conversation.Given(Started, Hello, Escalated).When(Write with { Compensation = "  " }).Then(Written with { Compensation = null });

    [Fact]
    public void A_conversation_never_escalated_gets_no_written_resolution() =>
        Conversation.Given(Started, Hello).When(Write).ThenError("conversation.not-escalated");

    [Fact]
    public void One_written_resolution_per_escalation() =>
        Conversation.Given(Started, Hello, Escalated, Written).When(Write).ThenError("escalation.resolution-already-written");

    [Theory]
    [InlineData("", "foam")]
    [InlineData("re-send", " ")]
    public void A_written_resolution_says_what_was_decided_and_what_improves(string resolution, string improvement) =>
        Conversation.Given(Started, Hello, Escalated).When(Write with { Resolution = resolution, Improvement = improvement })
            .ThenError("escalation.resolution-incomplete");

    [Fact]
    public void A_new_escalation_after_a_reopen_owes_a_new_written_resolution() =>
        Conversation.Given(Started, Hello, Escalated, Written, Resolved, new ConversationReopened("cv-1", At(40)),
                new CustomerMessageReceived("cv-1", "m-2", "broken again", At(40)), new ConversationEscalated("cv-1", "complaint", [], At(41)))
            .When(Write with { OccurredAt = At(42) })
            .Then(Written with { EscalatedAt = At(41), DeadlineAt = At(41).AddHours(ConversationDecider.EscalationResolutionHours), OccurredAt = At(42) });

    // ---- ResolveConversation -----------------------------------------------------------------------------

    [Fact]
    public void A_conversation_is_resolved() =>
        Conversation.Given(Started, Hello, HandedOff, Assigned).When(new ResolveConversation("cv-1", "agent-7", At(10))).Then(Resolved);

    [Fact]
    public void Resolving_twice_changes_nothing() =>
        Conversation.Given(Started, Hello, Resolved).When(new ResolveConversation("cv-1", "agent-7", At(11))).ThenNothing();

    // ---- RateSatisfaction --------------------------------------------------------------------------------

    [Fact]
    public void The_customer_rates_a_resolved_conversation() =>
        Conversation.Given(Started, Hello, Resolved).When(new RateSatisfaction("cv-1", SatisfactionRating.Satisfied, At(11)))
            .Then(new SatisfactionRated("cv-1", SatisfactionRating.Satisfied, At(11)));

    [Fact]
    public void An_open_conversation_is_not_rated() =>
        Conversation.Given(Started, Hello).When(new RateSatisfaction("cv-1", SatisfactionRating.Satisfied, At(11))).ThenError("conversation.not-resolved");

    [Fact]
    public void A_resolution_is_rated_once() =>
        Conversation.Given(Started, Hello, Resolved, new SatisfactionRated("cv-1", SatisfactionRating.Neutral, At(11)))
            .When(new RateSatisfaction("cv-1", SatisfactionRating.Satisfied, At(12))).ThenError("conversation.already-rated");

    // ---- SendNpsSurvey / AnswerNps -----------------------------------------------------------------------

    [Fact]
    public void The_nps_survey_goes_out_after_resolution() =>
        Conversation.Given(Started, Hello, Resolved).When(new SendNpsSurvey("cv-1", At(10).AddDays(7))).Then(SurveySent);

    [Fact]
    public void The_survey_goes_out_once_per_conversation() =>
        Conversation.Given(Started, Hello, Resolved, SurveySent).When(new SendNpsSurvey("cv-1", At(10).AddDays(8))).ThenNothing();

    [Fact]
    public void No_survey_for_an_open_conversation() =>
        Conversation.Given(Started, Hello).When(new SendNpsSurvey("cv-1", At(10).AddDays(7))).ThenError("conversation.not-resolved");

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void The_customer_answers_with_a_score_from_0_to_10(int score) =>
        Conversation.Given(Started, Hello, Resolved, SurveySent).When(new AnswerNps("cv-1", score, At(10).AddDays(8)))
            .Then(new NpsAnswered("cv-1", score, At(10).AddDays(8)));

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Scores_outside_0_to_10_are_refused(int score) =>
        Conversation.Given(Started, Hello, Resolved, SurveySent).When(new AnswerNps("cv-1", score, At(10).AddDays(8))).ThenError("nps.score-out-of-range");

    [Fact]
    public void No_answer_without_a_survey() =>
        Conversation.Given(Started, Hello, Resolved).When(new AnswerNps("cv-1", 9, At(10).AddDays(8))).ThenError("nps.survey-not-sent");

    [Fact]
    public void A_survey_is_answered_once() =>
        Conversation.Given(Started, Hello, Resolved, SurveySent, new NpsAnswered("cv-1", 9, At(10).AddDays(8)))
            .When(new AnswerNps("cv-1", 3, At(10).AddDays(9))).ThenError("nps.already-answered");

    // ---- Priority: StartConversation's standing and urgency, SetConversationUrgency ---------------------------

    private static readonly VipRule SpendOrGold = new(10_000m, ["gold"]);

    [Theory]
    [InlineData(10_000, null)]
    [InlineData(0, "gold")]
    public void A_customer_the_stores_vip_rule_names_starts_as_vip(int paid, string? level) =>
        Conversation.When(Start() with { Standing = new CustomerStanding(paid, level, SpendOrGold) })
            .Then(Started, new ConversationPrioritySet("cv-1", ConversationPriority.Vip, CustomerTier.Vip, IssueUrgency.None, T0));

    [Fact]
    public void A_customer_below_the_amount_without_a_vip_level_is_normal_and_records_no_priority() =>
        Conversation.When(Start() with { Standing = new CustomerStanding(9_999.99m, "silver", SpendOrGold) }).Then(Started);

    [Fact]
    public void Without_a_vip_rule_nobody_is_vip() =>
        Conversation.When(Start() with { Standing = new CustomerStanding(1_000_000m, "gold", VipRule.None) }).Then(Started);

    [Fact]
    public void An_urgent_issue_starts_urgent() =>
        Conversation.When(Start() with { Urgency = IssueUrgency.ParcelDamaged })
            .Then(Started, new ConversationPrioritySet("cv-1", ConversationPriority.Urgent, CustomerTier.Regular, IssueUrgency.ParcelDamaged, T0));

    [Fact]
    public void A_vip_with_an_urgent_issue_is_vip() =>
        Conversation.When(Start() with { Standing = new CustomerStanding(0, "gold", SpendOrGold), Urgency = IssueUrgency.OrderOverdue })
            .Then(Started, new ConversationPrioritySet("cv-1", ConversationPriority.Vip, CustomerTier.Vip, IssueUrgency.OrderOverdue, T0));

    [Fact]
    public void The_priority_is_recorded_before_a_repeat_contacts_escalation() =>
        Conversation.When(Start(true, "o-1", "cv-0") with { Urgency = IssueUrgency.OrderOverdue })
            .Then(
                Started,
                new ConversationPrioritySet("cv-1", ConversationPriority.Urgent, CustomerTier.Regular, IssueUrgency.OrderOverdue, T0),
                new ConversationEscalated("cv-1", ConversationDecider.RepeatContactReason, ["cv-0"], T0));

    [Fact]
    public void Stating_an_urgency_makes_a_normal_conversation_urgent() =>
        Conversation.Given(Started, Hello).When(new SetConversationUrgency("cv-1", IssueUrgency.ParcelLost, At(2)))
            .Then(new ConversationPrioritySet("cv-1", ConversationPriority.Urgent, CustomerTier.Regular, IssueUrgency.ParcelLost, At(2)));

    [Fact]
    public void Clearing_the_urgency_makes_it_normal_again() =>
        Conversation.Given(Started, new ConversationPrioritySet("cv-1", ConversationPriority.Urgent, CustomerTier.Regular, IssueUrgency.WrongItem, T0))
            .When(new SetConversationUrgency("cv-1", IssueUrgency.None, At(2)))
            .Then(new ConversationPrioritySet("cv-1", ConversationPriority.Normal, CustomerTier.Regular, IssueUrgency.None, At(2)));

    [Fact]
    public void A_vip_stays_vip_whatever_the_urgency() =>
        Conversation.Given(Started, new ConversationPrioritySet("cv-1", ConversationPriority.Vip, CustomerTier.Vip, IssueUrgency.None, T0))
            .When(new SetConversationUrgency("cv-1", IssueUrgency.ParcelDamaged, At(2)))
            .Then(new ConversationPrioritySet("cv-1", ConversationPriority.Vip, CustomerTier.Vip, IssueUrgency.ParcelDamaged, At(2)));

    [Fact]
    public void The_same_urgency_again_changes_nothing() =>
        Conversation.Given(Started).When(new SetConversationUrgency("cv-1", IssueUrgency.None, At(2))).ThenNothing();

    [Fact]
    public void No_urgency_on_a_resolved_conversation() =>
        Conversation.Given(Started, Hello, Resolved).When(new SetConversationUrgency("cv-1", IssueUrgency.OrderOverdue, At(11))).ThenError("conversation.resolved");

    [Fact]
    public void No_urgency_on_a_conversation_never_started() =>
        Conversation.When(new SetConversationUrgency("cv-1", IssueUrgency.OrderOverdue, At(1))).ThenError("conversation.not-found");

    [Fact]
    public void The_queue_serves_vip_then_urgent_then_normal() =>
        Assert.True(ConversationPriorities.Rank(ConversationPriority.Vip) < ConversationPriorities.Rank(ConversationPriority.Urgent)
            && ConversationPriorities.Rank(ConversationPriority.Urgent) < ConversationPriorities.Rank(ConversationPriority.Normal));
}
