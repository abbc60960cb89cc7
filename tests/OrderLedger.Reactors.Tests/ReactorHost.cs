using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderLedger.Application;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;
using OrderLedger.Reactors.Alerts;
using OrderLedger.Reactors.Assignment;
using OrderLedger.Testing;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// A host as the API runs the reactors: the real PostgreSQL store, the projection runtime with the timers projection,
/// and the dispatcher polling every 100 ms, with "now" from <see cref="ManualClock"/>.
/// </summary>
public sealed class ReactorHost : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    public static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    private readonly IHost _host;
    private readonly TestDatabase _database;

    private ReactorHost(IHost host, TestDatabase database, ManualClock clock)
    {
        _host = host;
        _database = database;
        Clock = clock;
    }

    public ManualClock Clock { get; }

    public CommandService Commands => _host.Services.GetRequiredService<CommandService>();

    public TimerDispatcher Dispatcher => _host.Services.GetRequiredService<TimerDispatcher>();

    /// <summary>
    /// The timers only; or, given <paramref name="alerts"/> (the <c>Alerts</c> configuration keys), every product
    /// projection with the reactors and the alerts, as the API host runs them.
    /// </summary>
    /// <param name="recordedGrace">
    /// <see cref="ReactorOptions.RecordedGrace"/>; none unless a test is about it: the database stamps facts with the
    /// wall clock, while the manual clock of most tests stands weeks away from it.
    /// </param>
    public static async Task<ReactorHost> StartAsync(
        TestDatabase database, ManualClock clock, IReadOnlyDictionary<string, string?>? alerts = null, bool assignment = false,
        TimeSpan recordedGrace = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("ConnectionStrings:Postgres", database.ConnectionString)]);
        if (alerts is not null)
        {
            builder.Configuration.AddInMemoryCollection(alerts);
            builder.Services.AddOrderLedgerEventStore(builder.Configuration);
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddOrderLedgerProjections(builder.Configuration, o => o.BatchWindow = TimeSpan.FromMilliseconds(10));
            builder.Services.AddReactors(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(100);
                o.RecordedGrace = recordedGrace;
            });
            builder.Services.AddAlerts(builder.Configuration);
            if (assignment)
            {
                builder.Services.AddAssignment();
            }

            return await StartedAsync(builder, database, clock);
        }

        // docs/reactors.md "Registering it in a host" shows this region.
        #region sample: register
        builder.Services.AddOrderLedgerEventStore(builder.Configuration);
        builder.Services.AddSingleton<TimeProvider>(clock);                 // "now" for the timers; TimeProvider.System when absent
        builder.Services.AddSingleton(DomainEventTypes.CreateRegistry());
        builder.Services.AddProjections(builder.Configuration, o => o.BatchWindow = TimeSpan.FromMilliseconds(10));
        builder.Services.AddReactors(o =>                                   // timers projection + TimerDispatcher + reservation recovery (+ CommandService if missing)
        {
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.RecordedGrace = recordedGrace;                                // a live host keeps the default: timers armed by imported history wait 2 min
        });
        #endregion
        return await StartedAsync(builder, database, clock);
    }

    /// <summary>Every product projection (the <c>roster</c> read model among them), the reactors and the assignment reactor; no alerts.</summary>
    public static Task<ReactorHost> StartWithAssignmentAsync(TestDatabase database, ManualClock clock) =>
        StartAsync(database, clock, new Dictionary<string, string?> { ["Alerts:Enabled"] = "false" }, assignment: true);

    private static async Task<ReactorHost> StartedAsync(HostApplicationBuilder builder, TestDatabase database, ManualClock clock)
    {
        var host = builder.Build();
        await host.StartAsync();
        return new ReactorHost(host, database, clock);
    }

    public T Service<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public static string Id(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    public static readonly Actor Customer = new(ActorKind.Customer, "c-1");

    public static CommandContext Ctx(DateTimeOffset at, string? commandId = null, Actor? actor = null) =>
        new(commandId ?? Guid.NewGuid().ToString("N"), actor ?? new Actor(ActorKind.Agent, "agent-1"), at);

    /// <summary>
    /// Runs a command as an agent (or as <paramref name="actor"/>, e.g. <see cref="Customer"/>) and expects it accepted.
    /// A fact happens when it is recorded: the clock moves on to <paramref name="at"/> if it is behind, since the handler
    /// refuses business times beyond its clock.
    /// </summary>
    public async Task Do(object command, DateTimeOffset at, Actor? actor = null)
    {
        if (Clock.GetUtcNow() < at)
        {
            Clock.Set(at);
        }

        var outcome = await Commands.ExecuteAsync(command, Ctx(at, actor: actor));
        Xunit.Assert.Null(outcome.Error);
    }

    /// <summary>A store with one warehouse holding 10 units of a SKU; returns (store, warehouse, sku).</summary>
    public async Task<(string Store, string Warehouse, string Sku)> StoreWithStockAsync(int autoRefundHours = 48)
    {
        var (store, warehouse, sku) = (Id("s"), Id("wh"), Id("TEA-"));
        await Do(new RegisterStore(store, "Tea shop", "Asia/Shanghai", "CNY", T0.AddDays(-1)), T0.AddDays(-1));
        await Do(new SetWarehouses(store, [new WarehouseRegions(warehouse, ["SH"])], T0.AddDays(-1)), T0.AddDays(-1));
        await Do(new SetAutoRefundWindow(store, autoRefundHours, T0.AddDays(-1)), T0.AddDays(-1));
        await Do(new ReceiveStock(warehouse, sku, 10, T0.AddDays(-1)), T0.AddDays(-1));
        return (store, warehouse, sku);
    }

    public static PlaceOrder Order(string store, string sku, int quantity = 2) =>
        new(Id("o-"), store, "c-1", "web", "CNY", [new OrderLine(sku, quantity, 25m, "tea", "BC-" + sku)], Shanghai, T0.AddMinutes(30), T0);

    /// <summary>Event types of a stream, in order.</summary>
    public async Task<IReadOnlyList<string>> TypesAsync(string streamId)
    {
        var types = new List<string>();
        await foreach (var e in _host.Services.GetRequiredService<IEventStore>().ReadStreamAsync(streamId, StreamReadOptions.All))
        {
            types.Add(e.Type);
        }

        return types;
    }

    /// <summary>The stream's events, decoded (payload and metadata).</summary>
    public async Task<IReadOnlyList<DecodedEvent>> EventsAsync(string streamId)
    {
        var codec = new EventCodec(DomainEventTypes.CreateRegistry());
        var events = new List<DecodedEvent>();
        await foreach (var e in _host.Services.GetRequiredService<IEventStore>().ReadStreamAsync(streamId, StreamReadOptions.All))
        {
            events.Add(codec.Decode(e));
        }

        return events;
    }

    /// <summary>Waits until the stream has an event of <paramref name="type"/>; returns the stream's types.</summary>
    public Task<IReadOnlyList<string>> EventuallyHasAsync(string streamId, string type) =>
        Eventually.Get(() => TypesAsync(streamId), types => types.Contains(type), because: $"{streamId} should record {type}");

    /// <summary>Waits until the timers projection has scheduled a timer for <paramref name="subject"/>.</summary>
    public Task WaitForTimerAsync(string kind, string subject) =>
        Eventually.Get(() => HasTimerAsync(kind, subject), has => has, because: $"a {kind} timer for {subject}");

    /// <summary>Waits until the timer for <paramref name="subject"/> is due at <paramref name="dueAt"/> (a later fact may have moved it).</summary>
    public Task WaitForTimerDueAsync(string kind, string subject, DateTimeOffset dueAt) =>
        Eventually.Get(
            async () =>
            {
                await using var connection = await _database.DataSource.OpenConnectionAsync();
                try
                {
                    return await connection.ExecuteScalarAsync<int>(
                        "SELECT count(*) FROM rm.reactor_timers WHERE kind = @kind AND subject = @subject AND due_at = @dueAt",
                        new { kind, subject, dueAt = dueAt.UtcDateTime });
                }
                catch (Npgsql.PostgresException)
                {
                    return 0;
                }
            },
            n => n == 1,
            because: $"the {kind} timer for {subject} due at {dueAt:O}");

    /// <summary>Waits until the timers projection has dropped the timer for <paramref name="subject"/>.</summary>
    public Task WaitForNoTimerAsync(string kind, string subject) =>
        Eventually.Get(() => HasTimerAsync(kind, subject), has => !has, because: $"no {kind} timer for {subject}");

    /// <summary>Whether a timer of <paramref name="kind"/> is scheduled for <paramref name="subject"/> (false before the projection's first build).</summary>
    public async Task<bool> HasTimerAsync(string kind, string subject)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        try
        {
            return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM rm.reactor_timers WHERE kind = @kind AND subject = @subject", new { kind, subject }) == 1;
        }
        catch (Npgsql.PostgresException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<(string Kind, string Key, string Outcome)>> DispatchedAsync(string subject)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        return [.. (await connection.QueryAsync<(string, string, string)>("SELECT kind, key, outcome FROM reactors.dispatched WHERE subject = @subject ORDER BY kind, key", new { subject }))];
    }
}
