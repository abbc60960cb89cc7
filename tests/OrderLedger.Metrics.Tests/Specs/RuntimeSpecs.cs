using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderLedger.Domain;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Projections.Runtime;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>The metric projections under the real projection runtime, registered the way the hosts register them.</summary>
public abstract class RuntimeSpecs(TestDatabase db, StoreUnderTest eventStore)
{
    [SkippableFact]
    public async Task The_hosted_projector_keeps_the_metrics_live_and_the_queries_read_them_from_the_rm_views()
    {
        Skip.If(eventStore.SkipReason is not null, eventStore.SkipReason);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        eventStore.Register(builder.Services);
        builder.Services.AddSingleton(DomainEventTypes.CreateRegistry());
        builder.Services
            .AddProjections(options =>
            {
                options.ConnectionString = db.ConnectionString;
                options.LockRetryInterval = TimeSpan.FromMilliseconds(200);
                options.ControlInterval = TimeSpan.FromMilliseconds(200);
            })
            .AddFromAssembly(typeof(ServiceMetricsProjection).Assembly);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await using var l = await MetricsLedger.OpenAsync(db, await eventStore.OpenAsync());
            var cv = l.Conversation("CV1");
            await cv.OpenedWith("agent-1", At("09:59:00"));
            await cv.Customer(At("10:00:00"));
            await cv.Customer(At("10:00:40"));
            await cv.Bot(At("10:01:00"));
            await cv.Agent("agent-1", At("10:02:59"));
            await cv.Customer(At("10:05:00"));
            await l.Placed("O1", At("10:06:00"));

            var queries = l.Queries;
            var live = await Eventually.Get(
                () => Safely(() => queries.Service.GetReplyRateAsync("S1", null, MetricWindow.Day(Monday), At("10:07:00"))),
                r => r is { InTime: 1, Pending: 1 },
                because: "the first inquiry answered and the second pending");
            await cv.Agent("agent-1", At("10:08:01"));
            var later = await Eventually.Get(
                () => Safely(() => queries.Service.GetReplyRateAsync("S1", null, MetricWindow.Day(Monday), At("12:00:00"))),
                r => r is { Late: 1 },
                because: "the second inquiry answered late");
            // The order figures are another projection's, with a checkpoint of its own: wait for the order itself.
            var flow = await Eventually.Get(
                () => Safely(() => queries.GetOrderFlowAsync("S1", MetricWindow.Day(Monday), At("12:00:00"))),
                f => f is { Placed: > 0 },
                because: "the order in the commerce metrics");

            Assert.Equal((1L, 1L, 1.0), (live!.InTime, live.Pending, live.Rate!.Value)); // the pending one is not counted yet
            Assert.Equal((1L, 1L, 0.5), (later!.InTime, later.Late, later.Rate!.Value));
            Assert.Equal(1, flow!.Placed);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>Before the runtime's first build publishes the views, a query fails: treat that as "not yet".</summary>
    private static async Task<T?> Safely<T>(Func<Task<T>> query)
        where T : class
    {
        try
        {
            return await query();
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }
}

public sealed class RuntimeOnPostgresSpecs(TestDatabase db) : RuntimeSpecs(db, StoreUnderTest.Postgres(db)), IClassFixture<TestDatabase>;

/// <summary>Conversation to metrics with the events in EventStoreDB (a node of this class's own), the metrics in PostgreSQL.</summary>
public sealed class RuntimeOnEventStoreDbSpecs(TestDatabase db, EventStoreDbNode node)
    : RuntimeSpecs(db, StoreUnderTest.EventStoreDb(node)), IClassFixture<TestDatabase>, IClassFixture<EventStoreDbNode>;
