using Microsoft.Extensions.Hosting;

namespace OrderLedger.Reactors;

/// <summary>
/// A reactor that works in passes: one now, then one every <see cref="Interval"/> on <see cref="TimeProvider"/>'s timers
/// until the host stops. A pass that fails is reported and the next one tries again: its work is idempotent.
/// </summary>
public abstract class PollingService(TimeProvider time) : BackgroundService
{
    /// <summary>The clock of the passes: "now" for the work too.</summary>
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task PassAsync(CancellationToken cancellationToken);

    protected abstract void OnPassFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                OnPassFailed(ex);
            }

            try
            {
                await Task.Delay(Interval, Time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
