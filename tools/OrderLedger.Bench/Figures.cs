namespace OrderLedger.Bench;

/// <summary>One measured figure over repetitions, with its baseline measured in the same run.</summary>
public sealed record Figure(string Name, string Unit, IReadOnlyList<double> Values, IReadOnlyList<double> Baseline, string Target, Func<Figure, bool> Met)
{
    public double Median => MedianOf(Values);
    public double BaselineMedian => MedianOf(Baseline);
    public double Ratio => BaselineMedian == 0 ? 0 : Median / BaselineMedian;

    private static double MedianOf(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
