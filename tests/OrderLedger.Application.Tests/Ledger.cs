using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Application.Stock;
using OrderLedger.Domain;
using OrderLedger.Domain.Allocation;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;

namespace OrderLedger.Application.Tests;

/// <summary>
/// The application wired to a real PostgreSQL event store in a fresh database per test class. Tests use unique
/// ids (<see cref="Id"/>) so they can share the class's database.
/// </summary>
public sealed class Ledger : IAsyncLifetime
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    private readonly TestDatabase _database = new();

    public PostgresEventStore Store { get; private set; } = null!;

    public string ConnectionString => _database.ConnectionString;

    public EventCodec Codec { get; } = new(DomainEventTypes.CreateRegistry());

    public ManualClock Clock { get; } = new(T0);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = _database.ConnectionString });
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>
    /// An application over <paramref name="store"/> (default: the real store), optionally with another allocation policy,
    /// and the clock business times are checked against (default: the system's).
    /// </summary>
    public App App(IEventStore? store = null, IAllocationPolicy? policy = null, CommandHandlerOptions? options = null, TimeProvider? clock = null)
    {
        var handler = new CommandHandler(store ?? Store, Codec, options ?? new CommandHandlerOptions { MaxAttempts = 50 }, clock);
        var placement = new OrderPlacement(handler, policy ?? SingleWarehouseThenSplitByLine.Instance);
        return new App(handler, new CommandService(handler, placement), new ReservationRecovery(handler, placement, Clock));
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
