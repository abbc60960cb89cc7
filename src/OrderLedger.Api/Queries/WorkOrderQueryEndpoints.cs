using System.Security.Claims;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>Work orders (read model <c>work_orders</c>): one store's list and single work orders.</summary>
public static class WorkOrderQueryEndpoints
{
    /// <summary>The states a work order is in, as <c>?state=</c> names them.</summary>
    public static readonly IReadOnlyList<string> States = ["open", "resolved", "closed"];

    public static void MapWorkOrderQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/work-orders/{ticketId}", async (string ticketId, ClaimsPrincipal user, WorkOrderQueries workOrders, CancellationToken ct) =>
                user.Visible(await workOrders.GetAsync(ticketId, ct), w => w.StoreId, $"Work order '{ticketId}'"))
            .WithSummary("A work order: its department, who it is assigned to, the first-plan deadline, the plan, the resolution.")
            .WithTags("Work orders").Produces<WorkOrderSummary>().ProducesProblem(404);
        api.MapGet("/stores/{storeId}/work-orders", async (
                string storeId, ClaimsPrincipal user, WorkOrderQueries workOrders, CancellationToken ct, string? state = null, string? department = null, int limit = 100) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : state is not null && !States.Contains(state) ? ApiProblems.Invalid("state", $"One of {string.Join(", ", States)}.")
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await workOrders.ListAsync(stores, state, department, limit, ct)))
            .WithSummary("A store's work orders, newest first; `state` (open, resolved, closed) and `department` narrow them.")
            .WithTags("Work orders").Produces<List<WorkOrderSummary>>().ProducesValidationProblem().ProducesProblem(404);
    }
}
