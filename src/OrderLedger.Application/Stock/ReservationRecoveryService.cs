using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderLedger.Application.CommandHandling;

namespace OrderLedger.Application.Stock;

/// <summary>
/// Runs <see cref="ReservationRecovery"/> every <see cref="CommandHandlerOptions.RecoveryInterval"/>, so reservations
/// left by placements that died half-way are released after the reservation timeout. Every step is idempotent, so
/// several hosts may run it at once.
/// </summary>
public sealed partial class ReservationRecoveryService(
    ReservationRecovery recovery,
    CommandHandlerOptions options,
    TimeProvider timeProvider,
    ILogger<ReservationRecoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RecoveryInterval, timeProvider);
        do
        {
            try
            {
                var report = await recovery.RunAsync(stoppingToken);
                if (report.Released.Count > 0)
                {
                    LogReleased(report.Released.Count, report.OpenReservationsSeen);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Released} orphaned stock reservations ({Open} open reservations seen).")]
    private partial void LogReleased(int released, int open);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reservation recovery pass failed; retrying at the next interval.")]
    private partial void LogFailed(Exception exception);
}
