namespace OrderLedger.Domain.Roster;

/// <summary>What an agent carries now: open conversations assigned to them, and when they were last given one (null: never).</summary>
public sealed record AgentLoad(string AgentId, int Open, DateTimeOffset? LastAssignedAt);

/// <summary>The escalation team: a senior agent and a supervisor, both on shift.</summary>
public sealed record EscalationTeam(string SeniorAgentId, string SupervisorId);

/// <summary>
/// Who gets a conversation from the queue, and who staffs an escalation (docs/domain.md, "Roster"). Pure: the roster's state
/// and the agents' loads (from the read model) come in, a choice or none comes out.
/// </summary>
public static class AssignmentPolicy
{
    /// <summary>
    /// The agent for a new human conversation of <paramref name="customerId"/>: the buyer's bound agent when the buyer is
    /// bound and that agent is on shift (null while that agent is at capacity: the buyer waits for them); otherwise the
    /// agent on shift with the fewest open conversations under capacity, ties to the one who waited longest since their last
    /// assignment (never assigned first), then the agent id. Null when nobody has room: the conversation stays queued.
    /// </summary>
    public static string? ChooseAgent(RosterState roster, IReadOnlyDictionary<string, AgentLoad> loads, string customerId)
    {
        if (roster.BoundBuyers.TryGetValue(customerId, out var bound) && roster.Agent(bound).OnShift)
        {
            return HasRoom(roster.Agent(bound), loads) ? bound : null;
        }

        return Ordered(roster.Agents.Values.Where(a => a.OnShift && HasRoom(a, loads)), loads).FirstOrDefault();
    }

    /// <summary>
    /// The team of an escalation: the senior agent and the supervisor on shift with the fewest open conversations (the same
    /// ties as <see cref="ChooseAgent"/>); capacity does not hold them back, an escalation is staffed at once. Null while
    /// no senior or no supervisor is on shift.
    /// </summary>
    public static EscalationTeam? ChooseEscalationTeam(RosterState roster, IReadOnlyDictionary<string, AgentLoad> loads)
    {
        var senior = Ordered(roster.Agents.Values.Where(a => a.OnShift && a.Rank == AgentRank.Senior), loads).FirstOrDefault();
        var supervisor = Ordered(roster.Agents.Values.Where(a => a.OnShift && a.Rank == AgentRank.Supervisor), loads).FirstOrDefault();
        return senior is not null && supervisor is not null ? new EscalationTeam(senior, supervisor) : null;
    }

    private static bool HasRoom(RosterAgent agent, IReadOnlyDictionary<string, AgentLoad> loads) => LoadOf(agent.AgentId, loads).Open < agent.Capacity;

    private static IEnumerable<string> Ordered(IEnumerable<RosterAgent> agents, IReadOnlyDictionary<string, AgentLoad> loads) =>
        agents.Select(a => LoadOf(a.AgentId, loads))
            .OrderBy(l => l.Open)
            .ThenBy(l => l.LastAssignedAt ?? DateTimeOffset.MinValue)
            .ThenBy(l => l.AgentId, StringComparer.Ordinal)
            .Select(l => l.AgentId);

    private static AgentLoad LoadOf(string agentId, IReadOnlyDictionary<string, AgentLoad> loads) => loads.GetValueOrDefault(agentId) ?? new AgentLoad(agentId, 0, null);
}
