using Npgsql;
using OrderLedger.EventStore;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// Optional capability: counts the events of <c>$all</c> after a position, for "lag in events" and rebuild totals.
/// Registered for the embedded PostgreSQL store; without it those figures are null (the EventStoreDB adapter cannot
/// count cheaply) and progress is estimated from positions.
/// </summary>
public interface IEventLogCounter
{
    Task<long> CountAfterAsync(Position? after, CancellationToken cancellationToken = default);
}

/// <summary>Counts events in the embedded store's table (<c>eventstore.events</c>, ordered by <c>(tx_id, seq)</c>).</summary>
public sealed class PostgresEventLogCounter(NpgsqlDataSource dataSource, string schema = "eventstore") : IEventLogCounter
{
    private readonly string _schema = ProjectionOptions.IsIdentifier(schema) ? schema : throw new ArgumentException($"Bad schema name '{schema}'.", nameof(schema));

    public async Task<long> CountAfterAsync(Position? after, CancellationToken cancellationToken = default)
    {
        var position = after ?? Position.Start;
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {_schema}.events WHERE (tx_id, seq) > ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Prepare) });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
