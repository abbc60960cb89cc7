using OrderLedger.EventStore;

namespace OrderLedger.Projections.Runtime;

public enum ProjectionState
{
    /// <summary>Caught up with the head; following new events.</summary>
    Live,

    /// <summary>Working through a backlog (first start, or after a stop).</summary>
    CatchingUp,

    /// <summary>A blue/green rebuild is in progress; the previous build keeps serving.</summary>
    Rebuilding,

    /// <summary>A handler error stopped this projection; see <see cref="ProjectionStatus.LastError"/>.</summary>
    Faulted,

    /// <summary>No process runs it (no heartbeat), or it never started.</summary>
    Stopped,
}

/// <summary>The event a projection failed on, and the error.</summary>
public sealed record ProjectionError(
    string Message,
    DateTimeOffset At,
    bool Transient,
    Position? Position,
    string? StreamId,
    string? EventType,
    Guid? EventId);

/// <summary>What <c>GET /projections</c> and <c>ledger projections</c> show for one projection.</summary>
/// <param name="LagEvents">Events in <c>$all</c> after the checkpoint, as the event store counts them (<c>IEventStore.CountAllAfterAsync</c>: exact up to a bound, estimated beyond).</param>
/// <param name="LagSeconds">Age of the oldest event not yet applied (0 when caught up).</param>
/// <param name="Parked">Events the live generation stepped over (failure policy <c>park</c>); <paramref name="LastParked"/> is the newest.</param>
public sealed record ProjectionStatus(
    string Name,
    int Version,
    int Generation,
    string Schema,
    ProjectionState State,
    Position? Checkpoint,
    Position? Head,
    long? LagEvents,
    double? LagSeconds,
    double EventsPerSecond,
    long EventsHandled,
    long EventsSkipped,
    long EventsUnknown,
    ProjectionError? LastError,
    string? ActiveInstance,
    DateTimeOffset? Heartbeat,
    RebuildProgress? Rebuild,
    long Parked = 0,
    ParkedEvent? LastParked = null);

/// <summary>What a projection does when a handler fails on an event (not a transient database error).</summary>
public enum FailurePolicy
{
    /// <summary>Record the event in <c>parked_events</c> with the error and go on; <c>retry NAME</c> applies it later.</summary>
    Park,

    /// <summary>Stop the projection on the event (state faulted) until <c>resume NAME</c>.</summary>
    Stop,
}

/// <summary>An event a projection stepped over under <see cref="FailurePolicy.Park"/>, with the error it failed with.</summary>
public sealed record ParkedEvent(
    Position Position,
    string StreamId,
    ulong Revision,
    Guid EventId,
    string EventType,
    string Error,
    DateTimeOffset ParkedAt,
    int Attempts);

/// <summary>The outcome of <c>retry NAME</c>: parked events applied (and removed from the table), and those still parked.</summary>
public sealed record RetryOutcome(string Name, int Retried, int Applied, IReadOnlyList<ParkedEvent> StillParked);

public enum RebuildState
{
    Building,
    Faulted,
    Completed,
    Abandoned,
}

/// <summary>Progress of a blue/green rebuild (<c>rebuild NAME</c>).</summary>
/// <param name="Done">Events read by the new build so far (handled or skipped).</param>
/// <param name="Total">Done plus the events still ahead of it; an estimate from positions when the store cannot count.</param>
public sealed record RebuildProgress(
    string Name,
    int Generation,
    int Version,
    string Schema,
    RebuildState State,
    long Done,
    long? Total,
    double EventsPerSecond,
    TimeSpan? Eta,
    Position? Checkpoint,
    Position? Head,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    ProjectionError? Error)
{
    /// <summary>0–100, when the total is known.</summary>
    public double? Percent => Total is > 0 ? Math.Min(100, 100.0 * Done / Total.Value) : State == RebuildState.Completed ? 100 : null;
}
