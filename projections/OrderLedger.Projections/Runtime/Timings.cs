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
/// Information when that category is enabled (the benchmark turns it on to profile a catch-up), and only for an
/// interval in which events were read or applied: an idle host stays quiet.
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
                if (TakeReport() is { } line)
                {
                    logger.LogInformation("{Timings}", line);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The interval's line, resetting the sums; null when nothing was read or applied since the last one.</summary>
    public string? TakeReport()
    {
        var events = Interlocked.Exchange(ref _events, 0);
        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"reader: {events} events; read wait {Ms(ref _readWait)}, decode {Ms(ref _decode)}, deliver wait {Ms(ref _deliverWait)}");
        var applied = 0L;
        foreach (var (name, steps) in _projections.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var projected = Interlocked.Exchange(ref steps[(int)Step.Events], 0);
            applied += projected;
            line.Append(CultureInfo.InvariantCulture, $" | {name}: {projected} ev; wait {Ms(ref steps[0])}, checkpoint {Ms(ref steps[1])}, apply {Ms(ref steps[2])}, commit {Ms(ref steps[3])}");
        }

        return events == 0 && applied == 0 ? null : line.ToString();
    }

    private static string Ms(ref long ticks) =>
        (Interlocked.Exchange(ref ticks, 0) * 1000.0 / Stopwatch.Frequency).ToString("F0", CultureInfo.InvariantCulture) + " ms";
}
