using System.Diagnostics;

namespace OrderLedger.Bench;

/// <summary>Latency samples in milliseconds, with the percentiles the targets speak of.</summary>
public sealed class Latencies
{
    private readonly List<double> _samples = [];

    public int Count => _samples.Count;

    public void Add(double milliseconds)
    {
        lock (_samples)
        {
            _samples.Add(milliseconds);
        }
    }

    public async Task<T> TimeAsync<T>(Func<Task<T>> call)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await call();
        Add(stopwatch.Elapsed.TotalMilliseconds);
        return result;
    }

    public double Percentile(double p)
    {
        lock (_samples)
        {
            if (_samples.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _samples.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }
}
