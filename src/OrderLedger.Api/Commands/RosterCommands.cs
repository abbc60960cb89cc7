using OrderLedger.Api.Security;
using OrderLedger.Domain.Roster;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Commands;

/// <summary>
/// A store's roster (stream <c>roster-{storeId}</c>): shifts, capacities, ranks and the buyer binding policy. Shifts are
/// staff's (an agent starts and ends their own; a supervisor or administrator ends anyone's, the rule decides); capacities,
/// ranks and the binding policy are a supervisor's or an administrator's.
/// </summary>
public static class RosterCommands
{
    public static void MapRosterCommands(this IEndpointRouteBuilder api)
    {
        var shifts = api.MapGroup("/stores/{storeId}/roster").RequireAuthorization(Policies.StaffCommands);
        shifts.MapCommand<ShiftBody>("/shift-start", "Start a shift (the agent defaults to the caller; agents start only their own).", (b, f) =>
            new StartShift(f.Route("storeId"), b.AgentId ?? f.Caller, f.Caller, f.OccurredAt));
        shifts.MapCommand<ShiftBody>("/shift-end", "End a shift (the agent defaults to the caller; a supervisor ends anyone's).", (b, f) =>
            new EndShift(f.Route("storeId"), b.AgentId ?? f.Caller, f.Caller, IsSupervisor(f), f.OccurredAt));

        var agents = api.MapGroup("/stores/{storeId}/roster/agents/{agentId}").RequireAuthorization(Policies.StorePolicies);
        agents.MapCommand<CapacityBody>("/capacity", $"Set how many open conversations (0–{RosterDecider.MaxCapacity}, default {RosterDecider.DefaultCapacity}) the assignment reactor gives the agent at most.", (b, f) =>
            new SetAgentCapacity(f.Route("storeId"), f.Route("agentId"), f.Value(b.Capacity), f.OccurredAt));
        agents.MapCommand<RankBody>("/rank", "Set the agent's rank: Agent, Senior or Supervisor (escalations get a senior and a supervisor).", (b, f) =>
            new SetAgentRank(f.Route("storeId"), f.Route("agentId"), f.Value(b.Rank), f.OccurredAt));

        api.MapGroup("/stores/{storeId}/policies").RequireAuthorization(Policies.StorePolicies)
            .MapCommand<BuyerBindingBody>("/buyer-binding", "Bind each buyer to one agent after the buyer's first order (off by default).", (b, f) =>
                new SetBuyerBinding(f.Route("storeId"), f.Value(b.BindBuyers), f.OccurredAt));
    }

    private static bool IsSupervisor(CommandInput input) => input.User.IsInRole(Roles.Supervisor) || input.User.IsInRole(Roles.Admin);
}

public sealed record ShiftBody(string? AgentId) : CommandBody;

public sealed record CapacityBody(int? Capacity) : CommandBody;

public sealed record RankBody(AgentRank? Rank) : CommandBody;

public sealed record BuyerBindingBody(bool? BindBuyers) : CommandBody;
