using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// The projector: one <see cref="ProjectionRunner"/> per registered projection, each active in exactly one process at a
/// time. The same service runs in the API host and in the standalone <c>OrderLedger.Projector</c> worker.
/// </summary>
public sealed class ProjectionHostedService : BackgroundService
{
    private readonly IReadOnlyList<IProjection> _projections;
    private readonly IEventStore _store;
    private readonly EventCodec _codec;
    private readonly ProjectionCatalog _catalog;
    private readonly ProjectionOptions _options;
    private readonly ILoggerFactory _loggers;

    internal ProjectionHostedService(
        IEnumerable<IProjection> projections,
        IEventStore store,
        EventCodec codec,
        ProjectionCatalog catalog,
        ProjectionOptions options,
        ILoggerFactory loggers)
    {
        _projections = ProjectionValidation.Validate(projections);
        _store = store;
        _codec = codec;
        _catalog = catalog;
        _options = options;
        _loggers = loggers;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!_options.RunProjectors || _projections.Count == 0)
        {
            return;
        }

        var logger = _loggers.CreateLogger("OrderLedger.Projections");
        var delay = _options.FirstRetryDelay;
        while (true)
        {
            try
            {
                await _catalog.MigrateAsync(stoppingToken);
                break;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && TransientErrors.IsTransient(ex))
            {
                logger.LogWarning(ex, "Projections: database not reachable yet; retrying in {Delay}.", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(_options.MaxRetryDelay.Ticks, delay.Ticks * 2));
            }
        }

        // One $all reader for every projection of this process: the log is read and decoded once, not once per projection.
        await using var reader = new SharedLogReader(_store, _codec, _options, logger, _loggers.CreateLogger("OrderLedger.Projections.Timings"));
        var runners = _projections.Select(p => new ProjectionRunner(p, reader, _codec, _catalog, _options, _loggers.CreateLogger($"OrderLedger.Projections.{p.Name}"))).ToList();
        try
        {
            await Task.WhenAll(runners.Select(r => r.RunAsync(stoppingToken)));
        }
        finally
        {
            runners.ForEach(r => r.Dispose());
        }
    }
}
