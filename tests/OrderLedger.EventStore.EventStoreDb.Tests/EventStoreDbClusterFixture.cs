using OrderLedger.Testing;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

/// <summary>
/// One three-node cluster for every cluster test class (they run one after another in this collection). The
/// failover test stops a node; the contract suite passes on the two that remain as well, so the order of the
/// classes does not matter.
/// </summary>
public sealed class EventStoreDbClusterFixture : IAsyncLifetime
{
    public BundledEventStoreDb? Cluster { get; private set; }

    public string? SkipReason { get; } = EventStoreDbServer.BundleSkipReason;

    public string? WithNodePreference(string preference) => Cluster?.WithNodePreference(preference);

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            Cluster = await BundledEventStoreDb.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EventStoreDbClusterCollection : ICollectionFixture<EventStoreDbClusterFixture>
{
    public const string Name = "EventStoreDB cluster";
}
