using Npgsql;
using NpgsqlTypes;
using OrderLedger.Projections;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>
/// Pre-aggregated counts of facts that each happen at one instant (an order placed, a rating given, …): one row per
/// store, fact, store-local day and UTC hour, counting the facts of that kind that happened in that hour (on that local
/// day). The projection adds to them in the same transaction as its fact rows and checkpoint, so they are exactly the
/// counts of the fact rows, whatever the batch boundaries (integer sums commute). A count may also go down (by a
/// negative increment) where a fact can stop being true after the fact (a conversation's classification); a bucket
/// that reaches 0 is deleted, so the table holds exactly the non-empty counts.
/// <para>
/// A window is answered by adding the buckets that lie wholly inside it (and wholly at or before "now") to a live count of
/// the few facts in the hours at its edges (see <see cref="MetricWindow.WhereBuckets"/> and
/// <see cref="MetricWindow.WhereOutsideBuckets"/>). Hours rather than days because the rolling window is 30 × 24 hours
/// up to "now": its edges then fall within an hour of live rows each, in any time zone.
/// </para>
/// </summary>
internal sealed class HourlyCounts(string table)
{
    public string Table => table;

    public string CreateTableSql(string schema) => $"""

        CREATE TABLE {schema}.{table} (
            store_id   text NOT NULL,
            fact       text NOT NULL,
            local_day  date NOT NULL,
            hour       timestamptz NOT NULL,
            n          bigint NOT NULL,
            PRIMARY KEY (store_id, local_day, hour, fact)
        );
        CREATE INDEX ON {schema}.{table} (store_id, hour) INCLUDE (fact, n);
        """;

    /// <summary>The UTC hour an instant falls in (the bucket).</summary>
    public static DateTimeOffset HourOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    public Batch NewBatch() => new(this);

    /// <summary>The increments of one batch, summed per bucket before they are written (one statement).</summary>
    internal sealed class Batch(HourlyCounts owner)
    {
        private readonly Dictionary<(string Store, string Fact, DateOnly Day, DateTimeOffset Hour), long> increments = [];

        public void Add(string storeId, string fact, DateOnly localDay, DateTimeOffset at, long n = 1)
        {
            var key = (storeId, fact, localDay, HourOf(at));
            increments[key] = increments.GetValueOrDefault(key) + n;
        }

        public async Task SaveAsync(ProjectionContext context, CancellationToken cancellationToken)
        {
            if (increments.Count == 0)
            {
                return;
            }

            var rows = increments.Where(i => i.Value != 0).ToArray();
            if (rows.Length == 0)
            {
                increments.Clear();
                return;
            }

            await using var command = new NpgsqlCommand(
                $"""
                INSERT INTO {context.Schema}.{owner.Table} AS t (store_id, fact, local_day, hour, n)
                SELECT * FROM unnest(@stores, @facts, @days, @hours, @ns)
                ON CONFLICT (store_id, local_day, hour, fact) DO UPDATE SET n = t.n + excluded.n
                """,
                context.Connection, context.Transaction);
            command.Parameters.Add(new NpgsqlParameter<string[]>("stores", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. rows.Select(r => r.Key.Store)] });
            command.Parameters.Add(new NpgsqlParameter<string[]>("facts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. rows.Select(r => r.Key.Fact)] });
            command.Parameters.Add(new NpgsqlParameter<DateOnly[]>("days", NpgsqlDbType.Array | NpgsqlDbType.Date) { TypedValue = [.. rows.Select(r => r.Key.Day)] });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. rows.Select(r => r.Key.Hour.UtcDateTime)] });
            command.Parameters.Add(new NpgsqlParameter<long[]>("ns", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. rows.Select(r => r.Value)] });
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (rows.Any(r => r.Value < 0))
            {
                // A count that moved away (a fact that stopped being true, e.g. a reclassified complaint) leaves no empty bucket.
                await using var prune = new NpgsqlCommand(
                    $"""
                    DELETE FROM {context.Schema}.{owner.Table} t
                    USING unnest(@stores, @facts, @days, @hours) AS k(store_id, fact, local_day, hour)
                    WHERE t.store_id = k.store_id AND t.fact = k.fact AND t.local_day = k.local_day AND t.hour = k.hour AND t.n = 0
                    """,
                    context.Connection, context.Transaction);
                var shrunk = rows.Where(r => r.Value < 0).ToArray();
                prune.Parameters.Add(new NpgsqlParameter<string[]>("stores", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. shrunk.Select(r => r.Key.Store)] });
                prune.Parameters.Add(new NpgsqlParameter<string[]>("facts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. shrunk.Select(r => r.Key.Fact)] });
                prune.Parameters.Add(new NpgsqlParameter<DateOnly[]>("days", NpgsqlDbType.Array | NpgsqlDbType.Date) { TypedValue = [.. shrunk.Select(r => r.Key.Day)] });
                prune.Parameters.Add(new NpgsqlParameter<DateTime[]>("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. shrunk.Select(r => r.Key.Hour.UtcDateTime)] });
                await prune.ExecuteNonQueryAsync(cancellationToken);
            }

            increments.Clear();
        }
    }
}
