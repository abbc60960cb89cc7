using Npgsql;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>
/// The metric figures are read through a pool of their own whose statements are always planned for their parameters.
/// The best plan of a figure's statement depends on them — a store with a month of inquiries or one with none, the hours
/// since <c>now − 30 days</c> — and once a prepared statement has run five times PostgreSQL may switch it to a generic
/// plan that ignores them: on the benchmark's dataset the dashboard's p50 doubled and its classification figure took 8×
/// as long through the event store's pool (docs/benchmarks.md). So the pool's sessions run with
/// <c>plan_cache_mode = force_custom_plan</c>: the statements are still prepared, which saves their parse and rewrite on
/// every call, but every execution is planned for its own store and window.
/// </summary>
public static class MetricPool
{
    /// <summary>Enough for every figure's statement of the dashboard and the metric endpoints to stay prepared per connection.</summary>
    public const int PreparedStatements = 128;

    /// <summary>The key of that pool among the data sources keyed by connection string: the same database, custom plans only.</summary>
    public static string ConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = PreparedStatements, AutoPrepareMinUsages = 2 };
        builder.Options = $"{builder.Options} -c plan_cache_mode=force_custom_plan".Trim();
        return builder.ConnectionString;
    }
}
