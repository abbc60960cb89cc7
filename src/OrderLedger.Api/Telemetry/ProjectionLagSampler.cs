using System.Diagnostics.Metrics;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Api.Telemetry;

/// <summary>
/// Samples projection status every few seconds for the gauges <c>orderledger.projection.lag.events</c>,
/// <c>orderledger.projection.lag.seconds</c> and <c>orderledger.projection.events_per_second</c> (tag <c>projection</c>).
/// </summary>
public sealed class ProjectionLagSampler(IProjectionAdmin projections, ApiTelemetry telemetry, ILogger<ProjectionLagSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private volatile IReadOnlyList<ProjectionStatus> _latest = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        telemetry.Meter.CreateObservableGauge("orderledger.projection.lag.events", () => Measure(s => s.LagEvents), "{event}", "Events in $all after the projection's checkpoint.");
        telemetry.Meter.CreateObservableGauge("orderledger.projection.lag.seconds", () => Measure(s => s.LagSeconds), "s", "Age of the oldest event not yet applied.");
        telemetry.Meter.CreateObservableGauge("orderledger.projection.events_per_second", () => Measure(s => s.EventsPerSecond), "{event}/s", "Projection throughput.");
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                _latest = await projections.GetStatusAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Projection status not available for the lag gauges");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private IEnumerable<Measurement<double>> Measure(Func<ProjectionStatus, double?> value) =>
        _latest.Where(s => value(s) is not null).Select(s => new Measurement<double>(value(s)!.Value, new KeyValuePair<string, object?>("projection", s.Name)));
}
