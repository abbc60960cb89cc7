using Npgsql;
using OrderLedger.EventStore;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// Optional capability: counts the events of <c>$all</c> after a position, for "lag in events" and rebuild totals.
/// Registered for the embedded PostgreSQL store (<see cref="PostgresEventLogCounter"/>) and for EventStoreDB
/// (<see cref="ReadingEventLogCounter"/>); without one those figures are null and progress is estimated from positions.
/// </summary>
public interface IEventLogCounter
{
    Task<long> CountAfterAsync(Position? after, CancellationToken cancellationToken = default);
}

/// <summary>
/// Counts events in the embedded store's table (<c>eventstore.events</c>, ordered by <c>(tx_id, seq)</c>): exactly up to
/// <see cref="ExactUpTo"/> events, beyond that estimated from the sequence numbers (<c>seq</c> is one identity for the whole
/// log, so the head's <c>seq</c> minus the checkpoint's is the number of events appended since, give or take the few
/// transactions in flight). Counting a million rows for every status call made a status page, or a benchmark polling
/// it, compete with the rebuild it was watching.
/// </summary>
public sealed class PostgresEventLogCounter(NpgsqlDataSource dataSource, string schema = "eventstore") : IEventLogCounter
{
    public const long ExactUpTo = 10_000;

    private readonly string _schema = ProjectionOptions.IsIdentifier(schema) ? schema : throw new ArgumentException($"Bad schema name '{schema}'.", nameof(schema));

    public async Task<long> CountAfterAsync(Position? after, CancellationToken cancellationToken = default)
    {
        var position = after ?? Position.Start;
        await using var command = dataSource.CreateCommand($"""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM {_schema}.events WHERE (tx_id, seq) > ($1, $2) LIMIT {ExactUpTo + 1}) n),
                   (SELECT seq FROM {_schema}.events ORDER BY tx_id DESC, seq DESC LIMIT 1)
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Prepare) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var exact = reader.GetInt64(0);
        if (exact <= ExactUpTo || reader.IsDBNull(1))
        {
            return exact;
        }

        return Math.Max(exact, reader.GetInt64(1) - checked((long)position.Prepare));
    }
}

/// <summary>
/// Counts by reading <c>$all</c>, for a store that keeps no count (EventStoreDB): exactly up to <see cref="ExactUpTo"/>
/// events, beyond that estimated from commit positions (bytes of the log on EventStoreDB: the events read so far
/// cover a known share of the distance to the head), so a status call never reads a long backlog.
/// </summary>
public sealed class ReadingEventLogCounter(IEventStore store) : IEventLogCounter
{
    public const long ExactUpTo = 1_000;

    public async Task<long> CountAfterAsync(Position? after, CancellationToken cancellationToken = default)
    {
        long counted = 0;
        Position? last = null;
        await foreach (var record in store.ReadAllAsync(after, null, ExactUpTo + 1, cancellationToken))
        {
            counted++;
            last = record.Position;
        }

        if (counted <= ExactUpTo || last is not { } reached || await store.ReadHeadPositionAsync(cancellationToken) is not { } head)
        {
            return counted;
        }

        var from = (after ?? Position.Start).Commit;
        return reached.Commit <= from
            ? counted
            : Math.Max(counted, (long)Math.Round(counted * ((double)(head.Commit - from) / (reached.Commit - from))));
    }
}
