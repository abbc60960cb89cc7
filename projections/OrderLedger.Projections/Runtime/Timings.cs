using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// Where the projector's time goes, summed over a reporting interval: for the shared reader, waiting for <c>$all</c>
/// pages, decoding, and waiting for the workers to take a batch; per projection, waiting for a batch, moving the
/// checkpoint, the handler's SQL, and the commit. Logged every 10 s under <c>OrderLedger.Projections.Timings</c> at
/// Information when that category is enabled (the benchmark turns it on to profile a catch-up).
/// </summary>
internal sealed class Timings
{
    private readonly ConcurrentDictionary<string, long[]> _projections = new(StringComparer.Ordinal);
    private long _readWait;
    private long _decode;
    private long _deliverWait;
    private long _events;

    public enum Step
    {
        Wait,
        Checkpoint,
        Apply,
        Commit,
        Events,
    }

    public static long Now => Stopwatch.GetTimestamp();

    public void ReadWait(long since) => Interlocked.Add(ref _readWait, Now - since);

    public void Decode(long since) => Interlocked.Add(ref _decode, Now - since);

    public void DeliverWait(long since, int events)
    {
        Interlocked.Add(ref _deliverWait, Now - since);
        Interlocked.Add(ref _events, events);
    }

    public void Projection(string name, Step step, long ticksOrCount) =>
        Interlocked.Add(ref _projections.GetOrAdd(name, _ => new long[5])[(int)step], ticksOrCount);

    public async Task ReportAsync(ILogger logger, CancellationToken cancellationToken)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"reader: {Interlocked.Exchange(ref _events, 0)} events; read wait {Ms(ref _readWait)}, decode {Ms(ref _decode)}, deliver wait {Ms(ref _deliverWait)}");
                foreach (var (name, steps) in _projections.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    line.Append(CultureInfo.InvariantCulture, $" | {name}: {Interlocked.Exchange(ref steps[(int)Step.Events], 0)} ev; wait {Ms(ref steps[0])}, checkpoint {Ms(ref steps[1])}, apply {Ms(ref steps[2])}, commit {Ms(ref steps[3])}");
                }

                logger.LogInformation("{Timings}", line.ToString());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Ms(ref long ticks) =>
        (Interlocked.Exchange(ref ticks, 0) * 1000.0 / Stopwatch.Frequency).ToString("F0", CultureInfo.InvariantCulture) + " ms";
}
