namespace OrderLedger.Bench;

/// <summary>One measured figure over repetitions, with its baseline (if any) measured in the same run, and its target.</summary>
public sealed record Figure(string Name, string Unit, IReadOnlyList<double> Values, string Target, Func<Figure, bool> Met)
{
    public IReadOnlyList<double> Baseline { get; init; } = [];

    public string? BaselineName { get; init; }

    public double Min => Values.Min();
    public double Max => Values.Max();
    public double Median => MedianOf(Values);
    public double BaselineMedian => MedianOf(Baseline);
    public double Ratio => BaselineMedian == 0 ? double.NaN : Median / BaselineMedian;

    private static double MedianOf(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
