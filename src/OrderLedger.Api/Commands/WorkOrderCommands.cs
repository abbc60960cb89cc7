using OrderLedger.Api.Security;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Work orders (stream <c>ticket-{ticketId}</c>) and the store departments they go to. A work order is people's word
/// (staff only: an ingest token cannot open or answer one); who plans, resolves, reopens or closes it is the caller.
/// Departments are a store policy: supervisors and administrators.
/// </summary>
public static class WorkOrderCommands
{
    public static void MapWorkOrderCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<DepartmentBody>("/stores/{storeId}/departments/{department}", "Set a department that takes work orders: its owner (answers them) and its director (gets them when the first plan is late).", (b, f) =>
                new SetDepartment(f.Route("storeId"), f.Route("department"), f.Text(b.OwnerId), f.Text(b.DirectorId), f.OccurredAt))
            .RequireAuthorization(Policies.StorePolicies);

        var staff = api.MapGroup("").RequireAuthorization(Policies.StaffCommands);
        staff.MapCommand<OpenWorkOrderBody>("/conversations/{conversationId}/work-orders", "Open a work order from a conversation for a department: assigned to its owner, first plan due in 2 hours.", (b, f) =>
            new OpenWorkOrder(f.Text(b.TicketId), f.Route("conversationId"), f.Text(b.Department), f.Text(b.Summary), f.Caller, f.OccurredAt));
        staff.MapCommand<PlanBody>("/work-orders/{ticketId}/plan", "Submit the work order's plan (the department's owner or director; the first one is due 2 hours after the opening).", (b, f) =>
            new SubmitWorkOrderPlan(f.Route("ticketId"), f.Caller, f.Text(b.Plan), f.OccurredAt));
        staff.MapCommand<WorkOrderResolutionBody>("/work-orders/{ticketId}/resolution", "Resolve the work order (the department's owner or director).", (b, f) =>
            new ResolveWorkOrder(f.Route("ticketId"), f.Caller, f.Text(b.Resolution), f.OccurredAt));
        staff.MapCommand<ReasonBody>("/work-orders/{ticketId}/reopening", "Reopen a resolved work order that is not closed yet: the resolution left something undone.", (b, f) =>
            new ReopenWorkOrder(f.Route("ticketId"), f.Caller, f.Text(b.Reason), f.OccurredAt));
        staff.MapCommand<EmptyBody>("/work-orders/{ticketId}/closure", "Close a resolved work order: its resolution goes back to the conversation.", (_, f) =>
            new CloseWorkOrder(f.Route("ticketId"), f.Caller, f.OccurredAt));
    }
}

public sealed record DepartmentBody(string? OwnerId, string? DirectorId) : CommandBody;

/// <param name="TicketId">The work order's id, chosen by the caller (a retry with the same id opens nothing new).</param>
public sealed record OpenWorkOrderBody(string? TicketId, string? Department, string? Summary) : CommandBody;

public sealed record PlanBody(string? Plan) : CommandBody;

public sealed record WorkOrderResolutionBody(string? Resolution) : CommandBody;
