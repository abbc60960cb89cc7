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
