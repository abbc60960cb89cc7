namespace OrderLedger.Projections.Runtime;

/// <summary>The loop of a background service that works in passes (the reactors' services through PollingService, the connector worker).</summary>
public static class PollingLoop
{
    /// <summary>
    /// Runs <paramref name="pass"/> every <paramref name="interval"/> (on <paramref name="time"/>) until stopped. A pass
    /// that throws is reported to <paramref name="failed"/> and the loop goes on: its work is tried again next time.
    /// </summary>
    public static async Task RunAsync(Func<CancellationToken, Task> pass, TimeSpan interval, TimeProvider time, Action<Exception> failed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pass(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failed(ex);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
