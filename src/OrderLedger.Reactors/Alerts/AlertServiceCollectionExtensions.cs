using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Reactors.Alerts;

public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// The alerts: the <see cref="AlertEvaluator"/> (rules over the live figures, raising and recovering alerts) and
    /// <see cref="AlertWebhooks"/> (delivery), configured from the <c>Alerts</c> section (<see cref="AlertOptions"/>).
    /// Call after <c>AddReactors</c>. The <see cref="AlertsProjection"/> is one of the product's projections
    /// (<see cref="AddAlertsProjection"/>), registered with the others.
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration, Action<AlertOptions>? configure = null)
    {
        services.AddAlertsProjection();
        services.TryAddSingleton(_ =>
        {
            var options = AlertOptions.From(configuration);
            configure?.Invoke(options);
            return options;
        });
        services.TryAddSingleton(sp =>
        {
            var reactors = sp.GetRequiredService<ReactorOptions>();
            return new AlertQueries(sp.GetRequiredKeyedService<NpgsqlDataSource>(reactors.ConnectionString), reactors.ViewSchema);
        });
        services.TryAddSingleton(sp =>
        {
            var reactors = sp.GetRequiredService<ReactorOptions>();
            return new AlertEvaluator(
                sp.GetRequiredService<CommandService>(), sp.GetRequiredService<AlertOptions>(), reactors, sp.GetRequiredService<IProjectionAdmin>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AlertEvaluator>>(),
                sp.GetRequiredKeyedService<NpgsqlDataSource>(reactors.ConnectionString),
                sp.GetRequiredKeyedService<NpgsqlDataSource>(MetricPool.ConnectionString(reactors.ConnectionString)));
        });
        services.TryAddSingleton(sp =>
        {
            var reactors = sp.GetRequiredService<ReactorOptions>();
            return new AlertWebhooks(
                sp.GetRequiredService<AlertOptions>(), reactors, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AlertWebhooks>>(),
                sp.GetRequiredKeyedService<NpgsqlDataSource>(reactors.ConnectionString));
        });
        if (AlertOptions.From(configuration).Enabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
            services.AddHostedService(sp => sp.GetRequiredService<AlertWebhooks>());
        }

        return services;
    }

    /// <summary>Only the alerts read model: for processes that show or rebuild it (every product process, with the other projections).</summary>
    public static IServiceCollection AddAlertsProjection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProjection, AlertsProjection>());
        return services;
    }
}
