using System.Diagnostics;

namespace OrderLedger.Bench;

/// <summary>
/// <c>--only dashboard</c>: the dataset, its first build by the standalone projector, and the dashboard figure; with
/// <c>--dataset NAME</c> the dataset is kept and reused, so repeated runs (and EXPLAIN sessions) skip the minutes of
/// writing it. On a reused database the projector first brings every projection up to date (a projection whose
/// <c>Version</c> changed is rebuilt blue/green), which is timed as the catch-up.
/// </summary>
public static class DashboardOnly
{
    public static readonly DateTimeOffset Now = new(2026, 10, 31, 12, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyList<string> MetricProjections = ["metric_service", "metric_commerce"];

    public static async Task<List<Figure>> RunAsync(BenchOptions options, int customers, int events, int queries)
    {
        var figures = new List<Figure>();
        await using var database = options.Dataset is { } name
            ? await BenchDatabase.OpenOrCreateKeptAsync(options.ServerConnectionString, name)
            : await BenchDatabase.CreateAsync(options.ServerConnectionString);
        var dataset = new LedgerDataset(customers, events);
        var written = await dataset.WriteUnlessPresentAsync(database.ConnectionString, line => Console.Error.WriteLine($"  {line}"));

        await using var catchUp = new CatchUpBenchmark(database.ConnectionString);
        await using var projector = ProjectorProcess.Start(database.ConnectionString, reactors: false); // the build is timed against the head
        var seconds = await catchUp.WaitUntilCaughtUpAsync(Stopwatch.StartNew(), TimeSpan.FromMinutes(30));
        Console.Error.WriteLine($"  catch-up: every projection live after {seconds:F1} s");
        if (options.RebuildMetrics)
        {
            var rates = new List<double>();
            for (var i = 0; i < options.Repetitions; i++)
            {
                var rebuild = await catchUp.RebuildAllAsync(TimeSpan.FromMinutes(30), [.. MetricProjections]);
                Console.Error.WriteLine($"  catch-up: blue/green rebuild of {string.Join(" + ", MetricProjections)}: {rebuild:F1} s, {written / rebuild:F0} events/s");
                rates.Add(written / rebuild);
            }

            figures.Add(new Figure("catch-up, rebuild of the 2 metric projections, events/s", "events/s", rates, "not made worse", _ => true));
        }

        var queriesBenchmark = new QueryBenchmarks(database.ConnectionString, dataset.CustomerIds, LedgerDataset.StoreIds);
        var dashboards = new List<double>();
        for (var i = 0; i < options.Repetitions; i++)
        {
            var (latencies, byStore) = await queriesBenchmark.DashboardLatenciesAsync(queries, Now);
            dashboards.Add(latencies.Percentile(99));
            var stores = string.Join("; ", byStore.Select(s => $"{s.Key} p50 {s.Value.Percentile(50):F1}, p90 {s.Value.Percentile(90):F1}, max {s.Value.Percentile(100):F1}"));
            Console.Error.WriteLine($"  queries: dashboard p50 {latencies.Percentile(50):F2} ms, p99 {dashboards[^1]:F2} ms, max {latencies.Percentile(100):F2} ms ({queries} calls; {stores})");
        }

        foreach (var (figure, median) in await queriesBenchmark.DashboardBreakdownAsync(LedgerDataset.StoreIds[0], Math.Max(5, queries / 10), Now))
        {
            Console.Error.WriteLine($"  breakdown, {LedgerDataset.StoreIds[0]}, rolling 30 days: {figure}: median {median:F2} ms");
        }

        figures.Add(new Figure("dashboard query (today + 30 days) p99", "ms", dashboards, "p99 < 25 ms", f => f.Median < 25));
        return figures;
    }
}
