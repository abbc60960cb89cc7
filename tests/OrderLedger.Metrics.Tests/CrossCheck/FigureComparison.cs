using System.Collections;
using Xunit;

namespace OrderLedger.Metrics.Tests.CrossCheck;

/// <summary>How the cross-checks compare the figures of the queries with those of a plain computation over the raw events.</summary>
internal static class FigureComparison
{
    /// <summary>Equal figure by figure: counts exactly, averages and percentiles to within rounding.</summary>
    public static void Same(object? expected, object? actual, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{what}: expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}");
            return;
        }

        switch (expected)
        {
            case double e:
                var a = (double)actual;
                Assert.True(Math.Abs(e - a) <= 1e-6 * Math.Max(1, Math.Abs(e)), $"{what}: expected {e}, got {a}");
                return;
            case string or long or int or bool or DateOnly:
                Assert.True(expected.Equals(actual), $"{what}: expected {expected}, got {actual}");
                return;
            case IEnumerable list:
                var e1 = list.Cast<object?>().ToList();
                var a1 = ((IEnumerable)actual).Cast<object?>().ToList();
                Assert.True(e1.Count == a1.Count, $"{what}: expected {e1.Count} entries, got {a1.Count}");
                for (var i = 0; i < e1.Count; i++)
                {
                    Same(e1[i], a1[i], $"{what} [{i}]");
                }

                return;
        }

        foreach (var property in expected.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            Same(property.GetValue(expected), property.GetValue(actual), $"{what}: {property.Name}");
        }
    }
}
