using OrderLedger.EventStore.Tests.Contract;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

/// <summary>
/// The shared contract suite against a real EventStoreDB, named by <c>ORDERLEDGER_ESDB</c>
/// (e.g. <c>esdb://localhost:2113?tls=false</c>; see tools/docker-compose.yml). Reported as skipped when unset.
/// </summary>
public sealed class EventStoreDbContractTests : EventStoreContract
{
    public const string ConnectionStringVariable = "ORDERLEDGER_ESDB";

    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable);

    protected override string? SkipReason => string.IsNullOrEmpty(ConnectionString)
        ? $"{ConnectionStringVariable} is not set (e.g. esdb://localhost:2113?tls=false)."
        : null;

    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new EventStoreDbEventStore(ConnectionString!));
}
