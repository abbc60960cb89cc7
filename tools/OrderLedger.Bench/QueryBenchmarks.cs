using System.Diagnostics;
using Npgsql;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Metrics;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.ReadModels;

namespace OrderLedger.Bench;

/// <summary>p99 of the agent's timeline (first page and a deep page) and of the 30-day dashboard of one store.</summary>
public sealed class QueryBenchmarks(string connectionString, IReadOnlyList<string> customers, IReadOnlyList<string> stores)
{
    /// <summary>A pool as the API builds it: the read models' (prepared statements), or the metric figures' own.</summary>
    private NpgsqlDataSource DataSource(bool metrics = false) =>
        PostgresEventStore.CreateDataSource(metrics ? MetricPool.ConnectionString(connectionString) : connectionString);

    /// <summary>First pages of random customers; and for the regulars, every page from the tenth on (20 entries a page).</summary>
    public async Task<(double FirstPageP99, double DeepPageP99, int DeepestPage)> TimelineAsync(int queries, IReadOnlyList<string> regulars)
    {
        await using var dataSource = DataSource();
        var timeline = new CustomerTimelineQueries(dataSource);
        var random = new Random(7);
        var first = new Latencies();
        for (var i = 0; i < queries; i++)
        {
            await first.TimeAsync(() => timeline.GetPageAsync(stores, customers[random.Next(customers.Count)], null, 20));
        }

        var deep = new Latencies();
        var deepest = 0;
        foreach (var customer in regulars.Take(Math.Max(1, queries / 50)))
        {
            var page = await timeline.GetPageAsync(stores, customer, null, 20);
            for (var number = 2; page.NextCursor is { } cursor; number++)
            {
                page = number >= 10
                    ? await deep.TimeAsync(() => timeline.GetPageAsync(stores, customer, cursor, 20))
                    : await timeline.GetPageAsync(stores, customer, cursor, 20);
                deepest = Math.Max(deepest, number);
            }
        }

        return (first.Percentile(99), deep.Count > 0 ? deep.Percentile(99) : double.NaN, deepest);
    }

    public async Task<double> DashboardAsync(int queries, DateTimeOffset now) => (await DashboardLatenciesAsync(queries, now)).All.Percentile(99);

    /// <summary>The dashboard of each store in turn: the latencies of every call, and of each store's calls apart.</summary>
    public async Task<(Latencies All, IReadOnlyDictionary<string, Latencies> ByStore)> DashboardLatenciesAsync(int queries, DateTimeOffset now)
    {
        await using var dataSource = DataSource(metrics: true);
        var metrics = new MetricQueries(dataSource);
        var all = new Latencies();
        var byStore = stores.ToDictionary(s => s, _ => new Latencies(), StringComparer.Ordinal);
        for (var i = 0; i < queries; i++)
        {
            var store = stores[i % stores.Count];
            var started = Stopwatch.StartNew();
            await metrics.GetDashboardAsync(store, now);
            all.Add(started.Elapsed.TotalMilliseconds);
            byStore[store].Add(started.Elapsed.TotalMilliseconds);
        }

        return (all, byStore);
    }

    /// <summary>Median milliseconds of each figure the dashboard asks for, rolling 30 days of one store: what dominates.</summary>
    public async Task<IReadOnlyList<(string Figure, double MedianMs)>> DashboardBreakdownAsync(string store, int calls, DateTimeOffset now)
    {
        await using var dataSource = DataSource(metrics: true);
        var metrics = new MetricQueries(dataSource);
        var window = MetricWindow.Rolling30Days;
        var figures = new (string, Func<Task<object>>)[]
        {
            ("reply rate", async () => await metrics.Service.GetReplyRateAsync(store, null, window, now)),
            ("NPS", async () => await metrics.Service.GetNpsAsync(store, null, window, now)),
            ("first-contact resolution", async () => await metrics.Service.GetFirstContactResolutionAsync(store, null, window, now)),
            ("refund times", async () => await metrics.Commerce.GetRefundTimesAsync(store, window, now)),
            ("dispute rate", async () => await metrics.Commerce.GetDisputeRateAsync(store, window, now)),
            ("good-review rate", async () => await metrics.Service.GetGoodReviewRateAsync(store, null, window, now)),
            ("order flow (with logistics now)", async () => await metrics.GetOrderFlowAsync(store, window, now)),
            ("classification", async () => await metrics.Service.GetClassificationAsync(store, window, now)),
            ("work orders", async () => await metrics.GetWorkOrdersAsync(store, window, now) ?? (object)"not built"),
        };
        var result = new List<(string, double)>();
        foreach (var (name, call) in figures)
        {
            var latencies = new Latencies();
            for (var i = 0; i < calls; i++)
            {
                await latencies.TimeAsync(call);
            }

            result.Add((name, latencies.Percentile(50)));
        }

        return result;
    }
}
