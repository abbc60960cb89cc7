using Microsoft.Extensions.DependencyInjection;
using OrderLedger.EventStore;
using OrderLedger.EventStore.EventStoreDb;
using OrderLedger.EventStore.Postgres;

namespace OrderLedger.Testing;

/// <summary>
/// The event store an integration suite runs on, so one suite runs once per store and a difference between the
/// stores fails a test. Read models stay on PostgreSQL (<see cref="TestDatabase"/>) either way.
/// </summary>
public abstract class StoreUnderTest
{
    /// <summary>Non-null when this store cannot be had here (the tests then report as skipped, with it).</summary>
    public abstract string? SkipReason { get; }

    /// <summary>The host's name for it (<c>EventStore:Provider</c>): <c>postgres</c> or <c>eventstoredb</c>.</summary>
    public abstract string Provider { get; }

    /// <summary>A client of the test's own (the caller disposes it).</summary>
    public abstract Task<IEventStore> OpenAsync();

    /// <summary>Registers the store the way the hosts do.</summary>
    public abstract void Register(IServiceCollection services);

    /// <summary>The embedded store, in the test class's database.</summary>
    public static StoreUnderTest Postgres(TestDatabase database) => new PostgresStore(database);

    /// <summary>An EventStoreDB node of the test class's own (the suites read all of <c>$all</c> and use fixed stream names).</summary>
    public static StoreUnderTest EventStoreDb(EventStoreDbNode node) => new EventStoreDbStore(node);

    private sealed class PostgresStore(TestDatabase database) : StoreUnderTest
    {
        public override string? SkipReason => null;

        public override string Provider => "postgres";

        public override async Task<IEventStore> OpenAsync() =>
            await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });

        public override void Register(IServiceCollection services) =>
            services.AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });

        public override string ToString() => "PostgreSQL";
    }

    private sealed class EventStoreDbStore(EventStoreDbNode node) : StoreUnderTest
    {
        public override string? SkipReason => node.SkipReason;

        public override string Provider => "eventstoredb";

        public override Task<IEventStore> OpenAsync() => Task.FromResult<IEventStore>(new EventStoreDbEventStore(node.ConnectionString));

        public override void Register(IServiceCollection services) => services.AddEventStoreDbEventStore(node.ConnectionString);

        public override string ToString() => "EventStoreDB";
    }
}
