using Npgsql;
using NpgsqlTypes;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Tests.Support;

/// <summary>
/// A test projection whose effects are not idempotent (balances are incremented, entries inserted under a unique
/// key), so any duplicate or lost batch shows in the tables' digest.
/// </summary>
public sealed class LedgerProjection(string name = "ledger", int version = 1) : IProjection
{
    private int _batches;

    public string Name => name;

    public int Version => version;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { TestEvents.DepositedType, TestEvents.WithdrawnType };

    public IReadOnlyList<string> Tables => [AccountsTable, EntriesTable];

    /// <summary>The balances, rewritten by every batch: compacted before a build goes live.</summary>
    public IReadOnlyList<string> CompactedTables => [AccountsTable];

    public string AccountsTable => $"{name}_accounts";

    public string EntriesTable => $"{name}_entries";

    /// <summary>Sleeps between the handler's two statements, so a test can kill the process mid-batch.</summary>
    public int MidBatchSleepMs { get; init; }

    /// <summary>A CHECK constraint rejects entries of this amount: a real, non-transient database error.</summary>
    public long? RejectedAmount { get; init; }

    /// <summary>Called at the start of every batch with its number (1-based), inside the transaction.</summary>
    public Func<int, ProjectionContext, Task>? BeforeBatch { get; init; }

    public int Batches => Volatile.Read(ref _batches);

    public string CreateTablesSql(string schema)
    {
        // Version 2+ puts a new column first, so the switch cannot simply CREATE OR REPLACE the view.
        var versionColumn = version >= 2 ? $"schema_version int NOT NULL DEFAULT {version}," : "";
        var check = RejectedAmount is { } rejected ? $"CHECK (amount <> {rejected})" : "";
        return $"""
            CREATE TABLE {schema}.{AccountsTable} (
                {versionColumn}
                stream_id     text PRIMARY KEY,
                balance       bigint NOT NULL,
                events        bigint NOT NULL,
                last_revision bigint NOT NULL);
            CREATE TABLE {schema}.{EntriesTable} (
                event_id         uuid PRIMARY KEY,
                stream_id        text NOT NULL,
                revision         bigint NOT NULL,
                amount           bigint NOT NULL {check},
                commit_position  bigint NOT NULL,
                prepare_position bigint NOT NULL);
            """;
    }

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _batches);
        if (BeforeBatch is not null)
        {
            await BeforeBatch(number, context);
        }

        var amounts = batch.Select(e => e.Event switch
        {
            Deposited d => d.Amount,
            Withdrawn w => -w.Amount,
            _ => throw new InvalidOperationException($"Unexpected event {e.Event.GetType().Name}."),
        }).ToArray();
        var streams = batch.Select(e => e.Record.StreamId).ToArray();
        var revisions = batch.Select(e => (long)e.Record.Revision).ToArray();

        await using (var entries = new NpgsqlCommand(
            $"""
            INSERT INTO {context.Schema}.{EntriesTable} (event_id, stream_id, revision, amount, commit_position, prepare_position)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
            """,
            context.Connection,
            context.Transaction))
        {
            entries.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = batch.Select(e => e.Record.EventId).ToArray() });
            entries.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams });
            entries.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = revisions });
            entries.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = amounts });
            entries.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = batch.Select(e => (long)e.Record.Position.Commit).ToArray() });
            entries.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = batch.Select(e => (long)e.Record.Position.Prepare).ToArray() });
            await entries.ExecuteNonQueryAsync(cancellationToken);
        }

        if (MidBatchSleepMs > 0)
        {
            await using var sleep = new NpgsqlCommand($"SELECT pg_sleep({MidBatchSleepMs / 1000.0:0.000})", context.Connection, context.Transaction);
            await sleep.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var accounts = new NpgsqlCommand(
            $"""
            INSERT INTO {context.Schema}.{AccountsTable} AS a (stream_id, balance, events, last_revision)
            SELECT stream_id, sum(amount), count(*), max(revision)
            FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(stream_id, amount, revision)
            GROUP BY stream_id
            ON CONFLICT (stream_id) DO UPDATE
            SET balance = a.balance + excluded.balance, events = a.events + excluded.events,
                last_revision = greatest(a.last_revision, excluded.last_revision)
            """,
            context.Connection,
            context.Transaction);
        accounts.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        accounts.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = amounts });
        accounts.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = revisions });
        await accounts.ExecuteNonQueryAsync(cancellationToken);
    }
}
