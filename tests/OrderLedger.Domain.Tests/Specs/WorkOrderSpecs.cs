using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.WorkOrders;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class WorkOrderSpecs
{
    private static readonly Spec<WorkOrderCommand, TicketEvent, WorkOrderState> WorkOrder = new(WorkOrderDecider.Decider);

    private static readonly DateTimeOffset Due = T0.AddHours(WorkOrderDecider.FirstPlanHours);

    private static readonly OpenWorkOrder Open =
        new OpenWorkOrder("t-1", "cv-1", "logistics", "Parcel lost at the Hangzhou hub; trace it", "agent-7", T0) { StoreId = "s-1", Staff = new("lee", "wang") };

    private static readonly WorkOrderOpened Opened =
        new("t-1", "s-1", "cv-1", "logistics", "Parcel lost at the Hangzhou hub; trace it", "agent-7", "lee", "wang", Due, T0);

    private static readonly WorkOrderPlanSubmitted Planned = new("t-1", "lee", "Call the hub, re-send if not found by 18:00", true, Due, true, At(30));
    private static readonly WorkOrderEscalated Escalated = new("t-1", "lee", "wang", Due, Due);
    private static readonly WorkOrderResolved Resolved = new("t-1", "lee", "Found and re-sent by express", T0, At(200));

    // ---- OpenWorkOrder -----------------------------------------------------------------------------------

    [Fact]
    public void A_work_order_is_assigned_to_the_department_owner_with_a_first_plan_due_in_two_hours() =>
        WorkOrder.When(Open).Then(Opened);

    [Fact]
    public void A_department_the_store_does_not_have_is_refused() =>
        WorkOrder.When(Open with { Staff = null }).ThenError("work-order.unknown-department");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_work_order_says_what_to_do(string summary) =>
        WorkOrder.When(Open with { Summary = summary }).ThenError("work-order.summary-invalid");

    [Fact]
    public void A_summary_is_at_most_two_thousand_characters()
    {
        WorkOrder.When(Open with { Summary = new string('x', WorkOrderDecider.MaxSummaryLength) }).Then(Opened with { Summary = new string('x', WorkOrderDecider.MaxSummaryLength) });
        WorkOrder.When(Open with { Summary = new string('x', WorkOrderDecider.MaxSummaryLength + 1) }).ThenError("work-order.summary-invalid");
    }

    [Fact]
    public void Opening_the_same_work_order_again_changes_nothing() =>
        WorkOrder.Given(Opened).When(Open with { OccurredAt = At(5) }).ThenNothing();

    [Fact]
    public void A_ticket_id_names_one_work_order() =>
        WorkOrder.Given(Opened).When(Open with { ConversationId = "cv-2" }).ThenError("work-order.already-exists");

    [Fact]
    public void A_command_on_a_work_order_never_opened_is_refused() =>
        WorkOrder.When(new SubmitWorkOrderPlan("t-1", "lee", "plan", At(1))).ThenError("work-order.not-found");

    // ---- SubmitWorkOrderPlan -----------------------------------------------------------------------------

    [Fact]
    public void The_owner_submits_the_first_plan_in_time() =>
        WorkOrder.Given(Opened).When(new SubmitWorkOrderPlan("t-1", "lee", "Call the hub, re-send if not found by 18:00", At(30))).Then(Planned);

    [Fact]
    public void A_first_plan_after_the_deadline_is_recorded_as_late() =>
        WorkOrder.Given(Opened).When(new SubmitWorkOrderPlan("t-1", "lee", "Call the hub", Due.AddMinutes(1)))
            .Then(new WorkOrderPlanSubmitted("t-1", "lee", "Call the hub", true, Due, false, Due.AddMinutes(1)));

    [Fact]
    public void A_plan_exactly_at_the_deadline_is_in_time() =>
        WorkOrder.Given(Opened).When(new SubmitWorkOrderPlan("t-1", "lee", "Call the hub", Due))
            .Then(new WorkOrderPlanSubmitted("t-1", "lee", "Call the hub", true, Due, true, Due));

    [Fact]
    public void A_later_plan_revises_the_first_and_keeps_its_timeliness() =>
        WorkOrder.Given(Opened, Planned).When(new SubmitWorkOrderPlan("t-1", "lee", "Re-send today", Due.AddHours(1)))
            .Then(new WorkOrderPlanSubmitted("t-1", "lee", "Re-send today", false, Due, true, Due.AddHours(1)));

    [Fact]
    public void After_the_escalation_the_director_submits_the_plan_and_so_may_the_owner()
    {
        WorkOrder.Given(Opened, Escalated).When(new SubmitWorkOrderPlan("t-1", "wang", "I take it over", Due.AddMinutes(5)))
            .Then(new WorkOrderPlanSubmitted("t-1", "wang", "I take it over", true, Due, false, Due.AddMinutes(5)));
        WorkOrder.Given(Opened, Escalated).When(new SubmitWorkOrderPlan("t-1", "lee", "Sorry, tracing now", Due.AddMinutes(5)))
            .Then(new WorkOrderPlanSubmitted("t-1", "lee", "Sorry, tracing now", true, Due, false, Due.AddMinutes(5)));
    }

    [Fact]
    public void Someone_outside_the_department_does_not_plan() =>
        WorkOrder.Given(Opened).When(new SubmitWorkOrderPlan("t-1", "agent-7", "I will do it", At(5))).ThenError("work-order.not-assignee");

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void A_plan_says_what_will_be_done(string plan) =>
        WorkOrder.Given(Opened).When(new SubmitWorkOrderPlan("t-1", "lee", plan, At(5))).ThenError("work-order.plan-invalid");

    [Fact]
    public void A_plan_is_at_most_two_thousand_characters() =>
        WorkOrder.Given(Opened).When(new SubmitWorkOrderPlan("t-1", "lee", new string('p', WorkOrderDecider.MaxPlanLength + 1), At(5))).ThenError("work-order.plan-invalid");

    [Fact]
    public void A_resolved_work_order_takes_no_plan() =>
        WorkOrder.Given(Opened, Resolved).When(new SubmitWorkOrderPlan("t-1", "lee", "plan", At(201))).ThenError("work-order.not-open");

    // ---- EscalateWorkOrder (the reactor, at the first-plan deadline) --------------------------------------

    [Fact]
    public void Without_a_plan_at_the_deadline_it_goes_to_the_director() =>
        WorkOrder.Given(Opened).When(new EscalateWorkOrder("t-1", Due)).Then(Escalated);

    [Fact]
    public void It_goes_to_the_director_the_store_names_now() =>
        WorkOrder.Given(Opened).When(new EscalateWorkOrder("t-1", Due) { DirectorId = "zhao" }).Then(Escalated with { ToId = "zhao" });

    [Fact]
    public void Before_the_deadline_it_is_not_escalated() =>
        WorkOrder.Given(Opened).When(new EscalateWorkOrder("t-1", Due.AddTicks(-1))).ThenError("work-order.plan-not-due");

    [Fact]
    public void A_plan_in_time_means_no_escalation() =>
        WorkOrder.Given(Opened, Planned).When(new EscalateWorkOrder("t-1", Due)).ThenNothing();

    [Fact]
    public void A_work_order_is_escalated_once() =>
        WorkOrder.Given(Opened, Escalated).When(new EscalateWorkOrder("t-1", Due.AddHours(1))).ThenNothing();

    [Fact]
    public void A_resolved_work_order_is_not_escalated() =>
        WorkOrder.Given(Opened, Resolved with { OccurredAt = At(60) }).When(new EscalateWorkOrder("t-1", Due)).ThenNothing();

    // ---- ResolveWorkOrder --------------------------------------------------------------------------------

    [Fact]
    public void The_owner_resolves_the_work_order_with_when_it_was_opened() =>
        WorkOrder.Given(Opened, Planned).When(new ResolveWorkOrder("t-1", "lee", "Found and re-sent by express", At(200))).Then(Resolved);

    [Fact]
    public void A_resolution_without_a_plan_first_is_its_answer() =>
        WorkOrder.Given(Opened).When(new ResolveWorkOrder("t-1", "lee", "Found and re-sent by express", At(200))).Then(Resolved);

    [Fact]
    public void The_director_resolves_an_escalated_work_order() =>
        WorkOrder.Given(Opened, Escalated).When(new ResolveWorkOrder("t-1", "wang", "Re-sent", Due.AddHours(1)))
            .Then(new WorkOrderResolved("t-1", "wang", "Re-sent", T0, Due.AddHours(1)));

    [Fact]
    public void Someone_outside_the_department_does_not_resolve() =>
        WorkOrder.Given(Opened).When(new ResolveWorkOrder("t-1", "agent-7", "done", At(5))).ThenError("work-order.not-assignee");

    [Fact]
    public void A_resolution_says_what_was_done() =>
        WorkOrder.Given(Opened).When(new ResolveWorkOrder("t-1", "lee", " ", At(5))).ThenError("work-order.resolution-invalid");

    [Fact]
    public void A_work_order_is_resolved_once() =>
        WorkOrder.Given(Opened, Resolved).When(new ResolveWorkOrder("t-1", "lee", "again", At(201))).ThenError("work-order.already-resolved");

    // ---- ReopenWorkOrder ---------------------------------------------------------------------------------

    [Fact]
    public void A_resolution_that_left_something_undone_reopens_the_work_order() =>
        WorkOrder.Given(Opened, Resolved).When(new ReopenWorkOrder("t-1", "agent-7", "The customer got the wrong colour", At(210)))
            .Then(new WorkOrderReopened("t-1", "agent-7", "The customer got the wrong colour", At(210)));

    [Fact]
    public void A_reopened_work_order_is_resolved_again() =>
        WorkOrder.Given(Opened, Resolved, new WorkOrderReopened("t-1", "agent-7", "wrong colour", At(210)))
            .When(new ResolveWorkOrder("t-1", "lee", "Right colour sent", At(300))).Then(new WorkOrderResolved("t-1", "lee", "Right colour sent", T0, At(300)));

    [Fact]
    public void An_open_work_order_is_not_reopened() =>
        WorkOrder.Given(Opened).When(new ReopenWorkOrder("t-1", "agent-7", "why", At(5))).ThenError("work-order.not-resolved");

    [Fact]
    public void A_reopening_says_why() =>
        WorkOrder.Given(Opened, Resolved).When(new ReopenWorkOrder("t-1", "agent-7", "", At(210))).ThenError("work-order.reason-required");

    [Fact]
    public void A_closed_work_order_is_not_reopened() =>
        WorkOrder.Given(Opened, Resolved, new WorkOrderClosed("t-1", "cv-1", "agent-7", "Found and re-sent by express", At(220)))
            .When(new ReopenWorkOrder("t-1", "agent-7", "why", At(230))).ThenError("work-order.not-open");

    // ---- CloseWorkOrder ----------------------------------------------------------------------------------

    [Fact]
    public void A_resolved_work_order_is_closed_back_to_its_conversation_with_its_resolution() =>
        WorkOrder.Given(Opened, Resolved).When(new CloseWorkOrder("t-1", "agent-7", At(220)))
            .Then(new WorkOrderClosed("t-1", "cv-1", "agent-7", "Found and re-sent by express", At(220)));

    [Fact]
    public void An_unresolved_work_order_is_not_closed() =>
        WorkOrder.Given(Opened, Planned).When(new CloseWorkOrder("t-1", "agent-7", At(40))).ThenError("work-order.not-resolved");

    [Fact]
    public void Closing_again_changes_nothing() =>
        WorkOrder.Given(Opened, Resolved, new WorkOrderClosed("t-1", "cv-1", "agent-7", "Found and re-sent by express", At(220)))
            .When(new CloseWorkOrder("t-1", "agent-7", At(230))).ThenNothing();

    [Fact]
    public void A_closed_work_order_takes_no_resolution() =>
        WorkOrder.Given(Opened, Resolved, new WorkOrderClosed("t-1", "cv-1", "agent-7", "Found and re-sent by express", At(220)))
            .When(new ResolveWorkOrder("t-1", "lee", "more", At(230))).ThenError("work-order.not-open");

    // ---- The conversation's side (steps of OpenWorkOrder and CloseWorkOrder) ------------------------------

    private static readonly Spec<ConversationWorkOrderCommand, ConversationEvent, ConversationWorkOrdersState> Conversation = new(ConversationWorkOrdersDecider.Decider);

    private static readonly ConversationStarted Started = new("cv-1", "s-1", "c-1", "wechat", "o-1", ConversationMode.Human, T0);

    [Fact]
    public void The_conversation_records_the_work_order_opened_from_it() =>
        Conversation.Given(Started).When(new RecordWorkOrderOpened("cv-1", "t-1", "logistics", "Trace the parcel", At(1)))
            .Then(new ConversationWorkOrderOpened("cv-1", "t-1", "logistics", "Trace the parcel", At(1)));

    [Fact]
    public void The_conversation_records_the_resolution_the_work_order_came_back_with() =>
        Conversation.Given(Started, new ConversationWorkOrderOpened("cv-1", "t-1", "logistics", "Trace the parcel", At(1)))
            .When(new RecordWorkOrderClosed("cv-1", "t-1", "logistics", "Re-sent", At(220)))
            .Then(new ConversationWorkOrderClosed("cv-1", "t-1", "logistics", "Re-sent", At(220)));

    [Fact]
    public void Each_is_recorded_once() =>
        Conversation.Given(Started, new ConversationWorkOrderOpened("cv-1", "t-1", "logistics", "Trace the parcel", At(1)))
            .When(new RecordWorkOrderOpened("cv-1", "t-1", "logistics", "Trace the parcel", At(2))).ThenNothing();

    [Fact]
    public void A_work_order_comes_from_a_conversation_that_exists() =>
        Conversation.When(new RecordWorkOrderOpened("cv-1", "t-1", "logistics", "Trace the parcel", At(1))).ThenError("conversation.not-found");
}
