using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderLedger.Connectors.Inbox;
using OrderLedger.Domain;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Metrics;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Reactors;
using OrderLedger.Reactors.Alerts;
using OrderLedger.ReadModels;

namespace OrderLedger.Hosting;

public static class ProductProjections
{
    /// <summary>
    /// The projections OrderLedger runs — the core read models, the service metrics, the reactors' timers, the alerts and the connectors' inbox queue — the
    /// same set in every process, so status, rebuilds and lag agree wherever they are asked (lag in events is the
    /// event store's count, <c>IEventStore.CountAllAfterAsync</c>). They share the process's one pool per database
    /// (<see cref="ServiceCollectionExtensions.AddPostgresDataSources"/>). Projecting itself is on unless <paramref name="configure"/> turns
    /// <see cref="ProjectionOptions.RunProjectors"/> off (processes that only answer status and rebuild calls).
    /// </summary>
    public static ProjectionsBuilder AddOrderLedgerProjections(
        this IServiceCollection services, IConfiguration configuration, Action<ProjectionOptions>? configure = null)
    {
        services.TryAddSingleton(_ => DomainEventTypes.CreateRegistry());
        services.AddPostgresDataSources();
        var projections = services.AddProjections(configuration, configure)
            .AddFromAssembly(typeof(OrdersProjection).Assembly)
            .AddFromAssembly(typeof(ServiceMetricsProjection).Assembly);
        services.AddReactorTimersProjection();
        services.AddAlertsProjection();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProjection, ConnectorInboxProjection>());
        return projections;
    }
}
