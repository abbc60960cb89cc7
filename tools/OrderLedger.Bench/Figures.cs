namespace OrderLedger.Bench;

/// <summary>One measured figure over repetitions, with its baseline (if any) measured in the same run, and its target.</summary>
public sealed record Figure(string Name, string Unit, IReadOnlyList<double> Values, string Target, Func<Figure, bool> Met)
{
    public IReadOnlyList<double> Baseline { get; init; } = [];

    public string? BaselineName { get; init; }

    /// <summary>Further peers measured in the same run (name and values), each printed with this figure's ratio to it.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<double> Values)> Peers { get; init; } = [];

    /// <summary>This figure's median over the peer's median.</summary>
    public double RatioTo(IReadOnlyList<double> peer) => Median / MedianOf(peer);

    public double Min => Values.Min();
    public double Max => Values.Max();
    public double Median => MedianOf(Values);
    public double BaselineMedian => MedianOf(Baseline);
    public double Ratio => BaselineMedian == 0 ? double.NaN : Median / BaselineMedian;

    public static double MedianOf(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
