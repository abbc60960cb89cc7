using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderLedger.Domain;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.ReadModels.Tests.Specs;

/// <summary>
/// The whole path: events appended to the store, the hosted projection runtime building every core read model in small
/// batches, readers querying the <c>rm.*</c> views it publishes.
/// </summary>
public sealed class RuntimeEndToEndSpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_runtime_builds_every_core_read_model_exactly_as_the_direct_path_does()
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await Scenario.AppendAsync(ledger);
        var events = await ledger.ReadAsync();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });
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
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
