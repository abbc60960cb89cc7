using Npgsql;
using NpgsqlTypes;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>
/// How the metric queries run: every statement gets the same named parameters (<c>@store</c>, <c>@agent</c>, <c>@now</c>,
/// the window's days and the hour boundaries derived from <c>now</c>), so a figure's SQL names only what it uses.
/// </summary>
internal sealed class MetricSql(NpgsqlDataSource dataSource, string viewSchema)
{
    private readonly string _views = ProjectionOptions.CheckedSchema(viewSchema);

    /// <summary>The stable view of a metric table, in the configured view schema.</summary>
    public string View(string table) => $"{_views}.{table}";

    /// <summary>The condition for an optional filter: none at all when the value is null, so every plan can use the indexes.</summary>
    public static string Is(string? value, string column, string parameter) => value is null ? "TRUE" : $"{column} = @{parameter}";

    public static double? Ratio(long part, long whole) => whole == 0 ? null : (double)part / whole;

    public async Task<List<T>> ListAsync<T>(
        string sql, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken) =>
        [.. await RunAsync(batch => Add(batch, sql, storeId, agentId, window, now, map), cancellationToken)];

    /// <summary>Adds the statement to <paramref name="batch"/> with the common parameters; its rows once the batch has run.</summary>
    public static Func<IReadOnlyList<T>> Add<T>(
        QueryBatch batch, string sql, string? storeId, string? agentId, MetricWindow window, DateTimeOffset now, Func<NpgsqlDataReader, T> map,
        QueryBatch.Plan plan = QueryBatch.Plan.Session) =>
        batch.Add(sql, Parameters(storeId, agentId, window, now), map, plan);

    /// <summary>Runs what <paramref name="add"/> puts in a batch of its own (one round trip) and returns its result.</summary>
    public async Task<T> RunAsync<T>(Func<QueryBatch, Func<T>> add, CancellationToken cancellationToken)
    {
        var batch = new QueryBatch();
        var result = add(batch);
        await batch.ExecuteAsync(dataSource, cancellationToken);
        return result();
    }

    public NpgsqlDataSource DataSource => dataSource;

    private static IEnumerable<NpgsqlParameter> Parameters(string? storeId, string? agentId, MetricWindow window, DateTimeOffset now)
    {
        var windowStart = MetricWindow.StartOfRolling(now);
        var repeatWindowStart = now.AddDays(-ServiceMetricsQueries.RepeatContactDays);
        var (rollingFirstDay, rollingLastDay) = MetricWindow.LocalDaysOfRolling(now);
        // Resolutions before this hour (and their whole hour bucket) are more than 7 days old: final.
        var finalHour = HourlyCounts.HourOf(repeatWindowStart);
        return
        [
            new NpgsqlParameter("store", NpgsqlDbType.Text) { Value = (object?)storeId ?? DBNull.Value },
            new NpgsqlParameter("agent", NpgsqlDbType.Text) { Value = (object?)agentId ?? DBNull.Value },
            new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.UtcDateTime },
            new NpgsqlParameter("windowStart", NpgsqlDbType.TimestampTz) { Value = windowStart.UtcDateTime },
            new NpgsqlParameter("repeatWindowStart", NpgsqlDbType.TimestampTz) { Value = repeatWindowStart.UtcDateTime },
            new NpgsqlParameter("fromDay", NpgsqlDbType.Date) { Value = window.From is { } from ? from : DBNull.Value },
            new NpgsqlParameter("toDay", NpgsqlDbType.Date) { Value = window.To is { } to ? to : DBNull.Value },
            new NpgsqlParameter("rollingFirstDay", NpgsqlDbType.Date) { Value = rollingFirstDay },
            new NpgsqlParameter("rollingLastDay", NpgsqlDbType.Date) { Value = rollingLastDay },
            new NpgsqlParameter("nowHour", NpgsqlDbType.TimestampTz) { Value = HourlyCounts.HourOf(now).UtcDateTime },
            new NpgsqlParameter("nextHour", NpgsqlDbType.TimestampTz) { Value = HourlyCounts.HourOf(now).AddHours(1).UtcDateTime },
            new NpgsqlParameter("firstWholeHour", NpgsqlDbType.TimestampTz) { Value = HourlyCounts.HourOf(windowStart).AddHours(1).UtcDateTime },
            new NpgsqlParameter("finalHour", NpgsqlDbType.TimestampTz) { Value = finalHour.UtcDateTime },
            new NpgsqlParameter("finalHourEnd", NpgsqlDbType.TimestampTz) { Value = finalHour.AddHours(1).UtcDateTime },
        ];
    }
}
