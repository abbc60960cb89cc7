using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrderLedger.Application.CommandHandling;
using OrderLedger.EventStore;
using OrderLedger.Metrics;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections.Runtime;
using OrderLedger.Reactors;
using OrderLedger.ReadModels;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// How the host wires its parts: one connection pool per database for every component (and one more for the metric
/// figures, whose every execution is planned for its parameters), options bound from
/// configuration, and every query on the configured view schema (here not the default <c>rm</c>).
/// </summary>
public sealed class ServiceWiringTests(ServiceWiringTests.ConfiguredHost host) : IClassFixture<ServiceWiringTests.ConfiguredHost>
{
    private const string ViewSchema = "views_alt";

    public sealed class ConfiguredHost() : ApiHost(new Dictionary<string, string>
    {
        ["Projections:ViewSchema"] = ViewSchema,
        ["Projections:BatchWindowMs"] = "20",
        ["Projections:FailurePolicies:orders"] = "Stop",
        ["CommandHandling:MaxAttempts"] = "4",
        ["CommandHandling:StateCacheStreams"] = "77",
        ["BusinessTime:MaxFutureSkew"] = "00:02:00",
    });

    [Fact]
    public async Task Every_component_of_the_host_shares_one_data_source_per_connection_string_and_the_metric_figures_one_that_plans_each_execution()
    {
        var services = host.Services;
        var connectionString = services.GetRequiredService<ProjectionOptions>().ConnectionString;
        object[] components =
        [
            services.GetRequiredService<IEventStore>(),
            services.GetRequiredService<IProjectionAdmin>(),
            services.GetRequiredService<TimerDispatcher>(),
            services.GetRequiredService<OrderQueries>(),
            services.GetRequiredService<CustomerTimelineQueries>(),
            services.GetRequiredService<StockLevelQueries>(),
            services.GetRequiredService<ShipmentQueries>(),
            services.GetRequiredService<RefundQueries>(),
            services.GetRequiredService<ConversationQueries>(),
            services.GetRequiredService<MetricQueries>(),
            .. services.GetServices<IHostedService>(),
        ];

        var found = DataSourcesHeldBy(components);

        var shared = services.GetRequiredKeyedService<NpgsqlDataSource>(connectionString);
        var metrics = services.GetRequiredKeyedService<NpgsqlDataSource>(MetricPool.ConnectionString(connectionString));
        Assert.NotSame(shared, metrics);
        Assert.Equal(2, found.Count);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal) { "PostgresEventStore", "ProjectionCatalog", "TimerDispatcher", "ViewQueries" },
            found[shared].ToHashSet(StringComparer.Ordinal));
        Assert.DoesNotContain("MetricSql", found[shared]);
        Assert.Contains("MetricSql", found[metrics]);

        // The metric figures' plans depend on the store and the window: their sessions never use a generic plan, the
        // shared pool's (whose few statements have one best plan) may.
        Assert.Equal("force_custom_plan", await PlanCacheModeAsync(metrics));
        Assert.Equal("auto", await PlanCacheModeAsync(shared));
        Assert.True(new NpgsqlConnectionStringBuilder(metrics.ConnectionString).MaxAutoPrepare > 0);
        Assert.True(new NpgsqlConnectionStringBuilder(shared.ConnectionString).MaxAutoPrepare > 0);
    }

    private static async Task<string?> PlanCacheModeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SHOW plan_cache_mode");
        return (string?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public void Projection_and_command_handling_options_are_bound_from_configuration()
    {
        var projections = host.Services.GetRequiredService<ProjectionOptions>();
        var commands = host.Services.GetRequiredService<CommandHandlerOptions>();

        Assert.Equal(ViewSchema, projections.ViewSchema);
        Assert.Equal(TimeSpan.FromMilliseconds(20), projections.BatchWindow);
        Assert.Equal(FailurePolicy.Stop, projections.PolicyOf("orders"));
        Assert.Equal(FailurePolicy.Park, projections.PolicyOf("stock-levels"));
        Assert.Equal((4, 77, TimeSpan.FromMinutes(2)), (commands.MaxAttempts, commands.StateCacheStreams, commands.MaxFutureSkew));
    }

    [Fact]
    public async Task The_read_models_live_and_are_queried_in_the_configured_view_schema()
    {
        var registered = await host.Client.PostAsJsonAsync("/api/stores/wired-1", new { name = "Wired", timeZone = "UTC", currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);

        var session = await Eventually.Get(
            () => host.Client.GetFromJsonAsync<JsonElement>("/api/session"),
            s => s.GetProperty("stores").EnumerateArray().Any(store => store.GetString() == "wired-1"),
            TimeSpan.FromSeconds(60),
            "the service metrics list the registered store");
        var orders = await host.Client.GetAsync("/api/stores/wired-1/orders");
        // The parcels' count is null until the shipments read model has its views (in the configured schema).
        var dashboard = await Eventually.Get(
            () => host.Client.GetFromJsonAsync<JsonElement>("/api/stores/wired-1/metrics/dashboard"),
            d => d.GetProperty("last30Days").GetProperty("orderFlow").GetProperty("logisticsExceptionsOpen").ValueKind == JsonValueKind.Number,
            TimeSpan.FromSeconds(60),
            "the dashboard reads the shipments read model");

        Assert.True(session.GetProperty("allStores").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal("UTC", dashboard.GetProperty("timeZone").GetString());
        Assert.Equal(0, dashboard.GetProperty("last30Days").GetProperty("orderFlow").GetProperty("logisticsExceptionsOpen").GetInt64());
        Assert.False(await SchemaExistsAsync(host.Services, ProjectionOptions.DefaultViewSchema));
        Assert.True(await SchemaExistsAsync(host.Services, ViewSchema));
    }

    private static async Task<bool> SchemaExistsAsync(IServiceProvider services, string schema)
    {
        var dataSource = services.GetRequiredKeyedService<NpgsqlDataSource>(services.GetRequiredService<ProjectionOptions>().ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT to_regnamespace($1) IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every data source reachable through the fields of OrderLedger's own objects, with the types that hold it.</summary>
    private static Dictionary<NpgsqlDataSource, List<string>> DataSourcesHeldBy(IEnumerable<object> roots)
    {
        var found = new Dictionary<NpgsqlDataSource, List<string>>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Queue<object>(roots);
        while (pending.TryDequeue(out var item))
        {
            if (!seen.Add(item))
            {
                continue;
            }

            for (var type = item.GetType(); type is not null && IsOurs(type); type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    foreach (var value in ValuesOf(field.GetValue(item)))
                    {
                        if (value is NpgsqlDataSource dataSource)
                        {
                            (found.TryGetValue(dataSource, out var holders) ? holders : found[dataSource] = []).Add(type.Name);
                        }
                        else if (IsOurs(value.GetType()))
                        {
                            pending.Enqueue(value);
                        }
                    }
                }
            }
        }

        return found;
    }

    private static IEnumerable<object> ValuesOf(object? value) =>
        value switch
        {
            null or string => [],
            NpgsqlDataSource => [value],
            IEnumerable many when !IsOurs(value.GetType()) => many.Cast<object?>().OfType<object>(),
            _ => [value],
        };

    private static bool IsOurs(Type type) => type.Namespace?.StartsWith("OrderLedger", StringComparison.Ordinal) == true;
}
