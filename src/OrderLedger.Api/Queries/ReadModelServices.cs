using Npgsql;
using OrderLedger.Api.Security;
using OrderLedger.Metrics;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>The read-model queries, on their own data source over the read-model database (<c>ConnectionStrings:Postgres</c>).</summary>
public static class ReadModelServices
{
    public static IServiceCollection AddReadModelQueries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => new ReadModelDatabase(NpgsqlDataSource.Create(
            configuration["Projections:ConnectionString"] is { Length: > 0 } own ? own : configuration.GetConnectionString("Postgres") ?? "")));
        services.AddSingleton(sp => new OrderQueries(sp.GetRequiredService<ReadModelDatabase>().DataSource));
        services.AddSingleton(sp => new CustomerTimelineQueries(sp.GetRequiredService<ReadModelDatabase>().DataSource));
        services.AddSingleton(sp => new StockLevelQueries(sp.GetRequiredService<ReadModelDatabase>().DataSource));
        services.AddSingleton(sp => new ShipmentQueries(sp.GetRequiredService<ReadModelDatabase>().DataSource));
        services.AddSingleton(sp => new RefundQueries(sp.GetRequiredService<ReadModelDatabase>().DataSource));
        services.AddSingleton(sp => new ConversationQueries(sp.GetRequiredService<ReadModelDatabase>().DataSource));
        services.AddSingleton(sp => new ServiceMetricsQueries(sp.GetRequiredService<ReadModelDatabase>().DataSource));
        return services;
    }

    public static void MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").RequireAuthorization(Policies.Read).WithUnavailableAs503();
        read.MapOrderQueries();
        read.MapCustomerQueries();
        read.MapStockQueries();
        read.MapShipmentQueries();
        read.MapRefundQueries();
        read.MapConversationQueries();
        read.MapMetricQueries();
        app.MapGroup("/api").RequireAuthorization(Policies.ReadLog).WithUnavailableAs503().MapHistoryQueries();
    }
}

public sealed class ReadModelDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
