using Npgsql;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Projections.Runtime;
using OrderLedger.Testing;

namespace OrderLedger.Projections.Tests.Support;

/// <summary>A fresh database per test (TestDatabase, created and dropped here) with the embedded event store in it.</summary>
public sealed class Fresh : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private Fresh(TestDatabase database, PostgresEventStore store)
    {
        _database = database;
        Store = store;
    }

    public string ConnectionString => _database.ConnectionString;

    public NpgsqlDataSource Db => _database.DataSource;

    public PostgresEventStore Store { get; }

    public static async Task<Fresh> CreateAsync()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });
        return new Fresh(database, store);
    }

    /// <summary>Status as another process (the API host) would read it, without running any projector.</summary>
    public Task<InProcessProjector> AdminOnlyAsync(params IProjection[] projections) =>
        InProcessProjector.StartAsync(ConnectionString, projections, o => o.RunProjectors = false);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
    }
}

public static class StatusExtensions
{
    public static async Task<ProjectionStatus> StatusAsync(this IProjectionAdmin admin, string name = "ledger") =>
        await admin.GetStatusAsync(name) ?? throw new InvalidOperationException($"no projection {name}");

    /// <summary>Waits until the projection's live build has applied everything up to the current head.</summary>
    public static Task<ProjectionStatus> CaughtUpAsync(this IProjectionAdmin admin, string name = "ledger", TimeSpan? timeout = null) =>
        Testing.Eventually.Get(
            () => admin.StatusAsync(name),
            s => s.State == ProjectionState.Live && s.LagEvents == 0 && s.Checkpoint == s.Head,
            timeout ?? TimeSpan.FromSeconds(60),
            $"{name} caught up with the head");
}
