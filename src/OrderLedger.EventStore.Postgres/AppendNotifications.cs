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

    /// <summary>How long appends may wait to share one notification; bounds the wake-up delay in other processes.</summary>
    private static readonly TimeSpan CoalescingWindow = TimeSpan.FromMilliseconds(5);
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
        NpgsqlConnection? connection = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await _notifyRequested.WaitAsync(cancellationToken);
                    connection ??= await OpenNotifyingConnectionAsync(cancellationToken);
                    await using (var command = new NpgsqlCommand($"SELECT pg_notify('{_channel}', '')", connection))
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }

                    // Appends during this pause share the next notification: one transaction for many appends.
                    await Task.Delay(CoalescingWindow, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
                {
                    _logger.LogWarning(ex, "Could not send the append notification; subscribers in other processes fall back to polling.");
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A notification carries no data, so its commit need not wait for the WAL flush; a crash can lose one, which
    /// the subscribers' poll covers. Waiting for the flush would give every notification a disk write of its own.
    /// </summary>
    private async Task<NpgsqlConnection> OpenNotifyingConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SET synchronous_commit = off", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
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
