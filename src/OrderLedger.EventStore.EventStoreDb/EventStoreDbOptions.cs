namespace OrderLedger.EventStore.EventStoreDb;

/// <summary>The adapter's own resilience settings (the connection string holds the official client's settings).</summary>
public sealed class EventStoreDbOptions
{
    /// <summary>Tries of a call that fails transiently or lands on a follower, before <see cref="EventStoreUnavailableException"/>.</summary>
    public int RetryAttempts { get; set; } = 5;

    /// <summary>Pause before the first retry; it doubles on each further retry, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Consecutive failed resubscriptions after which a subscription gives up with
    /// <see cref="EventStoreUnavailableException"/>. Any message received resets the count.
    /// </summary>
    public int SubscriptionReconnectAttempts { get; set; } = 20;

    internal TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Max(0, attempt - 1));
        var delay = TimeSpan.FromTicks((long)Math.Min(RetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
