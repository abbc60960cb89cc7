using OrderLedger.EventStore.GroupCommit;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Tests.Contract;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.EventStore.Tests;

#region sample: postgres-contract
public sealed class PostgresEventStoreContractTests(TestDatabase database) : EventStoreContract, IClassFixture<TestDatabase>
{
    protected override async Task<IEventStore> CreateStoreAsync() =>
        await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });
}
#endregion

/// <summary>The same contract through group commit (<see cref="GroupCommitEventStore"/>), as the host writes by default.</summary>
public sealed class GroupCommitPostgresEventStoreContractTests(TestDatabase database) : EventStoreContract, IClassFixture<TestDatabase>
{
    protected override async Task<IEventStore> CreateStoreAsync() => new GroupCommitEventStore(
        await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString }), disposeInner: true);
}
