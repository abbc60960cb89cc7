using Npgsql;
using OrderLedger.EventStore;
using OrderLedger.Projections.Runtime;
using OrderLedger.Testing;

namespace OrderLedger.Projections.Tests.Support;

/// <summary>
/// A fresh database per test (TestDatabase, created and dropped here) with the embedded event store in it — or, given
/// an EventStoreDB node, the events there and only the projections in the database.
/// </summary>
public sealed class Fresh : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private Fresh(TestDatabase database, StoreUnderTest eventStore, IEventStore store)
    {
        _database = database;
        EventStore = eventStore;
        Store = store;
    }

    /// <summary>Which store the events are in, for projectors started on this fixture.</summary>
    public StoreUnderTest EventStore { get; }

    public string ConnectionString => _database.ConnectionString;

    public NpgsqlDataSource Db => _database.DataSource;

    public IEventStore Store { get; }

    /// <summary>Events in the new database's embedded store, or in <paramref name="eventStoreDb"/> (a log of the test's own).</summary>
    public static async Task<Fresh> CreateAsync(EventStoreDbNode? eventStoreDb = null)
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        var eventStore = eventStoreDb is null ? StoreUnderTest.Postgres(database) : StoreUnderTest.EventStoreDb(eventStoreDb);
        return new Fresh(database, eventStore, await eventStore.OpenAsync());
    }

    /// <summary>The hosted runtime over this fixture's store and database.</summary>
    public Task<InProcessProjector> ProjectorAsync(IEnumerable<IProjection> projections, Action<ProjectionOptions>? configure = null) =>
        InProcessProjector.StartAsync(ConnectionString, projections, configure, EventStore);

    /// <summary>Status as another process (the API host) would read it, without running any projector.</summary>
    public Task<InProcessProjector> AdminOnlyAsync(params IProjection[] projections) =>
        ProjectorAsync(projections, o => o.RunProjectors = false);

    public async ValueTask DisposeAsync()
    {
        if (Store is IAsyncDisposable store)
        {
            await store.DisposeAsync();
        }

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
