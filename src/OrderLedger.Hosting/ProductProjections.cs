using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderLedger.Domain;
using OrderLedger.Metrics;
using OrderLedger.Projections.Runtime;
using OrderLedger.Reactors;
using OrderLedger.ReadModels;

namespace OrderLedger.Hosting;

public static class ProductProjections
{
    /// <summary>
    /// The projections OrderLedger runs — the core read models, the service metrics and the reactors' timers — the
    /// same set in every process, so status, rebuilds and lag agree wherever they are asked. Lag in events is
    /// counted in the table when the event store is PostgreSQL, and by reading <c>$all</c> on EventStoreDB. Projecting itself is on unless <paramref name="configure"/> turns
    /// <see cref="ProjectionOptions.RunProjectors"/> off (processes that only answer status and rebuild calls).
    /// </summary>
    public static ProjectionsBuilder AddOrderLedgerProjections(
        this IServiceCollection services, IConfiguration configuration, Action<ProjectionOptions>? configure = null)
    {
        services.TryAddSingleton(_ => DomainEventTypes.CreateRegistry());
        var projections = services.AddProjections(configuration, configure)
            .AddFromAssembly(typeof(OrdersProjection).Assembly)
            .AddFromAssembly(typeof(ServiceMetricsProjection).Assembly);
        services.AddReactorTimersProjection();
        if (EventStoreConfiguration.IsPostgres(configuration))
        {
            projections.CountEventsInPostgres(EventStoreConfiguration.PostgresSchema(configuration));
        }
        else
        {
            projections.CountEventsByReading();
        }

        return projections;
    }
}
