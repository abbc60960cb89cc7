using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.ReadModels.Tests.Specs;

/// <summary>
/// The whole path: events appended to the store, the hosted projection runtime building every core read model in small
/// batches, readers querying the <c>rm.*</c> views it publishes.
/// </summary>
public abstract class RuntimeEndToEndSpecs(TestDatabase database, StoreUnderTest eventStore)
{
    [SkippableFact]
    public async Task The_runtime_builds_every_core_read_model_exactly_as_the_direct_path_does()
    {
        Skip.If(eventStore.SkipReason is not null, eventStore.SkipReason);
        await using var ledger = await Ledger.OpenAsync(await eventStore.OpenAsync());
        await Scenario.AppendAsync(ledger);
        var events = await ledger.ReadAsync();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        eventStore.Register(builder.Services);
        builder.Services.AddSingleton(DomainEventTypes.CreateRegistry());
        var runtime = builder.Services.AddProjections(options =>
        {
            options.ConnectionString = database.ConnectionString;
            options.BatchSize = 7; // many batch boundaries
            options.LockRetryInterval = TimeSpan.FromMilliseconds(200);
            options.ControlInterval = TimeSpan.FromMilliseconds(200);
        });
        foreach (var projection in CoreReadModels.All())
        {
            runtime.Add(projection);
        }

        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var admin = host.Services.GetRequiredService<IProjectionAdmin>();
            foreach (var projection in CoreReadModels.All())
            {
                var status = await Eventually.Get(
                    () => admin.GetStatusAsync(projection.Name),
                    s => s is { State: ProjectionState.Live } && s.Checkpoint >= events[^1].Record.Position,
                    TimeSpan.FromSeconds(60),
                    $"{projection.Name} caught up");
                Assert.Null(status!.LastError);
                Assert.Equal(0L, status.LagEvents);

                var direct = await Projector.CreateAsync(database.DataSource, projection);
                await Projector.ApplyAsync(database.DataSource, projection, direct, events);
                Assert.Equal(await Projector.DumpAsync(database.DataSource, projection, direct), await Projector.DumpAsync(database.DataSource, projection, status.Schema));
            }

            var order = await new OrderQueries(database.DataSource).GetOrderAsync("OA");
            Assert.NotNull(order);
            Assert.Equal(("completed", 130m, 10m, "delivered"), (order.Status, order.Paid, order.Refunded, order.ShipmentStatus));
            var timeline = await new CustomerTimelineQueries(database.DataSource).GetPageAsync(["S1"], "C2", pageSize: 3);
            Assert.Equal(
                ["Dispute on refund RC judged: merchant at fault", "Dispute opened on refund RC: slow", "Return address for refund RC: 1 Depot Rd, Suzhou"],
                timeline.Entries.Select(e => e.Summary));
            Assert.NotNull(timeline.NextCursor);

            // Lag in events, as the status counts it on this store: the last three events after a checkpoint before them.
            var store = host.Services.GetRequiredService<IEventStore>();
            Assert.Equal(3L, await store.CountAllAfterAsync(events[^4].Record.Position));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}

public sealed class RuntimeEndToEndOnPostgresSpecs(TestDatabase database)
    : RuntimeEndToEndSpecs(database, StoreUnderTest.Postgres(database)), IClassFixture<TestDatabase>;

/// <summary>The same path with the events in EventStoreDB (a node of this class's own) and the read models in PostgreSQL.</summary>
public sealed class RuntimeEndToEndOnEventStoreDbSpecs(TestDatabase database, EventStoreDbNode node)
    : RuntimeEndToEndSpecs(database, StoreUnderTest.EventStoreDb(node)), IClassFixture<TestDatabase>, IClassFixture<EventStoreDbNode>;
