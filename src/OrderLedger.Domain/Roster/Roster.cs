using System.Collections.Immutable;

namespace OrderLedger.Domain.Roster;

// ---- Commands ----------------------------------------------------------------------------------------------

/// <summary>A command on a store's roster of agents, stream <c>roster-{StoreId}</c>: shifts, capacities, ranks and buyer bindings.</summary>
public abstract record RosterCommand(string StoreId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <param name="StartedBy">Who asks; an agent starts only their own shift.</param>
public sealed record StartShift(string StoreId, string AgentId, string StartedBy, DateTimeOffset OccurredAt) : RosterCommand(StoreId);

/// <param name="EndedBy">Who asks; an agent ends their own shift, a supervisor (<paramref name="BySupervisor"/>) anyone's.</param>
public sealed record EndShift(string StoreId, string AgentId, string EndedBy, bool BySupervisor, DateTimeOffset OccurredAt) : RosterCommand(StoreId);

/// <summary>How many open conversations the assignment reactor gives the agent at most (0: none automatically).</summary>
public sealed record SetAgentCapacity(string StoreId, string AgentId, int Capacity, DateTimeOffset OccurredAt) : RosterCommand(StoreId);

public sealed record SetAgentRank(string StoreId, string AgentId, AgentRank Rank, DateTimeOffset OccurredAt) : RosterCommand(StoreId);

/// <summary>The store's policy: bind each buyer to one agent after the buyer's first order (high-value shops, e.g. jewellery).</summary>
public sealed record SetBuyerBinding(string StoreId, bool BindBuyers, DateTimeOffset OccurredAt) : RosterCommand(StoreId);

/// <summary>Sent by the assignment reactor: the buyer, who has ordered, is served by this agent from now on.</summary>
/// <param name="OrderId">The buyer's first order in the store, which made the binding due.</param>
public sealed record BindBuyer(string StoreId, string CustomerId, string AgentId, string OrderId, DateTimeOffset OccurredAt) : RosterCommand(StoreId);

public enum AgentRank
{
    Agent,
    Senior,
    Supervisor,
}

// ---- Events ------------------------------------------------------------------------------------------------

/// <summary>A fact on a store's roster, <c>roster-{StoreId}</c>; every event names its store.</summary>
public abstract record RosterEvent : IStoreScoped
{
    public abstract string StoreId { get; init; }
}

public sealed record ShiftStarted(string StoreId, string AgentId, DateTimeOffset OccurredAt) : RosterEvent;

public sealed record ShiftEnded(string StoreId, string AgentId, string EndedBy, DateTimeOffset OccurredAt) : RosterEvent;

public sealed record AgentCapacitySet(string StoreId, string AgentId, int Capacity, DateTimeOffset OccurredAt) : RosterEvent;

public sealed record AgentRankSet(string StoreId, string AgentId, AgentRank Rank, DateTimeOffset OccurredAt) : RosterEvent;

public sealed record BuyerBindingSet(string StoreId, bool BindBuyers, DateTimeOffset OccurredAt) : RosterEvent;

public sealed record BuyerBound(string StoreId, string CustomerId, string AgentId, string OrderId, DateTimeOffset OccurredAt) : RosterEvent;

// ---- State -------------------------------------------------------------------------------------------------

/// <param name="ShiftStartedAt">When the current shift started; null while off shift.</param>
public sealed record RosterAgent(string AgentId, AgentRank Rank, int Capacity, DateTimeOffset? ShiftStartedAt)
{
    public bool OnShift => ShiftStartedAt is not null;
}

/// <param name="BoundBuyers">Customer id → the agent the buyer is bound to.</param>
public sealed record RosterState(
    string StoreId, bool BindBuyers, ImmutableSortedDictionary<string, RosterAgent> Agents, ImmutableDictionary<string, string> BoundBuyers) : IStoreScoped
{
    public static RosterState Initial { get; } = new(
        "", false, ImmutableSortedDictionary.Create<string, RosterAgent>(StringComparer.Ordinal), ImmutableDictionary.Create<string, string>(StringComparer.Ordinal));

    /// <summary>An agent the roster has not heard of yet: rank agent, the default capacity, off shift.</summary>
    public RosterAgent Agent(string agentId) => Agents.GetValueOrDefault(agentId) ?? new RosterAgent(agentId, AgentRank.Agent, RosterDecider.DefaultCapacity, null);
}

// ---- Decider -----------------------------------------------------------------------------------------------

/// <summary>A store's roster (stream <c>roster-{storeId}</c>): who is on shift, with what capacity and rank, and which buyer is whose.</summary>
public static class RosterDecider
{
    /// <summary>Open conversations an agent gets at most until a supervisor sets another capacity.</summary>
    public const int DefaultCapacity = 5;

    public const int MaxCapacity = 100;

    public static Decider<RosterCommand, RosterEvent, RosterState> Decider { get; } = new(Decide, Evolve, RosterState.Initial);

    public static Decision<RosterEvent> Decide(RosterCommand command, RosterState state) => (command, state) switch
    {
        _ when AgentOf(command) is { } agent && string.IsNullOrWhiteSpace(agent) =>
            DomainError.Invalid("roster.agent-required", "Name the agent."),

        (StartShift c, _) when c.StartedBy != c.AgentId =>
            DomainError.Conflict("roster.not-own-shift", $"{c.StartedBy} cannot start {c.AgentId}'s shift; agents start their own."),
        (StartShift c, _) when state.Agent(c.AgentId).OnShift => Decision<RosterEvent>.Nothing,
        (StartShift c, _) => new ShiftStarted(c.StoreId, c.AgentId, c.OccurredAt),

        (EndShift c, _) when c.EndedBy != c.AgentId && !c.BySupervisor =>
            DomainError.Conflict("roster.not-own-shift", $"{c.EndedBy} cannot end {c.AgentId}'s shift; only the agent or a supervisor can."),
        (EndShift c, _) when !state.Agent(c.AgentId).OnShift => Decision<RosterEvent>.Nothing,
        (EndShift c, _) => new ShiftEnded(c.StoreId, c.AgentId, c.EndedBy, c.OccurredAt),

        (SetAgentCapacity c, _) when c.Capacity is < 0 or > MaxCapacity =>
            DomainError.Invalid("roster.capacity-out-of-range", $"A capacity is 0 – {MaxCapacity} open conversations."),
        (SetAgentCapacity c, _) when state.Agents.TryGetValue(c.AgentId, out var known) && known.Capacity == c.Capacity => Decision<RosterEvent>.Nothing,
        (SetAgentCapacity c, _) => new AgentCapacitySet(c.StoreId, c.AgentId, c.Capacity, c.OccurredAt),

        (SetAgentRank c, _) when state.Agents.TryGetValue(c.AgentId, out var known) && known.Rank == c.Rank => Decision<RosterEvent>.Nothing,
        (SetAgentRank c, _) => new AgentRankSet(c.StoreId, c.AgentId, c.Rank, c.OccurredAt),

        (SetBuyerBinding c, _) when c.BindBuyers == state.BindBuyers => Decision<RosterEvent>.Nothing,
        (SetBuyerBinding c, _) => new BuyerBindingSet(c.StoreId, c.BindBuyers, c.OccurredAt),

        (BindBuyer c, _) when string.IsNullOrWhiteSpace(c.CustomerId) => DomainError.Invalid("roster.customer-required", "Name the buyer."),
        (BindBuyer, _) when !state.BindBuyers => DomainError.Conflict("roster.buyer-binding-off", "The store does not bind buyers to agents."),
        (BindBuyer c, _) when state.BoundBuyers.ContainsKey(c.CustomerId) => Decision<RosterEvent>.Nothing,
        (BindBuyer c, _) => new BuyerBound(c.StoreId, c.CustomerId, c.AgentId, c.OrderId, c.OccurredAt),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown roster command."),
    };

    public static RosterState Evolve(RosterState state, RosterEvent @event) => @event switch
    {
        ShiftStarted e => With(state, e, state.Agent(e.AgentId) with { ShiftStartedAt = e.OccurredAt }),
        ShiftEnded e => With(state, e, state.Agent(e.AgentId) with { ShiftStartedAt = null }),
        AgentCapacitySet e => With(state, e, state.Agent(e.AgentId) with { Capacity = e.Capacity }),
        AgentRankSet e => With(state, e, state.Agent(e.AgentId) with { Rank = e.Rank }),
        BuyerBindingSet e => state with { StoreId = e.StoreId, BindBuyers = e.BindBuyers },
        BuyerBound e => state with { StoreId = e.StoreId, BoundBuyers = state.BoundBuyers.SetItem(e.CustomerId, e.AgentId) },
        _ => state,
    };

    private static RosterState With(RosterState state, RosterEvent e, RosterAgent agent) =>
        state with { StoreId = e.StoreId, Agents = state.Agents.SetItem(agent.AgentId, agent) };

    private static string? AgentOf(RosterCommand command) => command switch
    {
        StartShift c => c.AgentId,
        EndShift c => c.AgentId,
        SetAgentCapacity c => c.AgentId,
        SetAgentRank c => c.AgentId,
        BindBuyer c => c.AgentId,
        _ => null,
    };
}
