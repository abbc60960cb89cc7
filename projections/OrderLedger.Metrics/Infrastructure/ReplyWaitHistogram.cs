using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using OrderLedger.Projections;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>
/// The waits of the answered in-hours inquiries as a histogram: one row per store, store-local day and wait bucket, with
/// how many waits fell in it, how many of those were in time, their exact sum, and the earliest and latest start and
/// latest reply among them. The reply rate's exact mean and percentiles read the whole days of a window from here and
/// only the rows of the days at its edges, plus, for each rank a percentile needs, the rows of the one bucket that holds
/// it (docs/metrics.md, "The reply rate from the wait histogram").
/// <para>
/// A wait's bucket is <c>width_bucket(wait, thresholds)</c>, kept by PostgreSQL in the inquiry row's generated
/// <c>wait_bucket</c> column from the same expression as its <c>wait_seconds</c>: the histogram, the edge rows and the
/// rows fetched for a rank all agree on which bucket a wait is in, to the last bit. An inquiry's start, day, service
/// hours and wait never change once it is answered, and it is answered once, so the histogram is only ever added to,
/// in the projection's transaction; the sum is <c>numeric</c>, so it is the same whatever the batch boundaries.
/// </para>
/// </summary>
internal sealed class ReplyWaitHistogram(string table, string inquiriesTable)
{
    /// <summary>
    /// The lower bounds of the buckets in seconds (a wait below the first is in bucket 0): every 10 s to 10 minutes, where
    /// first replies mostly fall, then coarser up to 30 days. Changing them needs a new projection version.
    /// </summary>
    public static IReadOnlyList<double> Thresholds { get; } =
    [
        .. Steps(0, 600, 10), .. Steps(660, 1_800, 60), .. Steps(2_400, 7_200, 600), .. Steps(10_800, 86_400, 3_600), .. Steps(172_800, 2_592_000, 86_400),
    ];

    public string Table => table;

    /// <summary>The generated column's expression: the bucket of the wait computed exactly as <c>wait_seconds</c> is.</summary>
    public static string BucketOf(string waitSecondsSql) =>
        $"width_bucket({waitSecondsSql}, '{{{string.Join(',', Thresholds.Select(t => t.ToString(CultureInfo.InvariantCulture)))}}}'::float8[])";

    public string CreateTableSql(string schema) => $"""

        CREATE TABLE {schema}.{table} (
            store_id         text NOT NULL,
            local_day        date NOT NULL,
            wait_bucket      integer NOT NULL,
            n                bigint NOT NULL,
            in_time          bigint NOT NULL,
            wait_sum         numeric NOT NULL,
            first_started_at timestamptz NOT NULL,
            last_started_at  timestamptz NOT NULL,
            last_reply_at    timestamptz NOT NULL,
            PRIMARY KEY (store_id, local_day, wait_bucket)
        );
        """;

    /// <summary>
    /// Counts the inquiries answered in this batch (their rows already written in this transaction), read back from those
    /// rows so that their waits and buckets are PostgreSQL's own.
    /// </summary>
    public async Task AddAnsweredAsync(ProjectionContext context, IReadOnlyCollection<(string ConversationId, int Seq)> answered, CancellationToken cancellationToken)
    {
        if (answered.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {context.Schema}.{table} AS t (store_id, local_day, wait_bucket, n, in_time, wait_sum, first_started_at, last_started_at, last_reply_at)
            SELECT i.store_id, i.local_day, i.wait_bucket, count(*), count(*) FILTER (WHERE i.wait_seconds <= {ServiceMetricsQueries.ReplyTargetSeconds}),
                   sum(i.wait_seconds::numeric), min(i.started_at), max(i.started_at), max(i.first_reply_at)
            FROM {KeyProbe.From($"{context.Schema}.{inquiriesTable}", [("conversation_id", "conversations"), ("seq", "seqs")], "*", "i")}
            WHERE i.in_service_hours AND i.first_reply_at IS NOT NULL
            GROUP BY i.store_id, i.local_day, i.wait_bucket
            ON CONFLICT (store_id, local_day, wait_bucket) DO UPDATE SET
                n = t.n + excluded.n, in_time = t.in_time + excluded.in_time, wait_sum = t.wait_sum + excluded.wait_sum,
                first_started_at = least(t.first_started_at, excluded.first_started_at),
                last_started_at = greatest(t.last_started_at, excluded.last_started_at),
                last_reply_at = greatest(t.last_reply_at, excluded.last_reply_at)
            """,
            context.Connection, context.Transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]>("conversations", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. answered.Select(a => a.ConversationId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. answered.Select(a => a.Seq)] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static IEnumerable<double> Steps(int from, int to, int step)
    {
        for (var t = from; t <= to; t += step)
        {
            yield return t;
        }
    }
}
