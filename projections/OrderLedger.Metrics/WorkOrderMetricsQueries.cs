using Npgsql;
using NpgsqlTypes;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.Metrics;

/// <summary>
/// Work-order handling time and first-plan timeliness (<see cref="WorkOrderFigures"/>, docs/metrics.md "Work orders"),
/// from the core read model <c>work_orders</c>, the way the order flow reads the shipments read model. A fact's
/// store-local day is taken in the store's time zone as the dashboard uses it; facts after <c>now</c> are not counted.
/// </summary>
public sealed class WorkOrderMetricsQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
{
    private readonly string _table = $"{ProjectionOptions.CheckedSchema(viewSchema)}.work_orders";

    /// <summary>The figures of one store over <paramref name="window"/>; null while the read model is not built in this database.</summary>
    public async Task<WorkOrderFigures?> GetAsync(string storeId, string timeZone, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            var batch = new QueryBatch();
            var figures = Add(batch, storeId, timeZone, window, now);
            await batch.ExecuteAsync(dataSource, cancellationToken);
            return figures();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    /// <summary>The view the figures read (a batch adds <see cref="Add"/> only once it exists).</summary>
    public string View => _table;

    /// <summary><see cref="GetAsync"/> as a statement of <paramref name="batch"/>, for a caller that knows <see cref="View"/> exists.</summary>
    public Func<WorkOrderFigures> Add(QueryBatch batch, string storeId, string timeZone, MetricWindow window, DateTimeOffset now)
    {
        var sql = $"""
            WITH opened AS (
                SELECT first_answer_at <= plan_due_at AND first_answer_at <= @now AS on_time, plan_due_at < @now AS due, escalated_at <= @now AS escalated
                FROM {_table} WHERE store_id = @store AND {Where("opened_at", window)}
            ), resolved AS (
                SELECT date_part('epoch', resolved_at - opened_at) AS secs
                FROM {_table} WHERE store_id = @store AND resolved_at IS NOT NULL AND {Where("resolved_at", window)}
            )
            SELECT (SELECT count(*) FROM opened),
                   (SELECT count(*) FILTER (WHERE on_time IS TRUE) FROM opened),
                   (SELECT count(*) FILTER (WHERE on_time IS NOT TRUE AND due) FROM opened),
                   (SELECT count(*) FILTER (WHERE on_time IS NOT TRUE AND NOT due) FROM opened),
                   (SELECT count(*) FILTER (WHERE escalated IS TRUE) FROM opened),
                   (SELECT count(*) FROM resolved),
                   (SELECT avg(secs) FROM resolved),
                   (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY secs) FROM resolved)
            """;
        var rows = batch.Add(
            sql,
            [
                new NpgsqlParameter("store", NpgsqlDbType.Text) { Value = storeId },
                new NpgsqlParameter("tz", NpgsqlDbType.Text) { Value = timeZone },
                new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.UtcDateTime },
                new NpgsqlParameter("windowStart", NpgsqlDbType.TimestampTz) { Value = MetricWindow.StartOfRolling(now).UtcDateTime },
                new NpgsqlParameter("fromDay", NpgsqlDbType.Date) { Value = window.From is { } from ? from : DBNull.Value },
                new NpgsqlParameter("toDay", NpgsqlDbType.Date) { Value = window.To is { } to ? to : DBNull.Value },
            ],
            reader =>
            {
                var (onTime, late) = (reader.Long(1), reader.Long(2));
                return new WorkOrderFigures(
                    reader.Long(0), onTime, late, reader.Long(3), reader.Long(4), onTime + late == 0 ? null : (double)onTime / (onTime + late),
                    reader.Long(5), reader.DoubleN(6), reader.DoubleN(7));
            },
            QueryBatch.Plan.Generic);
        return () => rows().Single();
    }

    /// <summary>The window over one time column: its store-local day in <c>@tz</c> for days, the 30 × 24 hours up to now otherwise.</summary>
    private static string Where(string timeColumn, MetricWindow window) => window.IsRolling
        ? $"{timeColumn} > @windowStart AND {timeColumn} <= @now"
        : $"({timeColumn} AT TIME ZONE @tz)::date BETWEEN @fromDay AND @toDay AND {timeColumn} <= @now";
}
