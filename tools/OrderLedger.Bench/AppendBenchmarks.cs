using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using OrderLedger.EventStore;
using OrderLedger.EventStore.GroupCommit;
using OrderLedger.EventStore.Postgres;

namespace OrderLedger.Bench;

/// <summary>
/// Appends through the store port against the same rows written by raw Npgsql INSERTs into an equivalent
/// table (same columns, primary key and unique indexes), with the same concurrency.
/// </summary>
public sealed class AppendBenchmarks(string connectionString, bool quick)
{
    public const int Writers = 16;
    public static readonly byte[] Data = "{\"orderId\":\"o-1\",\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":19.90}"u8.ToArray();
    private static readonly byte[] Metadata = "{\"correlationId\":\"c\",\"causationId\":\"c\",\"commandId\":\"c\",\"actor\":{\"kind\":\"System\",\"id\":\"bench\"},\"occurredAt\":\"2026-11-01T10:00:00+00:00\",\"prevHash\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"hash\":\"1111111111111111111111111111111111111111111111111111111111111111\"}"u8.ToArray();

    public int SingleAppendsPerWriter => quick ? 150 : 1500;
    public int BatchAppendsPerWriter => quick ? 5 : 40;

    public async Task PrepareAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresMigrator.MigrateAsync(dataSource, PostgresEventStoreOptions.DefaultSchema);
        await using var command = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS baseline_events (
                tx_id bigint NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY, stream_id text NOT NULL, stream_revision bigint NOT NULL,
                event_id uuid NOT NULL, event_type text NOT NULL, content_type text NOT NULL, data bytea NOT NULL, metadata bytea NOT NULL,
                created timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tx_id, seq), UNIQUE (stream_id, stream_revision), UNIQUE (event_id));
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Events per second through <see cref="IEventStore.AppendAsync"/>; with <paramref name="groupCommit"/>, through the
    /// host's default <see cref="GroupCommitEventStore"/> around the same store.
    /// </summary>
    public async Task<double> StoreAsync(int eventsPerAppend, bool groupCommit = false)
    {
        await using var postgres = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        await using var grouped = groupCommit ? new GroupCommitEventStore(postgres) : null;
        IEventStore store = grouped is null ? postgres : grouped;
        var appends = eventsPerAppend == 1 ? SingleAppendsPerWriter : BatchAppendsPerWriter;
        var run = Guid.NewGuid().ToString("N")[..8];
        return await MeasureAsync(appends * eventsPerAppend, async writer =>
        {
            for (var i = 0; i < appends; i++)
            {
                var events = Enumerable.Range(0, eventsPerAppend)
                    .Select(_ => new EventData(Guid.NewGuid(), "order-line-added", Data, Metadata)).ToArray();
                await store.AppendAsync($"bench{run}-{writer}-{i}", ExpectedRevision.NoStream, events);
            }
        });
    }

    /// <summary>Streams per batch of <see cref="BulkAsync"/>: many commands' worth in one transaction, as seeding writes.</summary>
    public const int BulkStreams = 20;

    /// <summary>Events per stream per batch of <see cref="BulkAsync"/>: with <see cref="BulkStreams"/>, 100 rows per transaction like the batched baseline.</summary>
    public const int BulkEventsPerStream = 5;

    /// <summary>
    /// Events per second through <see cref="IEventStore.AppendBatchAsync"/>: each writer keeps <see cref="BulkStreams"/>
    /// streams and appends <see cref="BulkEventsPerStream"/> events to each of them per batch, the first batch with "no
    /// stream", every later one at the exact revision the previous left, so each batch checks every stream's revision.
    /// </summary>
    public async Task<double> BulkAsync()
    {
        await using var store = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        var run = Guid.NewGuid().ToString("N")[..8];
        return await MeasureAsync(BatchAppendsPerWriter * BulkStreams * BulkEventsPerStream, async writer =>
        {
            for (var i = 0; i < BatchAppendsPerWriter; i++)
            {
                var expected = i == 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact((ulong)(i * BulkEventsPerStream - 1));
                var batch = Enumerable.Range(0, BulkStreams)
                    .Select(s => new StreamAppend($"bulk{run}-{writer}-{s}", expected, Enumerable.Range(0, BulkEventsPerStream)
                        .Select(_ => new EventData(Guid.NewGuid(), "order-line-added", Data, Metadata)).ToArray()))
                    .ToArray();
                await store.AppendBatchAsync(batch);
            }
        });
    }

    /// <summary>Events per second written by plain INSERT statements of the same rows.</summary>
    public async Task<double> BaselineAsync(int eventsPerAppend)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var appends = eventsPerAppend == 1 ? SingleAppendsPerWriter : BatchAppendsPerWriter;
        var run = Guid.NewGuid().ToString("N")[..8];
        return await MeasureAsync(appends * eventsPerAppend, async writer =>
        {
            for (var i = 0; i < appends; i++)
            {
                // Single events: one VALUES row. Batches: one multi-row INSERT of the rows sent as arrays, as the store does.
                await using var command = dataSource.CreateCommand(eventsPerAppend == 1
                    ? """
                      INSERT INTO baseline_events (tx_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
                      VALUES (pg_current_xact_id()::text::bigint, $1, 0, $2[1], 'order-line-added', 'application/json', $3[1], $4[1])
                      """
                    : """
                      INSERT INTO baseline_events (tx_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
                      SELECT pg_current_xact_id()::text::bigint, $1, u.ord - 1, u.id, 'order-line-added', 'application/json', u.d, u.m
                      FROM unnest($2, $3, $4) WITH ORDINALITY AS u(id, d, m, ord)
                      """);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"base{run}-{writer}-{i}" });
                command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = Enumerable.Range(0, eventsPerAppend).Select(_ => Guid.NewGuid()).ToArray() });
                command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = Enumerable.Repeat(Data, eventsPerAppend).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = Enumerable.Repeat(Metadata, eventsPerAppend).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                await command.ExecuteNonQueryAsync();
            }
        });
    }

    /// <summary>Events per second of <see cref="Writers"/> writers running <paramref name="writer"/> at once.</summary>
    public static async Task<double> MeasureAsync(int eventsPerWriter, Func<int, Task> writer)
    {
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => writer(w))));
        return Writers * eventsPerWriter / stopwatch.Elapsed.TotalSeconds;
    }
}
