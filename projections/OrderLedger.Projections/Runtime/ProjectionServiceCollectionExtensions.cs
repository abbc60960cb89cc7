using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

public static class ProjectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the projection runtime: the hosted projector (<see cref="ProjectionHostedService"/>) and
    /// <see cref="IProjectionAdmin"/>. Needs an <see cref="IEventStore"/> and an <see cref="EventTypeRegistry"/> (or
    /// <see cref="EventCodec"/>) in the container. Options come from the <c>Projections</c> section; the connection string
    /// defaults to <c>ConnectionStrings:Postgres</c>.
    /// </summary>
    public static ProjectionsBuilder AddProjections(this IServiceCollection services, IConfiguration configuration, Action<ProjectionOptions>? configure = null) =>
        services.AddProjections(options =>
        {
            var section = configuration.GetSection("Projections");
            options.ConnectionString = section["ConnectionString"] is { Length: > 0 } own ? own : configuration.GetConnectionString("Postgres") ?? "";
            options.RunProjectors = !bool.TryParse(section["Run"], out var run) || run;
            if (int.TryParse(section["BatchSize"], out var batchSize))
            {
                options.BatchSize = batchSize;
            }

            if (int.TryParse(section["CatchUpBatchSize"], out var catchUpBatchSize))
            {
                options.CatchUpBatchSize = catchUpBatchSize;
            }

            if (int.TryParse(section["BatchWindowMs"], out var windowMs))
            {
                options.BatchWindow = TimeSpan.FromMilliseconds(windowMs);
            }

            if (section["Only"] is { Length: > 0 } only)
            {
                options.Only = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            }

            if (section["InstanceName"] is { Length: > 0 } instance)
            {
                options.InstanceName = instance;
            }

            configure?.Invoke(options);
        });

    /// <summary>As above with options set in code; they are read when the container first needs them.</summary>
    public static ProjectionsBuilder AddProjections(this IServiceCollection services, Action<ProjectionOptions> configure)
    {
        services.AddSingleton(_ =>
        {
            var options = new ProjectionOptions();
            configure(options);
            options.Validate();
            return options;
        });
        services.AddSingleton(sp => new ProjectionDataSource(NpgsqlDataSource.Create(sp.GetRequiredService<ProjectionOptions>().ConnectionString)));
        services.AddSingleton(sp => new ProjectionCatalog(sp.GetRequiredService<ProjectionDataSource>().Value, sp.GetRequiredService<ProjectionOptions>()));
        services.AddSingleton<IProjectionAdmin>(sp => new ProjectionAdmin(
            Selected(sp),
            sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<ProjectionCatalog>(),
            sp.GetRequiredService<ProjectionOptions>(),
            sp.GetService<IEventLogCounter>(),
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

    /// <summary>The runtime's own connection pool, disposed with the container.</summary>
    internal sealed class ProjectionDataSource(NpgsqlDataSource value) : IAsyncDisposable
    {
        public NpgsqlDataSource Value { get; } = value;

        public ValueTask DisposeAsync() => Value.DisposeAsync();
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

    /// <summary>
    /// Lag in events and rebuild totals by counting rows of the embedded PostgreSQL event store, which lives in the
    /// read models' database (<c>ConnectionStrings:Postgres</c>) under <paramref name="eventStoreSchema"/>.
    /// </summary>
    public ProjectionsBuilder CountEventsInPostgres(string eventStoreSchema = "eventstore")
    {
        Services.AddSingleton<IEventLogCounter>(sp => new PostgresEventLogCounter(sp.GetRequiredService<ProjectionServiceCollectionExtensions.ProjectionDataSource>().Value, eventStoreSchema));
        return this;
    }

    /// <summary>Lag in events and rebuild totals by reading <c>$all</c> (<see cref="ReadingEventLogCounter"/>): for EventStoreDB.</summary>
    public ProjectionsBuilder CountEventsByReading()
    {
        Services.AddSingleton<IEventLogCounter>(sp => new ReadingEventLogCounter(sp.GetRequiredService<IEventStore>()));
        return this;
    }
}
