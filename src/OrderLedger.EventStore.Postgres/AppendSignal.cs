namespace OrderLedger.EventStore.Postgres;

/// <summary>A broadcast wake-up for live subscriptions: every waiter is released by the next <see cref="Pulse"/>.</summary>
internal sealed class AppendSignal
{
    private TaskCompletionSource _next = NewSource();

    public Task NextAsync() => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
