using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Application.Stock;
using OrderLedger.Domain;
using OrderLedger.Domain.Allocation;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.EventStoreDb;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;

namespace OrderLedger.Application.Tests;

/// <summary>
/// The application wired to a real PostgreSQL event store in a fresh database per test class. Tests use unique
/// ids (<see cref="Id"/>) so they can share the class's database — or one EventStoreDB server
/// (<see cref="EventStoreDbLedger"/>).
/// </summary>
public class Ledger : IAsyncLifetime
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    private TestDatabase? _database;
    private IEventStore? _store;

    public IEventStore Store
    {
        get
        {
            Skip.If(SkipReason is not null, SkipReason);
            return _store ?? throw new InvalidOperationException("Store not opened.");
        }
    }

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("Only a ledger on the embedded store has a PostgreSQL connection string.");

    public EventCodec Codec { get; } = new(DomainEventTypes.CreateRegistry());

    public ManualClock Clock { get; } = new(T0);

    /// <summary>Non-null when this store cannot be had here; the tests then report as skipped with it.</summary>
    protected virtual string? SkipReason => null;

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await OpenStoreAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is IAsyncDisposable store)
        {
            await store.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected virtual async Task<IEventStore> OpenStoreAsync()
    {
        _database = new TestDatabase();
        await _database.InitializeAsync();
        return await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = _database.ConnectionString });
    }

    /// <summary>
    /// An application over <paramref name="store"/> (default: the real store), optionally with another allocation policy,
    /// and the clock business times are checked against (default: the system's).
    /// </summary>
    public App App(IEventStore? store = null, IAllocationPolicy? policy = null, CommandHandlerOptions? options = null, TimeProvider? clock = null)
    {
        Skip.If(SkipReason is not null, SkipReason);
        var services = new ServiceCollection()
            .AddSingleton<IEventStore>(store ?? Store)
            .AddSingleton<IAllocationPolicy>(policy ?? SingleWarehouseThenSplitByLine.Instance)
            .AddSingleton(Codec)
            .AddSingleton<TimeProvider>(clock ?? TimeProvider.System)
            .AddOrderLedgerApplication(options ?? new CommandHandlerOptions { MaxAttempts = 50 })
            .BuildServiceProvider();
        var handler = services.GetRequiredService<CommandHandler>();
        // Recovery runs on the ledger's clock, whatever clock the handler checks business times against.
        return new App(handler, services.GetRequiredService<CommandService>(), new ReservationRecovery(handler, services.GetRequiredService<OrderPlacement>(), Clock));
    }

    public static string Id(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 12)];

    public static CommandContext Ctx(DateTimeOffset at, string? commandId = null, string? storeId = null) =>
        new(commandId ?? Guid.NewGuid().ToString(), new Actor(ActorKind.Customer, "c-1"), at, storeId);

    public async Task<IReadOnlyList<RecordedEvent>> ReadAsync(string streamId)
    {
        var events = new List<RecordedEvent>();
        await foreach (var e in Store.ReadStreamAsync(streamId, StreamReadOptions.All))
        {
            events.Add(e);
        }

        return events;
    }

    public async Task<IReadOnlyList<object>> EventsAsync(string streamId) =>
        [.. (await ReadAsync(streamId)).Select(e => Codec.Decode(e).Event)];

    /// <summary>
    /// Waits until $all shows every event of these streams. The PostgreSQL store exposes an event to $all readers
    /// only once no older transaction is still running anywhere in the cluster (so readers never skip one), which
    /// under parallel test classes can lag an append by a moment. The recovery path reads $all.
    /// </summary>
    public async Task VisibleInAllAsync(params string[] streamIds)
    {
        foreach (var streamId in streamIds)
        {
            var expected = (await ReadAsync(streamId)).Count;
            await Eventually.Get(
                async () =>
                {
                    var seen = 0;
                    await foreach (var e in Store.ReadAllAsync(null, EventFilter.StreamPrefix(streamId), long.MaxValue))
                    {
                        seen += e.StreamId == streamId ? 1 : 0;
                    }

                    return seen;
                },
                seen => seen >= expected,
                because: $"{streamId} visible in $all");
        }
    }

    /// <summary>An event as stored: type name and JSON (records holding lists compare by reference, their JSON does not).</summary>
    public string Describe(object domainEvent)
    {
        var (type, data) = Codec.Registry.Serialize(domainEvent);
        return $"{type} {System.Text.Encoding.UTF8.GetString(data)}";
    }

    /// <summary>Asserts the stream holds exactly <paramref name="expected"/> after its first <paramref name="skip"/> events.</summary>
    public async Task AssertStreamAsync(string streamId, int skip, params object[] expected) =>
        Assert.Equal(expected.Select(Describe).ToList(), (await EventsAsync(streamId)).Skip(skip).Select(Describe).ToList());
}

/// <summary>
/// The same application on the EventStoreDB server of <c>ORDERLEDGER_ESDB</c> (tools/test.sh starts the bundled one):
/// a difference between the stores fails the suites that run on both.
/// </summary>
public sealed class EventStoreDbLedger : Ledger
{
    protected override string? SkipReason => EventStoreDbServer.SingleNodeSkipReason;

    protected override Task<IEventStore> OpenStoreAsync() => Task.FromResult<IEventStore>(new EventStoreDbEventStore(EventStoreDbServer.SingleNode!));
}

public sealed record App(CommandHandler Handler, CommandService Commands, ReservationRecovery Recovery)
{
    /// <summary>A registered store with its warehouses (each serving the regions listed) and a 24-hour auto-refund window.</summary>
    public async Task<string> StoreAsync(params (string WarehouseId, string Region)[] warehouses)
    {
        var storeId = Ledger.Id("s");
        foreach (var command in new StoreCommand[]
        {
            new RegisterStore(storeId, "Tea House", "Asia/Shanghai", "CNY", Ledger.T0),
            new SetWarehouses(storeId, [.. warehouses.Select(w => new WarehouseRegions(w.WarehouseId, [w.Region]))], Ledger.T0),
            new SetAutoRefundWindow(storeId, 24, Ledger.T0),
        })
        {
            Assert.Null((await Commands.ExecuteAsync(command, Ledger.Ctx(Ledger.T0))).Error);
        }

        return storeId;
    }

    public async Task ReceiveAsync(string warehouseId, string sku, int quantity) =>
        Assert.Null((await Commands.ExecuteAsync(new ReceiveStock(warehouseId, sku, quantity, Ledger.T0), Ledger.Ctx(Ledger.T0))).Error);

    public async Task<StockState> StockAsync(string warehouseId, string sku) =>
        (await Handler.LoadAsync(StockDecider.Decider, StreamIds.Stock(warehouseId, sku))).State;

    public async Task<OrderState> OrderAsync(string orderId) =>
        (await Handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(orderId))).State;
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;
}
