using Microsoft.Extensions.Hosting;
using OrderLedger.Projections.Runtime;

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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollingLoop.RunAsync(PassAsync, Interval, Time, OnPassFailed, stoppingToken);
}
