using Npgsql;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Testing;

namespace OrderLedger.ReadModels.Tests.Support;

/// <summary>
/// The "given" of a spec: domain events appended through the real PostgreSQL event store (encoded, hash-chained),
/// then read back from <c>$all</c> and decoded exactly as the projection runtime sees them.
/// </summary>
public sealed class Ledger : IAsyncDisposable
{
    private readonly IEventStore store;
    private readonly Position? start;
    private readonly EventCodec codec = new(DomainEventTypes.CreateRegistry());
    private int appended;

    private Ledger(IEventStore store, Position? start)
    {
        this.store = store;
        this.start = start;
    }

    /// <summary>Opens the store of <paramref name="database"/>; <see cref="ReadAsync"/> returns only what is appended from now on.</summary>
    public static async Task<Ledger> OpenAsync(TestDatabase database) =>
        await OpenAsync(await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString }));

    /// <summary>Appends to <paramref name="store"/> (disposed with the ledger).</summary>
    public static async Task<Ledger> OpenAsync(IEventStore store) => new(store, await store.ReadHeadPositionAsync());

    /// <summary>Appends the events of one command to <paramref name="streamId"/>, recorded as happening at <paramref name="at"/>.</summary>
    public async Task AppendAsync(string streamId, DateTimeOffset at, params object[] events)
    {
        var last = await store.ReadStreamAsync(streamId, StreamReadOptions.Last(1)).FirstOrDefaultAsync();
        var context = new CommandContext(Guid.NewGuid().ToString("N"), Actor.System("spec"), at);
        await store.AppendAsync(streamId, ExpectedRevision.After(last?.Revision), codec.Encode(events, context, ChainTip.After(streamId, last)));
        appended += events.Length;
    }

    /// <summary>
    /// Everything appended since <see cref="OpenAsync"/>, in <c>$all</c> order, decoded. <c>$all</c> shows an event once no
    /// transaction that could still commit before it is open (in any database of the server, so other test classes
    /// delay it briefly): wait until all of ours are readable.
    /// </summary>
    public async Task<IReadOnlyList<DecodedEvent>> ReadAsync()
    {
        var all = await Eventually.Get(
            async () => await store.ReadAllAsync(start, null, long.MaxValue).ToListAsync(),
            events => events.Count >= appended,
            because: $"{appended} appended events readable from $all");
        return [.. all.Select(codec.Decode)];
    }

    public ValueTask DisposeAsync() => store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>Runs projections the way the runtime does, minus its loop: tables in a fresh schema, batches in transactions.</summary>
public static class Projector
{
    public static async Task<string> CreateAsync(NpgsqlDataSource dataSource, IProjection projection)
    {
        var schema = "spec_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}; {projection.CreateTablesSql(schema)}", connection);
        await command.ExecuteNonQueryAsync();
        return schema;
    }

    /// <summary>Applies <paramref name="events"/> as one batch (only the types the projection handles, as the runtime filters).</summary>
    public static async Task ApplyAsync(NpgsqlDataSource dataSource, IProjection projection, string schema, IEnumerable<DecodedEvent> events)
    {
        var batch = events.Where(e => projection.EventTypes.Contains(e.Record.Type)).ToList();
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await projection.ApplyAsync(batch, new ProjectionContext(connection, transaction, schema), CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>Creates the tables, applies all events as one batch and points the <c>rm.*</c> views at the result.</summary>
    public static async Task<string> BuildAndPublishAsync(NpgsqlDataSource dataSource, IProjection projection, IReadOnlyList<DecodedEvent> events)
    {
        var schema = await CreateAsync(dataSource, projection);
        await ApplyAsync(dataSource, projection, schema, events);
        await PublishAsync(dataSource, projection, schema);
        return schema;
    }

    public static async Task PublishAsync(NpgsqlDataSource dataSource, IProjection projection, string schema)
    {
        var views = string.Join(";", projection.Tables.Select(t => $"DROP VIEW IF EXISTS rm.{t}; CREATE VIEW rm.{t} AS SELECT * FROM {schema}.{t}"));
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS rm; {views}", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every table of the projection as sorted text rows: equal dumps mean identical tables.</summary>
    public static async Task<List<string>> DumpAsync(NpgsqlDataSource dataSource, IProjection projection, string schema)
    {
        var rows = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var table in projection.Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT t::text FROM {schema}.{table} t ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add($"{table}: {reader.GetString(0)}");
            }
        }

        return rows;
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
