using OrderLedger.EventStore;

namespace OrderLedger.Projections.Runtime;

/// <summary>Roles of a build ("generation") of a projection.</summary>
internal static class Roles
{
    public const string Live = "live";         // readers' views point here
    public const string Building = "building"; // a blue/green rebuild in progress
    public const string Retired = "retired";   // switched away from; its schema is about to be dropped
    public const string Dropped = "dropped";   // history only
}

internal static class Phases
{
    public const string CatchingUp = "catching_up";
    public const string Live = "live";
    public const string Faulted = "faulted";
}

/// <summary>One row of <c>projections.generations</c>: a build of a projection, its checkpoint and counters.</summary>
internal sealed record GenerationRecord
{
    public required string Name { get; init; }
    public required int Generation { get; init; }
    public required int Version { get; init; }
    public required string Schema { get; init; }
    public required string Role { get; init; }
    public required string Phase { get; init; }
    public bool TablesReady { get; init; }
    public Position? Checkpoint { get; init; }
    public DateTimeOffset? CheckpointCreated { get; init; }
    public long EventsSeen { get; init; }
    public long EventsHandled { get; init; }
    public long EventsSkipped { get; init; }
    public long EventsUnknown { get; init; }
    public double EventsPerSecond { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CaughtUpAt { get; init; }
    public DateTimeOffset? SwitchedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? ErrorAt { get; init; }
    public Position? ErrorPosition { get; init; }
    public string? ErrorStream { get; init; }
    public string? ErrorType { get; init; }
    public Guid? ErrorEventId { get; init; }
    public bool ErrorTransient { get; init; }
}
