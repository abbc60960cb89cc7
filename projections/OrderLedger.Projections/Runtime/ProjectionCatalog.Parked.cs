using Npgsql;
using NpgsqlTypes;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// The dead-letter table <c>parked_events</c>: events a generation stepped over under the <c>park</c> failure policy,
/// with the error. A row is written in the transaction that moves the checkpoint past its event, and removed in the
/// transaction that applies the event on retry, so every event is applied exactly once or stays parked.
/// </summary>
internal sealed partial class ProjectionCatalog
{
    private const string ParkedColumns = "commit_position, prepare_position, stream_id, stream_revision, event_id, event_type, error, parked_at, attempts";

    private string ParkedTableSql => $"""
        CREATE TABLE IF NOT EXISTS {_reg}.parked_events (
            name            text NOT NULL,
            generation      int NOT NULL,
            commit_position bigint NOT NULL,
            prepare_position bigint NOT NULL,
            stream_id       text NOT NULL,
            stream_revision bigint NOT NULL,
            event_id        uuid NOT NULL,
            event_type      text NOT NULL,
            error           text NOT NULL,
            parked_at       timestamptz NOT NULL DEFAULT now(),
            attempts        int NOT NULL DEFAULT 1,
            PRIMARY KEY (name, generation, commit_position, prepare_position));
        """;

    public async Task ParkAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, GenerationRecord generation, RecordedEvent offending, Exception error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_reg}.parked_events (name, generation, commit_position, prepare_position, stream_id, stream_revision, event_id, event_type, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (name, generation, commit_position, prepare_position) DO UPDATE SET error = excluded.error, parked_at = now(), attempts = parked_events.attempts + 1
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)offending.Position.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)offending.Position.Prepare) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = offending.StreamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)offending.Revision) });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = offending.EventId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = offending.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = DescribeError(error) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The parked events of one generation, oldest first.</summary>
    public async Task<IReadOnlyList<ParkedEvent>> LoadParkedAsync(string name, int generation, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {ParkedColumns}
            FROM {_reg}.parked_events WHERE name = $1 AND generation = $2 ORDER BY commit_position, prepare_position
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        var parked = new List<ParkedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(ReadParked(reader, 0));
        }

        return parked;
    }

    /// <summary>
    /// Removes a parked event inside the retry's transaction, after locking the generation row so the active instance's
    /// batches (which update that row first) wait. False if another retry took it first.
    /// </summary>
    public async Task<bool> UnparkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, GenerationRecord generation, Position position, CancellationToken cancellationToken)
    {
        await using (var fence = new NpgsqlCommand($"SELECT 1 FROM {_reg}.generations WHERE name = $1 AND generation = $2 FOR UPDATE", connection, transaction))
        {
            fence.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
            fence.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
            await fence.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(
            $"DELETE FROM {_reg}.parked_events WHERE name = $1 AND generation = $2 AND commit_position = $3 AND prepare_position = $4",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Prepare) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>A retry that failed again: the row keeps the newest error and counts the attempt.</summary>
    public async Task RecordRetryFailureAsync(GenerationRecord generation, Position position, Exception error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE {_reg}.parked_events SET error = $5, attempts = attempts + 1
            WHERE name = $1 AND generation = $2 AND commit_position = $3 AND prepare_position = $4
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Prepare) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = DescribeError(error) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many events a generation parked, and the newest of them.</summary>
    public async Task<(long Count, ParkedEvent? Last)> ParkedSummaryAsync(string name, int generation, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT count(*) OVER (), {ParkedColumns}
            FROM {_reg}.parked_events WHERE name = $1 AND generation = $2 ORDER BY parked_at DESC, commit_position DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (0, null);
        }

        return (reader.GetInt64(0), ReadParked(reader, 1));
    }

    /// <summary>A parked event from the columns starting at <paramref name="first"/>, in the order of <see cref="ParkedColumns"/>.</summary>
    private static ParkedEvent ReadParked(NpgsqlDataReader reader, int first) => new(
        new Position((ulong)reader.GetInt64(first), (ulong)reader.GetInt64(first + 1)),
        reader.GetString(first + 2),
        (ulong)reader.GetInt64(first + 3),
        reader.GetGuid(first + 4),
        reader.GetString(first + 5),
        reader.GetString(first + 6),
        reader.GetFieldValue<DateTimeOffset>(first + 7),
        reader.GetInt32(first + 8));

    // Error text may quote the event's own text: it is stored as text, so it is made storable too.
    private static string DescribeError(Exception error) => StorableText.Clean($"{error.GetType().Name}: {error.Message}");
}
