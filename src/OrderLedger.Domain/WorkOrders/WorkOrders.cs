using System.Collections.Immutable;
using OrderLedger.Domain.Conversations;

namespace OrderLedger.Domain.WorkOrders;

// ---- Commands ----------------------------------------------------------------------------------------------

/// <summary>A command on a work order, stream <c>ticket-{TicketId}</c>: a problem a conversation hands to another department.</summary>
public abstract record WorkOrderCommand(string TicketId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// An agent opens a work order from a conversation for one of the store's departments (<c>SetDepartment</c>). It is
/// assigned to the department's owner, whose first plan is due <see cref="WorkOrderDecider.FirstPlanHours"/> later.
/// </summary>
public sealed record OpenWorkOrder(string TicketId, string ConversationId, string Department, string Summary, string OpenedBy, DateTimeOffset OccurredAt)
    : WorkOrderCommand(TicketId)
{
    /// <summary>The conversation's store (looked up from the conversation by the workflow).</summary>
    [LookedUp]
    public string StoreId { get; init; } = "";

    /// <summary>The department's owner and director as the store defines them now; null: the store has no such department.</summary>
    [LookedUp]
    public DepartmentStaff? Staff { get; init; }
}

/// <summary>The owner (or the director it was escalated to) says what will be done. The first plan is the one that is due.</summary>
public sealed record SubmitWorkOrderPlan(string TicketId, string SubmittedBy, string Plan, DateTimeOffset OccurredAt) : WorkOrderCommand(TicketId);

/// <summary>Sent by the work-order reactor at the first-plan deadline when no plan (nor resolution) was given.</summary>
public sealed record EscalateWorkOrder(string TicketId, DateTimeOffset OccurredAt) : WorkOrderCommand(TicketId)
{
    /// <summary>The department's director now (looked up from the store by the workflow); null: the one recorded at the opening.</summary>
    [LookedUp]
    public string? DirectorId { get; init; }
}

public sealed record ResolveWorkOrder(string TicketId, string ResolvedBy, string Resolution, DateTimeOffset OccurredAt) : WorkOrderCommand(TicketId);

/// <summary>The conversation's side did not accept the resolution: the work order is open again (before it was closed).</summary>
public sealed record ReopenWorkOrder(string TicketId, string ReopenedBy, string Reason, DateTimeOffset OccurredAt) : WorkOrderCommand(TicketId);

/// <summary>A resolved work order goes back to its conversation, where the agent answers the customer with its resolution.</summary>
public sealed record CloseWorkOrder(string TicketId, string ClosedBy, DateTimeOffset OccurredAt) : WorkOrderCommand(TicketId);

/// <summary>Who answers a department's work orders: the owner first, the director when the owner's first plan is late.</summary>
public sealed record DepartmentStaff(string OwnerId, string DirectorId);

// ---- Events ------------------------------------------------------------------------------------------------

/// <summary>A fact on a work order's stream, <c>ticket-{TicketId}</c> (type names <c>ticket-…</c>). Every event of the family carries the ticket id.</summary>
public abstract record TicketEvent
{
    public abstract string TicketId { get; init; }
}

/// <param name="AssignedTo">The department's owner, who owes the first plan by <paramref name="PlanDueAt"/>.</param>
/// <param name="DirectorId">Who it goes to when the plan is late.</param>
public sealed record WorkOrderOpened(
    string TicketId,
    string StoreId,
    string ConversationId,
    string Department,
    string Summary,
    string OpenedBy,
    string AssignedTo,
    string DirectorId,
    DateTimeOffset PlanDueAt,
    DateTimeOffset OccurredAt) : TicketEvent, IStoreScoped;

/// <param name="First">The work order's first plan, the one that was due; later ones revise it.</param>
/// <param name="OnTime">The first plan came at or before <paramref name="PlanDueAt"/>.</param>
public sealed record WorkOrderPlanSubmitted(
    string TicketId, string SubmittedBy, string Plan, bool First, DateTimeOffset PlanDueAt, bool OnTime, DateTimeOffset OccurredAt) : TicketEvent;

/// <summary>No first plan by the deadline: the work order goes to the department's director (dated at the deadline).</summary>
public sealed record WorkOrderEscalated(string TicketId, string FromId, string ToId, DateTimeOffset PlanDueAt, DateTimeOffset OccurredAt) : TicketEvent;

/// <param name="OpenedAt">When the work order was opened: the handling time is <c>OccurredAt − OpenedAt</c>.</param>
public sealed record WorkOrderResolved(string TicketId, string ResolvedBy, string Resolution, DateTimeOffset OpenedAt, DateTimeOffset OccurredAt) : TicketEvent;

public sealed record WorkOrderReopened(string TicketId, string ReopenedBy, string Reason, DateTimeOffset OccurredAt) : TicketEvent;

public sealed record WorkOrderClosed(string TicketId, string ConversationId, string ClosedBy, string Resolution, DateTimeOffset OccurredAt) : TicketEvent;

// ---- State -------------------------------------------------------------------------------------------------

public enum WorkOrderStatus
{
    None,
    Open,
    Resolved,
    Closed,
}

public sealed record WorkOrderState(
    WorkOrderStatus Status,
    string TicketId,
    string StoreId,
    string ConversationId,
    string Department,
    string OwnerId,
    string DirectorId,
    string AssignedTo,
    DateTimeOffset OpenedAt,
    DateTimeOffset PlanDueAt,
    DateTimeOffset? FirstPlanAt,
    bool Escalated,
    string? Resolution) : IStoreScoped
{
    public static WorkOrderState Initial { get; } =
        new(WorkOrderStatus.None, "", "", "", "", "", "", "", default, default, null, false, null);

    /// <summary>The owner answers; so does the director, to whom a late plan goes (and who stands above the owner before).</summary>
    public bool MayAnswer(string who) => who == OwnerId || who == DirectorId || who == AssignedTo;
}

// ---- Decider -----------------------------------------------------------------------------------------------

/// <summary>A work order (stream <c>ticket-{ticketId}</c>): opened from a conversation, planned, resolved, closed back to the conversation.</summary>
public static class WorkOrderDecider
{
    /// <summary>The department's owner answers with a first plan within this many hours, else the work order goes to the director.</summary>
    public const int FirstPlanHours = 2;

    /// <summary>The longest summary and plan (characters); a resolution may be as long as an escalation's written one.</summary>
    public const int MaxSummaryLength = 2_000, MaxPlanLength = 2_000, MaxResolutionLength = 4_000;

    public static Decider<WorkOrderCommand, TicketEvent, WorkOrderState> Decider { get; } = new(Decide, Evolve, WorkOrderState.Initial);

    public static Decision<TicketEvent> Decide(WorkOrderCommand command, WorkOrderState state) => (command, state.Status) switch
    {
        (OpenWorkOrder c, WorkOrderStatus.None) => Open(c),
        (OpenWorkOrder c, _) when c.ConversationId == state.ConversationId && c.Department == state.Department => Decision<TicketEvent>.Nothing,
        (OpenWorkOrder c, _) => DomainError.Conflict("work-order.already-exists", $"Work order {c.TicketId} exists already, for another conversation or department."),
        (_, WorkOrderStatus.None) => DomainError.Conflict("work-order.not-found", $"Work order {command.TicketId} was not opened."),

        (SubmitWorkOrderPlan, not WorkOrderStatus.Open) => NotOpen(state),
        (SubmitWorkOrderPlan c, _) when Text(c.Plan, MaxPlanLength) is false =>
            DomainError.Invalid("work-order.plan-invalid", $"A plan says what will be done, in at most {MaxPlanLength} characters."),
        (SubmitWorkOrderPlan c, _) when !state.MayAnswer(c.SubmittedBy) => NotAssignee(c.SubmittedBy, state),
        (SubmitWorkOrderPlan c, _) => new WorkOrderPlanSubmitted(
            c.TicketId, c.SubmittedBy, c.Plan, state.FirstPlanAt is null, state.PlanDueAt, (state.FirstPlanAt ?? c.OccurredAt) <= state.PlanDueAt, c.OccurredAt),

        (EscalateWorkOrder, not WorkOrderStatus.Open) => Decision<TicketEvent>.Nothing,
        (EscalateWorkOrder, _) when state.FirstPlanAt is not null || state.Escalated => Decision<TicketEvent>.Nothing,
        (EscalateWorkOrder c, _) when c.OccurredAt < state.PlanDueAt =>
            DomainError.Conflict("work-order.plan-not-due", $"The first plan is due at {state.PlanDueAt:O}."),
        (EscalateWorkOrder c, _) => new WorkOrderEscalated(
            c.TicketId, state.AssignedTo, string.IsNullOrWhiteSpace(c.DirectorId) ? state.DirectorId : c.DirectorId, state.PlanDueAt, c.OccurredAt),

        (ResolveWorkOrder, WorkOrderStatus.Resolved) => DomainError.Conflict("work-order.already-resolved", "The work order is resolved already; reopen it first."),
        (ResolveWorkOrder, WorkOrderStatus.Closed) => NotOpen(state),
        (ResolveWorkOrder c, _) when Text(c.Resolution, MaxResolutionLength) is false =>
            DomainError.Invalid("work-order.resolution-invalid", $"A resolution says what was done, in at most {MaxResolutionLength} characters."),
        (ResolveWorkOrder c, _) when !state.MayAnswer(c.ResolvedBy) => NotAssignee(c.ResolvedBy, state),
        (ResolveWorkOrder c, _) => new WorkOrderResolved(c.TicketId, c.ResolvedBy, c.Resolution, state.OpenedAt, c.OccurredAt),

        (ReopenWorkOrder, WorkOrderStatus.Open) => NotResolved(),
        (ReopenWorkOrder, WorkOrderStatus.Closed) => NotOpen(state),
        (ReopenWorkOrder c, _) when string.IsNullOrWhiteSpace(c.Reason) =>
            DomainError.Invalid("work-order.reason-required", "A reopened work order says what the resolution left undone."),
        (ReopenWorkOrder c, _) => new WorkOrderReopened(c.TicketId, c.ReopenedBy, c.Reason, c.OccurredAt),

        (CloseWorkOrder, WorkOrderStatus.Closed) => Decision<TicketEvent>.Nothing,
        (CloseWorkOrder, WorkOrderStatus.Open) => NotResolved(),
        (CloseWorkOrder c, _) => new WorkOrderClosed(c.TicketId, state.ConversationId, c.ClosedBy, state.Resolution!, c.OccurredAt),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown work order command."),
    };

    public static WorkOrderState Evolve(WorkOrderState state, TicketEvent @event) => @event switch
    {
        WorkOrderOpened e => state with
        {
            Status = WorkOrderStatus.Open, TicketId = e.TicketId, StoreId = e.StoreId, ConversationId = e.ConversationId, Department = e.Department,
            OwnerId = e.AssignedTo, DirectorId = e.DirectorId, AssignedTo = e.AssignedTo, OpenedAt = e.OccurredAt, PlanDueAt = e.PlanDueAt,
        },
        WorkOrderPlanSubmitted e => state with { FirstPlanAt = state.FirstPlanAt ?? e.OccurredAt },
        WorkOrderEscalated e => state with { Escalated = true, AssignedTo = e.ToId, DirectorId = e.ToId },
        WorkOrderResolved e => state with { Status = WorkOrderStatus.Resolved, Resolution = e.Resolution },
        WorkOrderReopened => state with { Status = WorkOrderStatus.Open, Resolution = null },
        WorkOrderClosed => state with { Status = WorkOrderStatus.Closed },
        _ => state,
    };

    private static Decision<TicketEvent> Open(OpenWorkOrder c)
    {
        if (Text(c.Summary, MaxSummaryLength) is false)
        {
            return DomainError.Invalid("work-order.summary-invalid", $"A work order says what the department is to do, in at most {MaxSummaryLength} characters.");
        }

        if (c.Staff is not { } staff)
        {
            return DomainError.Conflict("work-order.unknown-department", $"The store has no department '{c.Department}'; a supervisor sets it up first.");
        }

        return new WorkOrderOpened(
            c.TicketId, c.StoreId, c.ConversationId, c.Department, c.Summary, c.OpenedBy, staff.OwnerId, staff.DirectorId,
            c.OccurredAt.AddHours(FirstPlanHours), c.OccurredAt);
    }

    private static bool Text(string text, int maxLength) => !string.IsNullOrWhiteSpace(text) && text.Length <= maxLength;

    private static DomainError NotOpen(WorkOrderState state) => DomainError.Conflict(
        "work-order.not-open", state.Status == WorkOrderStatus.Closed ? "The work order is closed." : "The work order is resolved; reopen it first.");

    private static DomainError NotResolved() => DomainError.Conflict("work-order.not-resolved", "The work order is not resolved.");

    private static DomainError NotAssignee(string who, WorkOrderState state) => DomainError.Conflict(
        "work-order.not-assignee", $"{who} does not answer this work order; {state.AssignedTo} does (the department's owner {state.OwnerId} or director {state.DirectorId}).");
}

// ---- The conversation's side -------------------------------------------------------------------------------

/// <summary>
/// A step of <c>OpenWorkOrder</c> and <c>CloseWorkOrder</c> on the conversation's stream: the conversation shows that a
/// department took the problem over, and the resolution it came back with. Not a <see cref="ConversationCommand"/>: the
/// conversation's own decider has no part in it.
/// </summary>
public abstract record ConversationWorkOrderCommand(string ConversationId, string TicketId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

public sealed record RecordWorkOrderOpened(string ConversationId, string TicketId, string Department, string Summary, DateTimeOffset OccurredAt)
    : ConversationWorkOrderCommand(ConversationId, TicketId);

public sealed record RecordWorkOrderClosed(string ConversationId, string TicketId, string Department, string Resolution, DateTimeOffset OccurredAt)
    : ConversationWorkOrderCommand(ConversationId, TicketId);

public sealed record ConversationWorkOrderOpened(string ConversationId, string TicketId, string Department, string Summary, DateTimeOffset OccurredAt) : ConversationEvent;

public sealed record ConversationWorkOrderClosed(string ConversationId, string TicketId, string Department, string Resolution, DateTimeOffset OccurredAt) : ConversationEvent;

/// <summary>What the work-order steps need of a conversation: that it exists, its store, and the work orders it recorded.</summary>
public sealed record ConversationWorkOrdersState(bool Started, string StoreId, ImmutableHashSet<string> Opened, ImmutableHashSet<string> Closed) : IStoreScoped
{
    public static ConversationWorkOrdersState Initial { get; } = new(false, "", [], []);
}

public static class ConversationWorkOrdersDecider
{
    public static Decider<ConversationWorkOrderCommand, ConversationEvent, ConversationWorkOrdersState> Decider { get; } = new(Decide, Evolve, ConversationWorkOrdersState.Initial);

    public static Decision<ConversationEvent> Decide(ConversationWorkOrderCommand command, ConversationWorkOrdersState state) => command switch
    {
        _ when !state.Started => DomainError.Conflict("conversation.not-found", $"Conversation {command.ConversationId} was not started."),
        RecordWorkOrderOpened c when state.Opened.Contains(c.TicketId) => Decision<ConversationEvent>.Nothing,
        RecordWorkOrderOpened c => new ConversationWorkOrderOpened(c.ConversationId, c.TicketId, c.Department, c.Summary, c.OccurredAt),
        RecordWorkOrderClosed c when state.Closed.Contains(c.TicketId) => Decision<ConversationEvent>.Nothing,
        RecordWorkOrderClosed c => new ConversationWorkOrderClosed(c.ConversationId, c.TicketId, c.Department, c.Resolution, c.OccurredAt),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown conversation work order command."),
    };

    public static ConversationWorkOrdersState Evolve(ConversationWorkOrdersState state, ConversationEvent @event) => @event switch
    {
        ConversationStarted e => state with { Started = true, StoreId = e.StoreId },
        ConversationWorkOrderOpened e => state with { Opened = state.Opened.Add(e.TicketId) },
        ConversationWorkOrderClosed e => state with { Closed = state.Closed.Add(e.TicketId) },
        _ => state,
    };
}
