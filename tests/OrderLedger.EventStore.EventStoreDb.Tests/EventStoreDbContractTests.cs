using OrderLedger.EventStore.Tests.Contract;
using OrderLedger.Testing;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

/// <summary>The shared contract suite against a real EventStoreDB named by a connection string.</summary>
public abstract class EventStoreDbContract(string? connectionString, string? skipReason) : EventStoreContract
{
    protected override string? SkipReason => skipReason;

    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new EventStoreDbEventStore(connectionString!));
}

/// <summary>
/// One node, named by <c>ORDERLEDGER_ESDB</c>: tools/test.sh starts the bundled server and sets it. Skipped (with
/// the reason) only when no server can be had.
/// </summary>
public sealed class EventStoreDbContractTests() : EventStoreDbContract(EventStoreDbServer.SingleNode, EventStoreDbServer.SingleNodeSkipReason);

/// <summary>
/// The contract on the three-node cluster, once per node preference: reads that must see the caller's own append
/// go to the leader whichever node the others prefer.
/// </summary>
[Collection(EventStoreDbClusterCollection.Name)]
public sealed class EventStoreDbLeaderPreferenceContractTests(EventStoreDbClusterFixture cluster)
    : EventStoreDbContract(cluster.WithNodePreference("leader"), cluster.SkipReason);

[Collection(EventStoreDbClusterCollection.Name)]
public sealed class EventStoreDbFollowerPreferenceContractTests(EventStoreDbClusterFixture cluster)
    : EventStoreDbContract(cluster.WithNodePreference("follower"), cluster.SkipReason);

[Collection(EventStoreDbClusterCollection.Name)]
public sealed class EventStoreDbRandomPreferenceContractTests(EventStoreDbClusterFixture cluster)
    : EventStoreDbContract(cluster.WithNodePreference("random"), cluster.SkipReason);
