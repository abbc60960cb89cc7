namespace OrderLedger.Application.CommandHandling;

public sealed class CommandHandlerOptions
{
    /// <summary>How many times a command is decided again after a concurrency conflict before giving up.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Base of the jittered exponential back-off between attempts.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How many streams keep their folded state in memory between commands, so a command reads only the events
    /// appended since (0 = fold every stream from its start each time).
    /// </summary>
    public int StateCacheStreams { get; init; } = 10_000;

    /// <summary>
    /// How far a command's business time may lie ahead of the server's clock (clients' clocks drift a little); bound
    /// from <c>BusinessTime:MaxFutureSkew</c>.
    /// </summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Cap of the back-off.</summary>
    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>An open stock reservation whose order is still not placed after this long is released by the recovery path.</summary>
    public TimeSpan ReservationTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often <see cref="Stock.ReservationRecoveryService"/> runs a recovery pass.</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromMinutes(1);
}
