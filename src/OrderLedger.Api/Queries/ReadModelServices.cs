using Npgsql;
using OrderLedger.Api.Security;
using OrderLedger.Metrics;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>The read-model queries and their endpoints.</summary>
public static class ReadModelServices
{
    /// <summary>The query classes, each over the process's one pool of the read-model database and the configured view schema.</summary>
    public static IServiceCollection AddReadModelQueries(this IServiceCollection services)
    {
        AddQueries(services, (dataSource, views) => new OrderQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new CustomerTimelineQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new StockLevelQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new ShipmentQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new RefundQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new ConversationQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new RosterQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new StorePolicyQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new ServiceMetricsQueries(dataSource, views), metricPool: true);
        AddQueries(services, (dataSource, views) => new CommerceMetricsQueries(dataSource, views), metricPool: true);
        AddQueries(services, (dataSource, views) => new SharerSalesQueries(dataSource, views), metricPool: true);
        AddQueries(services, (dataSource, views) => new AgentHandledQueries(dataSource, views), metricPool: true);
        AddQueries(services, (dataSource, views) => new WorkOrderQueries(dataSource, views));
        AddQueries(services, (dataSource, views) => new WorkOrderMetricsQueries(dataSource, views), metricPool: true);
        services.AddSingleton(sp => new MetricQueries(
            sp.GetRequiredService<ServiceMetricsQueries>(), sp.GetRequiredService<CommerceMetricsQueries>(),
            sp.GetRequiredService<ShipmentQueries>(), sp.GetRequiredService<StockLevelQueries>(), workOrders: sp.GetRequiredService<WorkOrderMetricsQueries>()));
        return services;
    }

    /// <param name="metricPool">A metric figure's queries: over <see cref="MetricPool"/> (their plans depend on store and window).</param>
    private static void AddQueries<TQueries>(IServiceCollection services, Func<NpgsqlDataSource, string, TQueries> create, bool metricPool = false)
        where TQueries : class =>
        services.AddSingleton(sp =>
        {
            var projections = sp.GetRequiredService<ProjectionOptions>();
            var pool = metricPool ? MetricPool.ConnectionString(projections.ConnectionString) : projections.ConnectionString;
            return create(sp.GetRequiredKeyedService<NpgsqlDataSource>(pool), projections.ViewSchema);
        });

    public static void MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").RequireAuthorization(Policies.Read).WithUnavailableAs503();
        read.MapOrderQueries();
        read.MapCustomerQueries();
        read.MapStockQueries();
        read.MapShipmentQueries();
        read.MapRefundQueries();
        read.MapReturnQueries();
        read.MapConversationQueries();
        read.MapRosterQueries();
        read.MapWorkOrderQueries();
        read.MapMetricQueries();
        read.MapSharerQueries();
        read.MapCockpitQueries();
        app.MapGroup("/api").RequireAuthorization(Policies.ReadLog).WithUnavailableAs503().MapHistoryQueries();
    }
}
