using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrderLedger.EventStore.Postgres;

/// <summary>
/// Wakes live subscriptions when events are appended, in this process and in others.
/// Appends in this process pulse the local signal at once and ask for one coalesced <c>NOTIFY</c>; the
/// notification is sent outside the append's transaction because a notifying commit takes a global lock
/// that would serialise every append. A <c>LISTEN</c> connection turns other processes' notifications into
/// local pulses. Subscriptions also poll slowly, so a lost notification only costs latency.
/// </summary>
internal sealed class AppendNotifications : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _notifyRequested = new(0, 1);
    private readonly Lock _startLock = new();
    private Task? _listener;
    private Task? _notifier;
    private int _disposed;

    public AppendNotifications(NpgsqlDataSource dataSource, string channel, ILogger logger)
    {
        _dataSource = dataSource;
        _channel = channel;
        _logger = logger;
    }

    public AppendSignal Signal { get; } = new();

    public void Appended()
    {
        Signal.Pulse();
        EnsureStarted();
        try
        {
            _notifyRequested.Release();
        }
        catch (SemaphoreFullException)
        {
            // A notification is already pending; it will cover this append too.
        }
    }

    public void EnsureStarted()
    {
        if (_listener is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _listener ??= Task.Run(() => ListenAsync(_stopping.Token));
            _notifier ??= Task.Run(() => NotifyAsync(_stopping.Token));
        }
    }

    private async Task NotifyAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _notifyRequested.WaitAsync(cancellationToken);
                await using var command = _dataSource.CreateCommand($"SELECT pg_notify('{_channel}', '')");
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                _logger.LogWarning(ex, "Could not send the append notification; subscribers in other processes fall back to polling.");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, _) => Signal.Pulse();
                await using (var listen = new NpgsqlCommand($"LISTEN {_channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                // Anything appended while we were not listening is picked up by this pulse.
                Signal.Pulse();
                while (!cancellationToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                _logger.LogWarning(ex, "The LISTEN connection for {Channel} failed; reconnecting.", _channel);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host's container may hold the store under two service types and dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        foreach (var task in new[] { _listener, _notifier })
        {
            if (task is not null)
            {
                await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        _stopping.Dispose();
        _notifyRequested.Dispose();
    }
}
