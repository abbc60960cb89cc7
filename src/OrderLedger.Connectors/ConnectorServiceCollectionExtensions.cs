using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Connectors.Generic;
using OrderLedger.Connectors.Inbox;
using OrderLedger.Connectors.Platform;
using OrderLedger.Connectors.Receiving;
using OrderLedger.Connectors.WeChatShop;
using OrderLedger.Connectors.WeComKf;
using OrderLedger.Connectors.Worker;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Connectors;

public static class ConnectorServiceCollectionExtensions
{
    /// <summary>
    /// The channel connectors (docs/connectors.md): the receiving side (<see cref="CallbackReceiver"/>, for the host's
    /// webhook endpoints), the inbox projection (run by the projection runtime, so call <c>AddProjections</c> too) and
    /// the <see cref="ConnectorWorker"/>. Configuration: the <c>Connectors</c> section.
    /// </summary>
    public static IServiceCollection AddConnectors(this IServiceCollection services, IConfiguration configuration, Action<ConnectorOptions>? configure = null)
    {
        services.AddOrderLedgerApplication();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProjection, ConnectorInboxProjection>());
        services.TryAddSingleton(sp =>
        {
            var options = ConnectorOptions.From(configuration);
            var projections = sp.GetRequiredService<ProjectionOptions>();
            options.ConnectionString = projections.ConnectionString;
            options.ViewSchema = projections.ViewSchema;
            configure?.Invoke(options);
            return options;
        });
        services.TryAddSingleton<ConnectorTelemetry>();
        services.TryAddSingleton<ConnectorInbox>();
        services.TryAddSingleton<CallbackReceiver>();
        services.TryAddSingleton<ConnectorCommands>();
        services.TryAddSingleton(sp => new PlatformApi(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, sp.GetRequiredService<ConnectorOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxHandler, ShopInboxHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxHandler, GenericInboxHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxHandler, KfInboxHandler>(sp => new KfInboxHandler(
            sp.GetRequiredService<ConnectorOptions>(), sp.GetRequiredService<PlatformApi>(), sp.GetRequiredService<ConnectorCommands>(), DataSourceOf(sp))));
        services.TryAddSingleton(sp => new ConnectorWorker(
            sp.GetServices<IInboxHandler>(), sp.GetRequiredService<ConnectorOptions>(), sp.GetRequiredService<ConnectorTelemetry>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConnectorWorker>>(), DataSourceOf(sp)));
        services.AddHostedService(sp => sp.GetRequiredService<ConnectorWorker>());
        return services;
    }

    private static NpgsqlDataSource DataSourceOf(IServiceProvider services) =>
        services.GetRequiredKeyedService<NpgsqlDataSource>(services.GetRequiredService<ConnectorOptions>().ConnectionString);
}
