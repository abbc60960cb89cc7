using Npgsql;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>
/// The metric figures are read through a pool of their own that prepares no statement. The best plan of a figure's
/// statement depends on its parameters — a store with a month of inquiries or one with none, the hours since
/// <c>now − 30 days</c> — and once a prepared statement has run five times PostgreSQL may switch it to a generic plan
/// that ignores them: on the benchmark's dataset the dashboard's p50 doubled and its classification figure took 8× as
/// long through the event store's pool (which prepares its own few statements, docs/benchmarks.md). Unprepared, every
/// execution is planned for its own store and window, for under a millisecond.
/// </summary>
public static class MetricPool
{
    /// <summary>The key of that pool among the data sources keyed by connection string: the same database, nothing prepared.</summary>
    public static string ConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0 }.ConnectionString;
}
