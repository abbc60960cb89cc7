using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Reactors;

public static class ReactorServiceCollectionExtensions
{
    /// <summary>
    /// The reactors: the <see cref="ReactorTimersProjection"/> (run by the projection runtime, so call
    /// <c>AddProjections</c> too), the <see cref="TimerDispatcher"/> hosted service (payment timeout, NPS survey,
    /// escalation deadline, auto-refund) and the reservation recovery service. Needs an <c>IEventStore</c>; adds
    /// command handling (<see cref="CommandService"/>) if it is not registered yet.
    /// </summary>
    public static IServiceCollection AddReactors(this IServiceCollection services, Action<ReactorOptions>? configure = null)
    {
        services.AddOrderLedgerApplication();
        services.AddReactorTimersProjection();
        services.TryAddSingleton(sp =>
        {
            var projections = sp.GetRequiredService<ProjectionOptions>();
            var options = new ReactorOptions { ConnectionString = projections.ConnectionString, ViewSchema = projections.ViewSchema };
            configure?.Invoke(options);
            return options;
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ReactorOptions>();
            return new TimerDispatcher(
                sp.GetRequiredService<CommandService>(),
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TimerDispatcher>>(),
                sp.GetRequiredKeyedService<NpgsqlDataSource>(options.ConnectionString));
        });
        services.AddHostedService(sp => sp.GetRequiredService<TimerDispatcher>());
        services.AddReservationRecoveryService();
        return services;
    }

    /// <summary>Only the timers projection: for processes that show or rebuild it without dispatching (the CLI).</summary>
    public static IServiceCollection AddReactorTimersProjection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProjection, ReactorTimersProjection>());
        return services;
    }
}
