using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

public static class ProjectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the projection runtime: the hosted projector (<see cref="ProjectionHostedService"/>) and
    /// <see cref="IProjectionAdmin"/>. Needs an <see cref="IEventStore"/> and an <see cref="EventTypeRegistry"/> (or
    /// <see cref="EventCodec"/>) in the container. <see cref="ProjectionOptions"/> are bound from the <c>Projections</c>
    /// section (<see cref="ProjectionOptions.Section"/>), then <paramref name="configure"/> runs; the connection string
    /// defaults to <c>ConnectionStrings:Postgres</c>. Bad options stop the host at start.
    /// </summary>
    public static ProjectionsBuilder AddProjections(this IServiceCollection services, IConfiguration configuration, Action<ProjectionOptions>? configure = null)
    {
        services.AddOptions<ProjectionOptions>()
            .Bind(configuration.GetSection(ProjectionOptions.Section))
            .Configure(options =>
            {
                if (options.ConnectionString.Length == 0)
                {
                    options.ConnectionString = configuration.GetConnectionString("Postgres") ?? "";
                }

                // A comma-separated list (--Projections:Only=orders,stock), which the binder does not split.
                if (configuration[$"{ProjectionOptions.Section}:Only"] is { Length: > 0 } only)
                {
                    options.Only = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                }
            });
        return services.AddProjections(configure ?? (_ => { }));
    }

    /// <summary>As above with options set in code (after any bound from configuration); they are read when the container first needs them.</summary>
    public static ProjectionsBuilder AddProjections(this IServiceCollection services, Action<ProjectionOptions> configure)
    {
        services.AddOptions<ProjectionOptions>()
            .Configure(configure)
            .PostConfigure(options => options.CatchUpBatchSize = Math.Max(options.CatchUpBatchSize, options.BatchSize))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProjectionOptions>, ProjectionOptions.Validation>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ProjectionOptions>>().Value);
        // A fallback for containers without the product's data sources (AddPostgresDataSources): one pool per connection string still.
        services.TryAddKeyedSingleton(KeyedService.AnyKey, (_, key) => NpgsqlDataSource.Create((string)key!));
        services.AddSingleton(sp => new ProjectionCatalog(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(sp.GetRequiredService<ProjectionOptions>().ConnectionString), sp.GetRequiredService<ProjectionOptions>()));
        services.AddSingleton<IProjectionAdmin>(sp => new ProjectionAdmin(
            Selected(sp),
            sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<ProjectionCatalog>(),
            sp.GetRequiredService<ProjectionOptions>(),
            CodecOf(sp)));
        services.AddSingleton<IHostedService>(sp => new ProjectionHostedService(
            Selected(sp),
            sp.GetRequiredService<IEventStore>(),
            CodecOf(sp),
            sp.GetRequiredService<ProjectionCatalog>(),
            sp.GetRequiredService<ProjectionOptions>(),
            sp.GetRequiredService<ILoggerFactory>()));
        return new ProjectionsBuilder(services);
    }

    private static EventCodec CodecOf(IServiceProvider services) =>
        services.GetService<EventCodec>() ?? new EventCodec(services.GetService<EventTypeRegistry>()
            ?? throw new InvalidOperationException("Projections need an EventTypeRegistry (e.g. DomainEventTypes.CreateRegistry()) registered as a singleton."));

    private static IEnumerable<IProjection> Selected(IServiceProvider services)
    {
        var only = services.GetRequiredService<ProjectionOptions>().Only;
        return services.GetServices<IProjection>().Where(p => only is null || only.Contains(p.Name));
    }
}

/// <summary>Adds projections to the runtime.</summary>
public sealed class ProjectionsBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    public ProjectionsBuilder Add<TProjection>()
        where TProjection : class, IProjection
    {
        Services.AddSingleton<IProjection, TProjection>();
        return this;
    }

    public ProjectionsBuilder Add(IProjection projection)
    {
        Services.AddSingleton(projection);
        return this;
    }

    /// <summary>Every concrete <see cref="IProjection"/> in <paramref name="assembly"/> (constructor arguments come from the container).</summary>
    public ProjectionsBuilder AddFromAssembly(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && typeof(IProjection).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            Services.AddSingleton(typeof(IProjection), type);
        }

        return this;
    }
}
